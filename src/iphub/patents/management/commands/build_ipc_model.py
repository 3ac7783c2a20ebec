"""``manage.py build_ipc_model``: train the IPC suggester from the shared data
(``ipc_titles_5876.csv``, the IPC 2026.01 titles) and the platform's own records
that carry IPC codes; writes ``var/ipc_model/``. ``seed_demo`` runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iphub.patents.services.ipc_suggestions import ipc_model_build


class Command(BaseCommand):
    help = (
        "训练 IPC 分类号推荐模型（只用共享数据中的标题与分类、IPC 2026.01 类目名称"
        "和本平台带分类号的专利）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--csv",
            type=Path,
            default=None,
            help="训练用 CSV（title, ipc_subclasses），默认共享数据中的 ipc_titles_5876.csv",
        )
        parser.add_argument("--limit", type=int, default=None, help="只用 CSV 的前 N 行（测试用）")
        parser.add_argument("--no-platform", action="store_true", help="不使用本平台的专利记录")
        parser.add_argument("--if-missing", action="store_true", help="已有模型时跳过")

    def handle(self, *args: Any, **options: Any) -> None:
        csv_path = options["csv"] or Path(settings.SHARED_DATA_DIR) / "ipc_titles_5876.csv"
        if not csv_path.exists():
            raise CommandError(f"找不到训练数据 {csv_path}：请设置 IPHUB_SHARED_DATA。")
        if options["limit"] is not None and options["limit"] < 10:
            raise CommandError("--limit 至少为 10。")
        model = ipc_model_build(
            csv_path=csv_path,
            limit=options["limit"],
            platform=not options["no_platform"],
            only_if_missing=options["if_missing"],
        )
        if model is None:
            self.stdout.write("IPC 推荐模型已存在，跳过。")
            return
        info = model.info or {}
        self.stdout.write(
            f"IPC 推荐模型已生成：{info.get('labels')} 个小类，训练样本 {info.get('rows')} 条"
            f"（CSV {info.get('csv_rows')}，本平台 {info.get('platform_rows')}），"
            f"用时 {info.get('seconds')} 秒；"
            + (
                "方法：TF-IDF + e5 语义向量。"
                if info.get("method") == "tfidf+e5"
                else "方法：仅 TF-IDF（e5 未启用或无法加载）。"
            )
        )
