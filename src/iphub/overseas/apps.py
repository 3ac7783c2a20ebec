from django.apps import AppConfig


class OverseasConfig(AppConfig):
    name = "iphub.overseas"
    label = "overseas"
    verbose_name = "海外知识产权纠纷应对"

    def ready(self) -> None:
        from iphub.overseas import duties, indicators, receivers
        from iphub.patents import events

        indicators.register_indicators()
        duties.register_duties()
        events.patents_imported.connect(
            receivers.watch_new_patents, dispatch_uid="overseas.watches.import"
        )
