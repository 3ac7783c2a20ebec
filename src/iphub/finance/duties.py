"""finance's periodic duty (registered in core's schedule by ``FinanceConfig.ready()``)."""

from __future__ import annotations

from iphub.core.schedule import Duty, register_duty


def _flag_overdue_answers() -> str:
    from iphub.finance.services.notices import answers_flag_overdue

    return f"提醒超期未答复的银行 {len(answers_flag_overdue())} 项"


def register_duties() -> None:
    """Put finance's duty into core's schedule."""
    register_duty(
        Duty("finance_answers_overdue", "融资需求银行超期答复提醒", "hour", _flag_overdue_answers)
    )
