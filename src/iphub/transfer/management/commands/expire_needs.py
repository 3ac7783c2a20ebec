"""``manage.py expire_needs``: the daily sweep of the 需求库 (cron or a scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iphub.transfer.services import needs_expire_due


class Command(BaseCommand):
    help = "将已过截止日期的技术需求标记为已过期，长期未确认的标记为待确认。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = needs_expire_due()
        self.stdout.write(f"已过期 {counts['expired']} 条，标记待确认 {counts['stale']} 条。")
