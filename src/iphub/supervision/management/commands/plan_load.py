from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from iphub.supervision.services.plan import plan_load


class Command(BaseCommand):
    help = "从数据文件载入实施方案（任务、措施、目标）；已载入的方案默认不覆盖。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="方案 JSON 文件，默认 2022 年方案")
        parser.add_argument("--replace", action="store_true", help="用文件内容更新已载入的方案")

    def handle(self, *args: Any, **options: Any) -> None:
        plan, loaded = plan_load(
            path=Path(options["path"]) if options["path"] else None, replace=options["replace"]
        )
        self.stdout.write(f"{plan.title}：{'已载入' if loaded else '已存在，未覆盖'}")
