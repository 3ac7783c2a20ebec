from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "iphub.finance"
    label = "finance"
    verbose_name = "知识产权金融"

    def ready(self) -> None:
        from iphub.finance.indicators import register_indicators

        register_indicators()
        from iphub.finance.duties import register_duties

        register_duties()
        # A registered pledge closes the financing request it was filed for.
        from iphub.filings.announce import on_registered
        from iphub.finance.subscribers import filing_registered

        on_registered(filing_registered)
