from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from iphub.protection.models import RunKind, ScreeningRun
from iphub.protection.services.screening import screening_run_create, screening_run_execute


class Command(BaseCommand):
    help = "蓝天筛查：对全部专利记录（或 --ids 指定的新记录）运行非正常申请检测，结果写入疑似组。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ids", type=int, nargs="*", help="只筛查这些新记录（与全库比对）")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = options.get("ids") or []
        kind = RunKind.INCREMENTAL if ids else RunKind.FULL
        run = screening_run_create(actor=None, kind=kind, patent_ids=ids)
        # The queued task may already have run (immediate backend); executing again is a no-op.
        run = screening_run_execute(run.pk)
        run = ScreeningRun.objects.get(pk=run.pk)
        self.stdout.write(
            f"{run.get_status_display()}：{run.docs} 件，候选对 {run.candidate_pairs}，"
            f"相似对 {run.verified_pairs}，新标记 {run.groups_found} 组，{run.duration_s} 秒。"
        )
