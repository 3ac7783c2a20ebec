"""Print the current two-factor code of each demo account that signs in with one.

Only accounts whose authenticator holds the demo's published key
(``iphub.core.demo.DEMO_TOTP_KEY``) are shown: a real account's key never
leaves its device, and this command cannot read it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from iphub.core.demo import DEMO_TOTP_KEY, demo_totp_secret
from iphub.core.twofactor import totp_code


class Command(BaseCommand):
    help = "显示演示账号当前的双因素验证码（仅限使用公开演示密钥的账号）。"

    def handle(self, *args: Any, **options: Any) -> None:
        devices = (
            TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, confirmed=True)
            .select_related("user")
            .order_by("user__username")
        )
        if not devices:
            self.stdout.write("没有使用演示密钥的账号：请先运行 seed_demo。")
            return
        self.stdout.write(
            f"演示密钥 {demo_totp_secret()}；当前验证码（30 秒内有效，每个只能用一次）："
        )
        for device in devices:
            self.stdout.write(f"  {device.user.username:<20} {totp_code(device)}")
