from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "iphub.protection"
    label = "protection"
    verbose_name = "保护与维权"

    def ready(self) -> None:
        from iphub.protection.indicators import register_indicators

        register_indicators()
        from iphub.patents import events
        from iphub.protection import receivers

        events.patents_imported.connect(
            receivers.screen_imported, dispatch_uid="protection.screening.import"
        )
