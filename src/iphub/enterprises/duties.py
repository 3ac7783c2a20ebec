"""enterprises' periodic duty (registered in core's schedule by ``EnterprisesConfig.ready()``)."""

from __future__ import annotations

import datetime as dt

from iphub.core.schedule import Duty, register_duty


def _peer_figures() -> str:
    from iphub.enterprises.peer_figures import refresh_summary

    return refresh_summary()


def register_duties() -> None:
    """Put the morning refresh of the peer figures into core's schedule: two of the
    figures move with the date (in force, the last five years), so each day's first
    profile would otherwise recompute every peer."""
    register_duty(
        Duty("peer_figures", "企业画像同行对比数据更新", "day", _peer_figures, dt.time(2, 30))
    )
