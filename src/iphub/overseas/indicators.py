"""overseas' indicators for supervision: overseas dispute cases opened in the
month and the early warnings delivered to the region's enterprises."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
from iphub.core.permissions import scope_queryset
from iphub.overseas.countries import country_name
from iphub.overseas.models import DisputeCase, WarningNotice


def _cases(ctx: Ctx) -> Any:
    qs = scope_queryset(ctx.user, DisputeCase.objects.all())
    return qs.filter(paths_q(ctx), created_at__gte=ctx.start, created_at__lt=ctx.end)


def _case_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _cases(ctx))


def _case_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            c.organisation.name,
            country_name(c.country),
            c.get_kind_display(),
            c.opposing_party,
            c.get_state_display(),
            c.created_at,
        ]
        for c in _cases(ctx).filter(within(region)).select_related("organisation")
    ]
    return RecordTable(["企业", "国家/地区", "纠纷类型", "对方当事人", "状态", "登记时间"], rows)


def _notice_count(ctx: Ctx) -> dict[str, Decimal]:
    qs = WarningNotice.objects.filter(
        paths_q(ctx, "organisation__region__path"),
        created_at__gte=ctx.start,
        created_at__lt=ctx.end,
    )
    return bucket(ctx, ((p, 1) for p in qs.values_list("organisation__region__path", flat=True)))


def register_indicators() -> None:
    """Put overseas' indicators into core's registry (called by the app's ``ready()``)."""
    for ind in (
        Indicator(
            "overseas_cases",
            "海外知识产权纠纷案件数",
            "件",
            "overseas",
            Source.COMPUTED,
            _case_count,
            _case_records,
            position=150,
        ),
        Indicator(
            "overseas_warnings",
            "海外风险预警送达次数",
            "次",
            "overseas",
            Source.COMPUTED,
            _notice_count,
            position=151,
        ),
    ):
        register(ind)
