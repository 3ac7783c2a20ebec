"""``iphub backup``: a dated, checksummed backup of the database, files and settings."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iphub.core.backup import BackupError, backup_create, backup_prune


class Command(BaseCommand):
    help = "备份数据库、上传文件与非机密配置到带日期、附 SHA-256 校验和的目录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dest",
            default="",
            help="备份存放目录（默认 IPHUB_BACKUP_DIR，或 IPHUB_VAR_DIR/backups）。",
        )
        parser.add_argument(
            "--keep-daily", type=int, default=0, help="保留最近这么多天每天最新的一份（0 不清理）。"
        )
        parser.add_argument(
            "--keep-weekly", type=int, default=0, help="另保留最近这么多周每周最新的一份。"
        )
        parser.add_argument("--json", action="store_true", help="以一行 JSON 输出结果。")

    def handle(self, *args: Any, **options: Any) -> None:
        dest = Path(
            options["dest"]
            or os.environ.get("IPHUB_BACKUP_DIR", "")
            or Path(settings.VAR_DIR) / "backups"
        )
        say = (lambda m: None) if options["json"] else (lambda m: self.stdout.write(m))
        try:
            result = backup_create(dest=dest, say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["keep_daily"] or options["keep_weekly"]:
            result.pruned = backup_prune(
                dest=dest, keep_daily=options["keep_daily"], keep_weekly=options["keep_weekly"]
            )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "path": str(result.path),
                        "vendor": result.vendor,
                        "tables": result.tables,
                        "rows": result.rows,
                        "files": result.files,
                        "bytes": result.bytes,
                        "pruned": [str(p) for p in result.pruned],
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(
            f"备份完成：{result.path}（{result.vendor}，{result.tables} 张表 {result.rows} 行，"
            f"{result.files} 个文件，共 {result.bytes / 1e6:.1f} MB）。"
        )
        for path in result.pruned:
            self.stdout.write(f"按保留策略删除旧备份：{path}")
