"""transfer's (知慧桥) indicators for supervision: needs posted, deals closed and their amounts.

Registered in core's indicator registry (:mod:`iphub.core.indicators`) when the
app is ready; supervision computes, scores and lists them without importing
this app.
"""

from __future__ import annotations

from decimal import Decimal

from iphub.core.indicators import (
    Ctx,
    Indicator,
    RecordTable,
    Source,
    bucket,
    count_by_region,
    paths_q,
    register,
    wan_by_region,
    within,
)
from iphub.core.models import Region
from iphub.transfer.selectors import deal_list, deal_stats, need_list


def _needs(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = need_list(user=ctx.user)
    return qs.filter(paths_q(ctx), created_at__gte=ctx.start, created_at__lt=ctx.end)


def _needs_posted(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _needs(ctx))


def _needs_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [n.pk, n.title, n.organisation.name, n.region.name, n.get_status_display(), n.created_at]
        for n in _needs(ctx).filter(within(region)).order_by("created_at")
    ]
    return RecordTable(["编号", "需求", "发布单位", "地区", "状态", "发布时间"], rows)


def _deal_rows(ctx: Ctx) -> list[tuple[str, Decimal, Decimal]]:
    stats = deal_stats(user=ctx.user)
    month_key = ctx.month.strftime("%Y-%m")
    paths = dict(Region.objects.values_list("code", "path"))
    return [
        (paths.get(s["region"], ""), Decimal(s["count"]), Decimal(s["amount"]))
        for s in stats
        if s["month"] == month_key
    ]


def _deals(ctx: Ctx) -> dict[str, Decimal]:
    return bucket(ctx, ((p, n) for p, n, _ in _deal_rows(ctx)))


def _deal_amount(ctx: Ctx) -> dict[str, Decimal]:
    return wan_by_region(ctx, ((p, a) for p, _, a in _deal_rows(ctx)))


def _deal_records(ctx: Ctx, region: Region) -> RecordTable:
    qs = deal_list(user=ctx.user).filter(
        within(region), signed_on__gte=ctx.month, signed_on__lte=ctx.last_day
    )
    rows = [
        [
            d.get_kind_display(),
            d.seller.name,
            d.buyer.name,
            d.amount,
            d.region.name,
            d.signed_on,
            d.filing_reference,
        ]
        for d in qs.select_related("seller", "buyer", "region").order_by("signed_on", "pk")
    ]
    return RecordTable(
        ["类型", "转让/许可方", "受让/被许可方", "金额（元）", "地区", "签订日期", "备案/登记号"],
        rows,
    )


def register_indicators() -> None:
    """Put transfer's indicators into core's registry (called by the app's ``ready()``)."""
    register(
        Indicator(
            "needs_posted",
            "发布技术需求数",
            "项",
            "transfer",
            Source.COMPUTED,
            _needs_posted,
            _needs_records,
            position=40,
        )
    )
    register(
        Indicator(
            "deals",
            "转让许可成交数",
            "项",
            "transfer",
            Source.COMPUTED,
            _deals,
            _deal_records,
            position=50,
        )
    )
    register(
        Indicator(
            "deal_amount",
            "转让许可成交金额",
            "万元",
            "transfer",
            Source.COMPUTED,
            _deal_amount,
            _deal_records,
            decimals=2,
            position=60,
        )
    )
