from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "iphub.transfer"
    label = "transfer"
    verbose_name = "知慧桥"
