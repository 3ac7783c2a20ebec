"""``manage.py audit_verify`` (``iphub audit_verify``): check every audit entry's
digest and the hash chain; exits with status 1 and names the first broken entry
when the log was altered (see :mod:`iphub.core.auditchain`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iphub.core.auditchain import audit_seal, audit_verify


class Command(BaseCommand):
    help = "校验审计日志的哈希链，发现被修改或删除的记录时指出第一条"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seal", action="store_true", help="校验前先将未链入的记录链入（同 audit_seal）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seal"]:
            audit_seal()
        result = audit_verify()
        for b in result.breaks:
            where = f"第 {b.entry_id} 号记录" if b.entry_id is not None else "链头"
            seq = f"（链序号 {b.seq}）" if b.seq is not None else ""
            self.stderr.write(f"{where}{seq}：{b.reason}")
        summary = (
            f"已校验 {result.checked} 条：已链入 {result.sealed} 条，"
            f"待链入 {result.unsealed} 条；链头第 {result.head_seq} 条"
        )
        if not result.ok:
            first = result.breaks[0]
            name = f"第 {first.entry_id} 号记录" if first.entry_id is not None else "链头"
            raise CommandError(f"审计日志校验未通过：首个异常在{name}。{summary}")
        self.stdout.write(f"审计日志完整。{summary}")
