"""filings' indicators for supervision: pledges registered, their amounts, the on-time rate.

Registered in core's indicator registry (:mod:`iphub.core.indicators`) when the
app is ready; supervision computes, scores and lists them without importing
this app.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from iphub.core.indicators import (
    Ctx,
    Indicator,
    RecordTable,
    Source,
    count_by_region,
    paths_q,
    register,
    wan_by_region,
    within,
)
from iphub.core.models import Region
from iphub.filings.selectors import filing_list, filing_on_time_rates, pledges_registered


def _pledges(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = pledges_registered(user=ctx.user)
    return qs.filter(paths_q(ctx), decided_at__gte=ctx.start, decided_at__lt=ctx.end)


def _pledge_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _pledges(ctx))


def _pledge_amount(ctx: Ctx) -> dict[str, Decimal]:
    rows = _pledges(ctx).values_list("region__path", "amount")
    return wan_by_region(ctx, rows)


def _pledge_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            f.reference,
            f.registration_number or "",
            f.application_number,
            f.holder_name,
            f.counterparty_name,
            f.amount,
            f.region.name,
            f.decided_at,
        ]
        for f in _pledges(ctx).filter(within(region)).order_by("decided_at")
    ]
    return RecordTable(
        ["办件编号", "登记号", "申请号", "出质人", "质权人", "金额（元）", "受理地区", "登记时间"],
        rows,
    )


def _on_time_rate(ctx: Ctx) -> dict[str, Decimal | None]:
    rates = filing_on_time_rates
    report = rates(user=ctx.user, months=1, now=ctx.end - (ctx.end - ctx.start) / 2)
    month_key = ctx.month.strftime("%Y-%m")
    names = defaultdict(set)
    for reg in Region.objects.filter(paths_q(ctx, "path")).only("name", "path"):
        for r in ctx.regions:
            if reg.path == r.path or reg.path.startswith(r.path + "/"):
                names[r.code].add(reg.name)
    out: dict[str, Decimal | None] = {}
    for r in ctx.regions:
        decided = on_time = 0
        for name in names[r.code]:
            cell = report.by_city.get(name, {}).get(month_key)
            if cell is not None:
                decided, on_time = decided + cell.decided, on_time + cell.on_time
        # No decided filing: the rate is 0/0, not 100 % (None: 无数据, scored 0).
        out[r.code] = Decimal(100) * on_time / decided if decided else None
    return out


def _on_time_records(ctx: Ctx, region: Region) -> RecordTable:
    qs = filing_list(user=ctx.user).filter(
        within(region), decided_at__gte=ctx.start, decided_at__lt=ctx.end
    )
    rows = [
        [
            f.reference,
            f.get_kind_display(),
            f.get_state_display(),
            f.region.name,
            f.due_at,
            f.decided_at,
            "超期" if f.late else "按时",
        ]
        for f in qs.order_by("decided_at")
    ]
    return RecordTable(
        ["办件编号", "事项", "状态", "受理地区", "时限", "办结时间", "是否按时"], rows
    )


def register_indicators() -> None:
    """Put filings's indicators into core's registry (called by the app's ``ready()``)."""
    register(
        Indicator(
            "pledge_count",
            "专利权质押登记件数",
            "件",
            "filings",
            Source.COMPUTED,
            _pledge_count,
            _pledge_records,
            position=10,
        )
    )
    register(
        Indicator(
            "pledge_amount",
            "质押融资登记金额",
            "万元",
            "filings",
            Source.COMPUTED,
            _pledge_amount,
            _pledge_records,
            decimals=2,
            position=20,
        )
    )
    register(
        Indicator(
            "filing_on_time_rate",
            "登记备案按时办结率",
            "%",
            "filings",
            Source.COMPUTED,
            _on_time_rate,
            _on_time_records,
            decimals=1,
            position=30,
        )
    )
