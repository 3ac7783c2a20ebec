"""programmes' periodic duty (registered in core's schedule by ``ProgrammesConfig.ready()``)."""

from __future__ import annotations

import datetime as dt

from iphub.core.schedule import Duty, register_duty


def _expire_memberships() -> str:
    from iphub.programmes.services import memberships_expire

    return f"到期的培育项目成员资格 {len(memberships_expire())} 个（已移除标签并通知）"


def register_duties() -> None:
    """Put programmes' duty into core's schedule."""
    register_duty(
        Duty(
            "programme_memberships_expire",
            "培育项目成员资格到期处理",
            "day",
            _expire_memberships,
            dt.time(1, 30),
        )
    )
