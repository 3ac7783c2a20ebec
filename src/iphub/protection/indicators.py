"""protection's indicators for supervision: workstations, assistance cases, enforcement cases.

Registered in core's indicator registry (:mod:`iphub.core.indicators`) when the
app is ready; supervision computes, scores and lists them without importing
this app.
"""

from __future__ import annotations

from decimal import Decimal

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
from iphub.protection.models.assistance import WORKSTATION_KINDS
from iphub.protection.selectors import (
    assistance_list,
    case_counts,
    case_list,
    service_station_services,
    workstation_list,
)


def _stations(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = workstation_list()
    qs = qs.filter(kind__in=WORKSTATION_KINDS)
    return qs.filter(paths_q(ctx)).filter(
        Q(established_on=None) | Q(established_on__lte=ctx.last_day)
    )


def _workstations(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _stations(ctx))


def _workstation_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [s.name, s.get_kind_display(), s.region.name, s.established_on]
        for s in _stations(ctx).filter(within(region))
    ]
    return RecordTable(["名称", "类型", "地区", "设立日期"], rows)


def _station_services(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = service_station_services()
    return qs.filter(
        paths_q(ctx, "station__region__path"), date__gte=ctx.month, date__lte=ctx.last_day
    )


def _station_service_counts(ctx: Ctx) -> dict[str, Decimal]:
    rows = _station_services(ctx).values_list("station__region__path", flat=True)
    return bucket(ctx, ((path, 1) for path in rows))


def _station_service_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [e.date, e.station.name, e.get_kind_display(), e.client, e.title, e.participants]
        for e in _station_services(ctx)
        .filter(within(region, "station__region__path"))
        .order_by("date", "pk")
    ]
    return RecordTable(["服务日期", "工作站", "服务类型", "服务对象", "服务内容", "人数"], rows)


def _assistance(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = assistance_list(user=ctx.user)
    return qs.filter(paths_q(ctx), submitted_at__gte=ctx.start, submitted_at__lt=ctx.end)


def _assistance_cases(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _assistance(ctx))


def _assistance_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            a.subject,
            a.get_dispute_kind_display(),
            a.organisation.name,
            a.region.name,
            a.get_status_display(),
            a.submitted_at,
        ]
        for a in _assistance(ctx).filter(within(region)).order_by("submitted_at", "pk")
    ]
    return RecordTable(["事项", "纠纷类型", "申请单位", "地区", "状态", "受理时间"], rows)


def _cases(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = case_list(user=ctx.user)
    return qs.filter(paths_q(ctx), filed_on__gte=ctx.month, filed_on__lte=ctx.last_day)


def _enforcement_cases(ctx: Ctx) -> dict[str, Decimal]:
    rows = case_counts(user=ctx.user, start=ctx.month, end=ctx.last_day)
    return bucket(ctx, ((path, n) for path, _month, n in rows))


def _case_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            c.number,
            c.title,
            c.get_case_type_display(),
            c.region.name,
            c.get_state_display(),
            c.filed_on,
        ]
        for c in _cases(ctx).filter(within(region)).order_by("filed_on", "pk")
    ]
    return RecordTable(["案号", "案由", "类型", "地区", "状态", "立案日期"], rows)


def register_indicators() -> None:
    """Put protection's indicators into core's registry (called by the app's ``ready()``)."""
    register(
        Indicator(
            "workstations",
            "保护工作站（累计）",
            "家",
            "protection",
            Source.COMPUTED,
            _workstations,
            _workstation_records,
            position=100,
        )
    )
    register(
        Indicator(
            "station_services",
            "高校/科研院所服务工作站服务次数",
            "次",
            "protection",
            Source.COMPUTED,
            _station_service_counts,
            _station_service_records,
            position=105,
        )
    )
    register(
        Indicator(
            "assistance_cases",
            "维权援助案件数",
            "件",
            "protection",
            Source.COMPUTED,
            _assistance_cases,
            _assistance_records,
            position=110,
        )
    )
    register(
        Indicator(
            "enforcement_cases",
            "执法立案数",
            "件",
            "protection",
            Source.COMPUTED,
            _enforcement_cases,
            _case_records,
            position=120,
        )
    )
