from django.apps import AppConfig


class OverseasConfig(AppConfig):
    name = "iphub.overseas"
    label = "overseas"
    verbose_name = "海外知识产权纠纷应对"
