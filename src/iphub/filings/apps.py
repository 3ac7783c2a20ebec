from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "iphub.filings"
    label = "filings"
    verbose_name = "一网通办"

    def ready(self) -> None:
        from iphub.filings.indicators import register_indicators

        register_indicators()
