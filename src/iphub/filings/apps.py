from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "iphub.filings"
    label = "filings"
    verbose_name = "一网通办"
