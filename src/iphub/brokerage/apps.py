from django.apps import AppConfig


class BrokerageConfig(AppConfig):
    name = "iphub.brokerage"
    label = "brokerage"
    verbose_name = "专利推送与技术经理人"

    def ready(self) -> None:
        from iphub.brokerage.indicators import register_indicators

        register_indicators()
