from django.apps import AppConfig


class NavigationConfig(AppConfig):
    name = "iphub.navigation"
    label = "navigation"
    verbose_name = "专利导航"
