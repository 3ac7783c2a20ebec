from django.apps import AppConfig


class PatentsConfig(AppConfig):
    name = "iphub.patents"
    label = "patents"
    verbose_name = "专利与商标"

    def ready(self) -> None:
        from iphub.patents import events, receivers

        events.patents_imported.connect(
            receivers.suggest_ipc_after_import, dispatch_uid="patents.ipc_suggest.import"
        )
