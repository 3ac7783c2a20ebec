from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "iphub.training"
    label = "training"
    verbose_name = "培训"

    def ready(self) -> None:
        from iphub.training.indicators import register_indicators

        register_indicators()
