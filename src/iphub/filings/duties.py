"""filings' periodic duty (registered in core's schedule by ``FilingsConfig.ready()``)."""

from __future__ import annotations

from iphub.core.schedule import Duty, register_duty


def _escalate_filings() -> str:
    from iphub.filings.services import filings_escalate_overdue

    return f"提请督办超期事项 {len(filings_escalate_overdue())} 件"


def register_duties() -> None:
    """Put filings' duty into core's schedule."""
    register_duty(Duty("escalate_filings", "超期备案事项提请督办", "hour", _escalate_filings))
