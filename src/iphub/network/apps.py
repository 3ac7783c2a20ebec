from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "iphub.network"
    label = "network"
    verbose_name = "信息公共服务网络"

    def ready(self) -> None:
        from iphub.network.indicators import register_indicators

        register_indicators()
        from iphub.network.duties import register_duties

        register_duties()
