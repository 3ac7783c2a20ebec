from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "iphub.portal"
    label = "portal"
    verbose_name = "门户"
