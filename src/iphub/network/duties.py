"""network's periodic duty (registered in core's schedule by ``NetworkConfig.ready()``)."""

from __future__ import annotations

from iphub.core.schedule import Duty, register_duty


def _flag_overdue_tickets() -> str:
    from iphub.network.services import tickets_flag_overdue

    return f"标记超期未办结的服务工单 {len(tickets_flag_overdue())} 件"


def register_duties() -> None:
    """Put network's duty into core's schedule (hourly: a ticket's limit ends at
    the office-hours cut-off, so an hourly sweep marks it within the hour)."""
    register_duty(
        Duty("network_tickets_overdue", "服务工单超期标记", "hour", _flag_overdue_tickets)
    )
