from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "iphub.protection"
    label = "protection"
    verbose_name = "保护与维权"
