from django.apps import AppConfig


class NavigationConfig(AppConfig):
    name = "iphub.navigation"
    label = "navigation"
    verbose_name = "专利导航"

    def ready(self) -> None:
        from iphub.navigation.indicators import register_indicators

        register_indicators()
        from iphub.navigation.duties import register_duties

        register_duties()
        from iphub.navigation import receivers
        from iphub.patents import events

        events.patents_imported.connect(
            receivers.refresh_snapshot_after_import, dispatch_uid="navigation.snapshot.import"
        )
        events.corpus_reindexed.connect(
            receivers.refresh_snapshot_after_import, dispatch_uid="navigation.snapshot.reindex"
        )
        events.patent_detail_shown.connect(
            receivers.high_value_on_detail, dispatch_uid="navigation.detail.high_value"
        )
        events.grade_method_shown.connect(
            receivers.criteria_on_grade_method, dispatch_uid="navigation.grade_method.criteria"
        )
