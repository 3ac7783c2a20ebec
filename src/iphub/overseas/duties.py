"""overseas' periodic duty (registered in core's schedule by ``OverseasConfig.ready()``)."""

from __future__ import annotations

from iphub.core.schedule import Duty, register_duty


def _run_watches() -> str:
    from iphub.overseas.services import watches_run

    return f"海外风险监测新预警 {watches_run()} 条"


def register_duties() -> None:
    """Watches look at new records every hour (and after each patent import)."""
    register_duty(Duty("overseas_watches_run", "海外风险监测预警", "hour", _run_watches))
