"""``iphub restore DIR``: check a backup's sums, load it, rebuild the search index."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iphub.core.backup import BackupError, backup_restore, backup_verify


def rebuild_index() -> int:
    """Throw away this node's index (and its outbox position, which belongs to the
    database it followed) and rebuild it from the restored database with the
    ``reindex`` command; the number of documents it reports."""
    shutil.rmtree(Path(settings.SEARCH_INDEX_DIR), ignore_errors=True)
    out = io.StringIO()
    call_command("reindex", stdout=out)
    found = re.findall(r"(\d+)", out.getvalue().strip().splitlines()[-1] if out.getvalue() else "")
    return int(found[-1]) if found else -1


class Command(BaseCommand):
    help = "从 iphub backup 的备份恢复：校验 SHA-256，载入数据库与文件，重建检索索引。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="备份目录（iphub-YYYYMMDDTHHMMSSZ）。")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="目标数据库已有数据时先清空再恢复（会删除现有全部数据）。",
        )
        parser.add_argument("--verify-only", action="store_true", help="只校验备份，不恢复。")
        parser.add_argument("--no-reindex", action="store_true", help="不重建检索索引。")
        parser.add_argument("--json", action="store_true", help="以一行 JSON 输出结果。")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        say = (lambda m: None) if options["json"] else (lambda m: self.stdout.write(m))
        try:
            if options["verify_only"]:
                manifest = backup_verify(path)
                self.stdout.write(f"备份完好：{len(manifest['files'])} 个文件的校验和一致。")
                return
            result = backup_restore(
                path=path,
                replace=options["replace"],
                reindex=None if options["no_reindex"] else rebuild_index,
                say=say,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "path": str(result.path),
                        "tables": result.tables,
                        "rows": result.rows,
                        "files": result.files,
                        "mismatched_tables": result.mismatched_tables,
                        "indexed": result.indexed,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(
                f"恢复完成：{result.tables} 张表 {result.rows} 行，{result.files} 个文件"
                + (f"，索引 {result.indexed} 条" if result.indexed is not None else "")
                + "。"
            )
        if result.mismatched_tables:
            raise CommandError(
                "以下表的行数与备份记录不符："
                + "，".join(f"{t} {a}≠{b}" for t, (a, b) in result.mismatched_tables.items())
            )
