from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "iphub.core"
    label = "core"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from iphub.core.ratelimit import login_failed

        # Failed logins per client address, whatever the usernames (core.ratelimit).
        user_login_failed.connect(login_failed, dispatch_uid="iphub.core.ratelimit.login_failed")
