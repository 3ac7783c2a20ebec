from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "iphub.supervision"
    label = "supervision"
    verbose_name = "督导考核"

    def ready(self) -> None:
        from iphub.supervision.duties import register_duties

        register_duties()
