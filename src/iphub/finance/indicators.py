"""finance's indicators for supervision: the size of the risk-compensation funds.

Registered in core's indicator registry (:mod:`iphub.core.indicators`) when the
app is ready; supervision computes, scores and lists them without importing
this app.
"""

from __future__ import annotations

from decimal import Decimal

from iphub.core.indicators import TEN_THOUSAND, Ctx, Indicator, Source, bucket, paths_q, register
from iphub.finance.selectors import fund_list


def _risk_fund_size(ctx: Ctx) -> dict[str, Decimal]:
    sel = fund_list
    qs = sel(user=ctx.user).filter(paths_q(ctx), established_on__lte=ctx.last_day)
    return {
        k: v / TEN_THOUSAND for k, v in bucket(ctx, qs.values_list("region__path", "size")).items()
    }


def register_indicators() -> None:
    """Put finance's indicators into core's registry (called by the app's ``ready()``)."""
    register(
        Indicator(
            "risk_fund_size",
            "质押融资风险补偿资金规模（累计）",
            "万元",
            "finance",
            Source.COMPUTED,
            _risk_fund_size,
            decimals=2,
            position=130,
        )
    )
