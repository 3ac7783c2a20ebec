"""supervision's periodic duty (registered in core's schedule by ``SupervisionConfig.ready()``)."""

from __future__ import annotations

import datetime as dt

from iphub.core.schedule import Duty, register_duty


def _supervision_remind() -> str:
    from iphub.supervision.selectors import today_local
    from iphub.supervision.services.reminders import reminders_send

    return f"发送月报提醒 {len(reminders_send(today=today_local()))} 条"


def register_duties() -> None:
    """Put supervision's duty into core's schedule."""
    register_duty(
        Duty("supervision_remind", "月报到期提醒", "day", _supervision_remind, dt.time(8, 0))
    )
