from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "iphub.enterprises"
    label = "enterprises"
    verbose_name = "企业知识产权画像"

    def ready(self) -> None:
        # A patent record names its applicants; those that are registered
        # organisations link to their profile (patents announces the page).
        from iphub.enterprises import receivers

        receivers.connect()
        from iphub.enterprises.duties import register_duties

        register_duties()
