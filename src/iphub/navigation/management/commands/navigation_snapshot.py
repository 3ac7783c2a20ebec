from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from iphub.navigation import corpus_version
from iphub.navigation.snapshot import SnapshotBusy, snapshot_build, snapshot_path
from iphub.patents.progress import ProgressBar


class Command(BaseCommand):
    help = "生成专利导航分析用的列式快照（DuckDB 文件，显示进度）。"

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar("snapshot", stream=self.stderr)  # type: ignore[arg-type]
        try:
            meta = snapshot_build(progress=bar)
        except SnapshotBusy as exc:
            raise CommandError(str(exc)) from None
        except corpus_version.WritersStillRunning as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        self.stdout.write(
            f"导航快照已生成：{snapshot_path()}（专利 {meta['patents']} 件，"
            f"申请人记录 {meta['parties']} 条，发明人记录 {meta['inventors']} 条，"
            f"用时 {meta['build_s']} 秒）。"
        )
