"""``manage.py audit_seal`` (``iphub audit_seal``): link the audit entries written
since the last run onto the hash chain. Run it from cron every minute; it prints
the chain head, which the operators keep in their logs outside the database
(see :mod:`iphub.core.auditchain`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from iphub.core.auditchain import audit_seal


class Command(BaseCommand):
    help = "将新的审计日志链入哈希链（建议每分钟由 cron 运行一次）"

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_seal()
        self.stdout.write(
            f"本次链入 {result.sealed} 条；链头：第 {result.head_seq} 条 {result.head_hash}"
        )
