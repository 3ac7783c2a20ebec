from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "iphub.filings"
    label = "filings"
    verbose_name = "一网通办"

    def ready(self) -> None:
        from iphub.filings.indicators import register_indicators

        register_indicators()
        from iphub.filings.duties import register_duties

        register_duties()

        # The audit trail names a refusal ground in words (core.audit_labels).
        from iphub.core.audit_labels import register_value_labeller
        from iphub.filings.catalogue import refusal_ground_label

        register_value_labeller("refusal_ground", refusal_ground_label)
