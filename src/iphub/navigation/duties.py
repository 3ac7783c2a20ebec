"""navigation's periodic duty (registered in core's schedule by ``NavigationConfig.ready()``)."""

from __future__ import annotations

import datetime as dt

from iphub.core.schedule import Duty, register_duty


def _navigation_snapshot() -> str:
    from iphub.navigation.snapshot import snapshot_refresh

    words = {"fresh": "快照已是最新", "built": "已重建快照", "busy": "另一进程正在重建",
             "writers": "有导入正在写入，稍后再建"}  # fmt: skip
    outcome = snapshot_refresh()
    return words.get(outcome, outcome)


def register_duties() -> None:
    """Put navigation's duty into core's schedule."""
    register_duty(
        Duty("navigation_snapshot", "导航分析快照更新", "day", _navigation_snapshot, dt.time(2, 0))
    )
