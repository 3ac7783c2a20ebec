"""programmes' indicators for supervision: members of cultivation programmes at
each month's end, applications received, and the share of decisions made
within the review deadlines — per month and region (a record counts in every
region on its region path).

Registered in core's indicator registry when the app is ready; supervision
reads them without importing this app. Every one reads through
``scope_queryset``: a city's staff count their city only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q

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
from iphub.programmes.models import ApplicationState, Membership, ProgrammeApplication


def _members(ctx: Ctx) -> Any:
    """Memberships in force on the month's last day."""
    day = ctx.last_day
    qs = scope_queryset(ctx.user, Membership.objects.all())
    return qs.filter(paths_q(ctx), valid_from__lte=day, valid_until__gte=day).filter(
        Q(active=True) | Q(ended_on__gt=day)
    )


def _member_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _members(ctx))


def _member_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            m.organisation.name,
            m.region.name,
            m.get_kind_display(),
            m.programme.name,
            m.valid_from,
            m.valid_until,
            m.renewals,
        ]
        for m in _members(ctx)
        .filter(within(region))
        .select_related("organisation", "region", "programme")
        .order_by("kind", "organisation__name", "id")
    ]
    return RecordTable(
        ["单位", "地区", "项目类型", "批准项目", "有效期起", "有效期止", "续期次数"], rows
    )


def _applications(ctx: Ctx) -> Any:
    qs = scope_queryset(ctx.user, ProgrammeApplication.objects.all())
    return qs.filter(paths_q(ctx), submitted_at__gte=ctx.start, submitted_at__lt=ctx.end)


def _application_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _applications(ctx))


def _decided(ctx: Ctx) -> Any:
    qs = scope_queryset(ctx.user, ProgrammeApplication.objects.all())
    return qs.filter(
        paths_q(ctx),
        state__in=(ApplicationState.APPROVED, ApplicationState.REJECTED),
        decided_at__gte=ctx.start,
        decided_at__lt=ctx.end,
    )


def _on_time(ctx: Ctx) -> dict[str, Decimal | None]:
    """Of the month's decisions, the share where no review level passed its
    deadline, in percent; no decision: None (无数据)."""
    rows = list(_decided(ctx).values_list("region__path", "late"))
    decided = bucket(ctx, ((p, 1) for p, _ in rows))
    on_time = bucket(ctx, ((p, 1) for p, late in rows if not late))
    return {code: (Decimal(100) * on_time[code] / n if n else None) for code, n in decided.items()}


def _decided_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            a.reference,
            a.organisation.name,
            a.region.name,
            a.programme.name,
            a.get_state_display(),
            a.decided_at,
            "是" if a.late else "否",
        ]
        for a in _decided(ctx)
        .filter(within(region))
        .select_related("organisation", "region", "programme")
        .order_by("decided_at", "id")
    ]
    return RecordTable(["申报编号", "单位", "地区", "项目", "结果", "审定时间", "超期"], rows)


def _application_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            a.reference,
            a.organisation.name,
            a.region.name,
            a.programme.name,
            a.get_state_display(),
            a.submitted_at,
        ]
        for a in _applications(ctx)
        .filter(within(region))
        .select_related("organisation", "region", "programme")
        .order_by("submitted_at", "id")
    ]
    return RecordTable(["申报编号", "单位", "地区", "项目", "状态", "提交时间"], rows)


def register_indicators() -> None:
    """Put programmes' indicators into core's registry (called by the app's ``ready()``)."""
    for ind in (
        Indicator(
            "programme_members",
            "培育项目在册成员数",
            "家",
            "programmes",
            Source.COMPUTED,
            _member_count,
            _member_records,
            position=136,
        ),
        Indicator(
            "programme_applications",
            "培育项目申报件数",
            "件",
            "programmes",
            Source.COMPUTED,
            _application_count,
            _application_records,
            position=137,
        ),
        Indicator(
            "programme_reviews_on_time",
            "培育项目按时审定率",
            "%",
            "programmes",
            Source.COMPUTED,
            _on_time,
            _decided_records,
            decimals=1,
            position=138,
        ),
    ):
        register(ind)
