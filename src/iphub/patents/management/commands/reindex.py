from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from iphub.patents.indexing import reindex_all
from iphub.patents.progress import ProgressBar


class Command(BaseCommand):
    help = "从数据库重建专利检索索引（显示进度）。"

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar("reindex")
        total = reindex_all(progress=bar)
        bar.close()
        self.stdout.write(f"索引已重建：{total} 条。")
        if apps.is_installed("iphub.navigation"):
            # A reindex follows bulk changes: bring the navigation snapshot along.
            from iphub.navigation.snapshot import snapshot_refresh_request

            snapshot_refresh_request(only_if_exists=True)
