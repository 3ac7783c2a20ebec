from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iphub.core.errors import ApplicationError
from iphub.patents.models import ImportJob, ImportMode, JobStatus
from iphub.patents.progress import ProgressBar
from iphub.patents.services import import_file


class Command(BaseCommand):
    """Import files one after the other, printing each one's report; ``import_updates``
    is this command with another service (``apply``)."""

    help = (
        "导入专利数据：CSV、Excel(.xlsx)、JSON Lines、MySQL 导出(.sql)。"
        "用法：iphub import patents 文件"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--mode",
            choices=ImportMode.values,
            default=ImportMode.SKIP_BAD,
            help="all：有任何错误行则整批不导入；skip：跳过错误行（默认）",
        )
        parser.add_argument("--quiet-report", action="store_true", help="不逐行列出错误")

    def handle(self, *args: Any, files: list[Path], mode: str, **options: Any) -> None:
        failed = False
        for path in files:
            if not path.exists():
                raise CommandError(f"找不到文件：{path}")
            bar = ProgressBar(path.name)
            try:
                job = self.apply(path=path, mode=mode, progress=bar)
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
            bar.close()
            self.stdout.write(f"{path.name}: {job.message or job.get_status_display()}")
            report = job.report or {}
            if report.get("unknown_columns"):
                self.stdout.write("  未识别的列（未导入）：" + "、".join(report["unknown_columns"]))
            if not options["quiet_report"]:
                for line, field, message in job.report_errors:
                    self.stdout.write(f"  第 {line} 行 {field}：{message}")
            if report.get("full_report"):
                self.stdout.write(f"  完整报告：{report['full_report']}")
            failed = failed or job.status in (JobStatus.REJECTED, JobStatus.FAILED)
        if failed:
            raise CommandError("有文件未能导入，见上方报告。")

    def apply(self, *, path: Path, mode: str, progress: ProgressBar) -> ImportJob:
        return import_file(actor=None, path=path, mode=mode, progress=progress)
