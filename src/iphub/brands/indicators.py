"""brands' indicators for supervision: published GI and collective/certification
mark entries, organisations authorised to use a GI's special mark, and
trademarks on record — each per region, as they stand on the month's last day.

Registered in core's indicator registry when the app is ready; supervision
computes and lists them without importing this app.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q

from iphub.brands.models import AuthorisedUse, EntryState, Indication, UseStatus
from iphub.core.indicators import (
    Ctx,
    Indicator,
    RecordTable,
    Source,
    bucket,
    count_by_region,
    paths_q,
    register,
    within,
)
from iphub.core.models import Region
from iphub.patents.models import Trademark


def _entries(ctx: Ctx) -> Any:
    """Entries published by the month's end and not revoked."""
    return Indication.objects.filter(
        paths_q(ctx), state=EntryState.PUBLISHED, published_at__lt=ctx.end
    )


def _entry_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _entries(ctx))


def _entry_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [e.name, e.get_kind_display(), e.product, e.region.name, e.approval_number, e.approval_date]
        for e in _entries(ctx).filter(within(region)).select_related("region").order_by("name")
    ]
    return RecordTable(["名称", "类别", "产品", "管理地区", "批准/注册号", "批准/注册日期"], rows)


def _uses(ctx: Ctx) -> Any:
    """Authorisations in force on the month's last day, by the user's region."""
    day = ctx.last_day
    return AuthorisedUse.objects.filter(
        paths_q(ctx, "organisation__region__path"),
        Q(status=UseStatus.ACTIVE) | Q(status=UseStatus.EXPIRED, valid_until__gte=day),
        valid_from__lte=day,
        valid_until__gte=day,
        created_at__lt=ctx.end,
        indication__state=EntryState.PUBLISHED,
    )


def _use_count(ctx: Ctx) -> dict[str, Decimal]:
    return bucket(
        ctx, ((p, 1) for p in _uses(ctx).values_list("organisation__region__path", flat=True))
    )


def _use_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [u.organisation.name, u.indication.name, u.valid_from, u.valid_until]
        for u in _uses(ctx)
        .filter(within(region, "organisation__region__path"))
        .select_related("organisation", "indication")
        .order_by("organisation__name")
    ]
    return RecordTable(["使用单位", "地理标志", "使用期限自", "使用期限至"], rows)


def _mark_count(ctx: Ctx) -> dict[str, Decimal]:
    qs = Trademark.objects.filter(paths_q(ctx))
    return count_by_region(ctx, qs)


def register_indicators() -> None:
    """Put brands' indicators into core's registry (called by the app's ``ready()``)."""
    for ind in (
        Indicator(
            "brands_gi_entries",
            "地理标志及集体、证明商标登记数",
            "件",
            "brands",
            Source.COMPUTED,
            _entry_count,
            _entry_records,
            position=140,
        ),
        Indicator(
            "brands_gi_users",
            "地理标志专用标志使用单位数",
            "家",
            "brands",
            Source.COMPUTED,
            _use_count,
            _use_records,
            position=141,
        ),
        Indicator(
            "brands_trademarks",
            "平台商标记录数",
            "件",
            "brands",
            Source.COMPUTED,
            _mark_count,
            position=142,
        ),
    ):
        register(ind)
