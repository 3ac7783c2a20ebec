from typing import Any

from django.core.management.base import BaseCommand

from iphub.patents.events import corpus_reindexed
from iphub.patents.indexing import reindex_all
from iphub.patents.progress import ProgressBar


class Command(BaseCommand):
    help = "从数据库重建专利检索索引（显示进度）。"

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar("reindex")
        total = reindex_all(progress=bar)
        bar.close()
        self.stdout.write(f"索引已重建：{total} 条。")
        # A reindex follows bulk changes: subscribers (the navigation snapshot) follow.
        corpus_reindexed.send(sender=self.__class__)
