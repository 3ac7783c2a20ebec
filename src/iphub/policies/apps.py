from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "iphub.policies"
    label = "policies"
    verbose_name = "政策库"

    def ready(self) -> None:
        # The policy index follows the outbox like the patent index (core.outbox).
        from iphub.policies import search  # noqa: F401
