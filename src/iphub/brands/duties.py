"""brands' periodic duty (registered in core's schedule by ``BrandsConfig.ready()``)."""

from __future__ import annotations

import datetime as dt

from iphub.core.schedule import Duty, register_duty


def _expire_uses() -> str:
    from iphub.brands.services import authorised_uses_expire

    return f"地理标志专用标志使用期满终止 {authorised_uses_expire()} 家"


def register_duties() -> None:
    """Put the daily expiry of GI authorisations into core's schedule (just after
    midnight: an authorisation is good through the last day of its period)."""
    register_duty(
        Duty(
            "brands_uses_expire",
            "地理标志专用标志使用期满终止",
            "day",
            _expire_uses,
            at=dt.time(0, 10),
        )
    )
