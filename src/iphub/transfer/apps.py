from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "iphub.transfer"
    label = "transfer"
    verbose_name = "知慧桥"

    def ready(self) -> None:
        from iphub.transfer.indicators import register_indicators

        register_indicators()
        from iphub.transfer.duties import register_duties

        register_duties()
        from iphub.patents import events
        from iphub.transfer import receivers

        events.patents_imported.connect(
            receivers.embed_after_import, dispatch_uid="transfer.embed.import"
        )
