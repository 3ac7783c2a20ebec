from django.apps import AppConfig


class BrandsConfig(AppConfig):
    name = "iphub.brands"
    label = "brands"
    verbose_name = "商标品牌与地理标志"

    def ready(self) -> None:
        # The trademark index follows the outbox like the patent index (core.outbox).
        from iphub.brands import duties, indicators, search_index

        search_index.register()
        indicators.register_indicators()
        duties.register_duties()
