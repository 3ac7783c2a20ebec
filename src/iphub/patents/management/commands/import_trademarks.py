from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iphub.core.errors import ApplicationError
from iphub.patents.services.trademarks import trademarks_import


class Command(BaseCommand):
    help = "导入商标数据（注册号、商标名称、尼斯分类、注册人、类型、状态）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--mode", choices=["all", "skip"], default="skip")

    def handle(self, *args: Any, file: Path, mode: str, **options: Any) -> None:
        try:
            report = trademarks_import(actor=None, path=file, mode=mode)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        for row in report.bad_rows:
            for field, msg in row["errors"].items():
                self.stdout.write(f"  第 {row['line']} 行 {field}：{msg}")
        if report.unknown_columns:
            self.stdout.write("  未识别的列：" + "、".join(report.unknown_columns))
        if not report.committed:
            raise CommandError(f"有 {len(report.bad_rows)} 行错误，按 --mode all 未导入任何记录。")
        self.stdout.write(f"已导入商标 {report.ok} 条，跳过错误行 {len(report.bad_rows)} 行。")
