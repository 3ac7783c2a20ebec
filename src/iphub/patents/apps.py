from django.apps import AppConfig


class PatentsConfig(AppConfig):
    name = "iphub.patents"
    label = "patents"
    verbose_name = "专利与商标"
