"""training's indicators for supervision: training hours and trainees certified,
per region and month, counted where the trainee works. Registered in core's
registry (:mod:`iphub.core.indicators`); supervision never imports this app."""

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
from iphub.training.models import Registration, RegistrationState
from iphub.training.workflow import HOURS_STATES


def _attended(ctx: Ctx) -> Any:
    return Registration.objects.filter(
        paths_q(ctx), state__in=HOURS_STATES, attended_at__gte=ctx.start, attended_at__lt=ctx.end
    )


def _hours(ctx: Ctx) -> dict[str, Decimal]:
    return bucket(ctx, _attended(ctx).values_list("region__path", "hours"))


def _certified(ctx: Ctx) -> dict[str, Decimal]:
    qs = Registration.objects.filter(
        paths_q(ctx),
        certified_at__gte=ctx.start,
        certified_at__lt=ctx.end,
        state=RegistrationState.CERTIFIED,
    )
    return count_by_region(ctx, qs)


def _records(ctx: Ctx, region: Region) -> RecordTable:
    qs = (
        _attended(ctx)
        .filter(within(region))
        .select_related("session__course", "region", "organisation")
        .order_by("attended_at")
    )
    rows = [
        [
            r.trainee_name,
            r.organisation.name if r.organisation else "",
            r.region.name,
            r.session.course.title,
            r.get_attendance_method_display(),
            r.attended_at,
            r.hours,
            r.get_state_display(),
        ]
        for r in qs
    ]
    return RecordTable(
        ["学员", "所属单位", "所在地区", "课程", "签到方式", "签到时间", "学时", "状态"], rows
    )


def register_indicators() -> None:
    """Put training's indicators into core's registry (called by the app's ``ready()``)."""
    register(
        Indicator(
            "training_hours",
            "知识产权培训学时",
            "学时",
            "training",
            Source.COMPUTED,
            _hours,
            _records,
            decimals=1,
            position=900,
        )
    )
    register(
        Indicator(
            "training_certified",
            "培训结业人数",
            "人",
            "training",
            Source.COMPUTED,
            _certified,
            _records,
            position=910,
        )
    )
