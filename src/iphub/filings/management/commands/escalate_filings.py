"""Escalate overdue filings to the next region up (run every few minutes from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iphub.filings.services import filings_escalate_overdue


class Command(BaseCommand):
    help = "将超过办理时限的申请提请上一级督办"

    def handle(self, *args: Any, **options: Any) -> None:
        done = filings_escalate_overdue()
        self.stdout.write(f"已提请督办 {len(done)} 件")
