from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "iphub.programmes"
    label = "programmes"
    verbose_name = "培育项目"

    def ready(self) -> None:
        from iphub.programmes.duties import register_duties
        from iphub.programmes.indicators import register_indicators

        register_indicators()
        register_duties()
