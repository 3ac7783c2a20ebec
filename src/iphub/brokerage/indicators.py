"""brokerage's indicators for supervision: calls published and awarded (by the
caller's region) and pushed patents answered (by the region of the organisation
that answered). Registered into core's registry when the app is ready."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from iphub.brokerage.models import Call, Push
from iphub.core.indicators import (
    Ctx,
    Indicator,
    RecordTable,
    Source,
    count_by_region,
    paths_q,
    register,
    within,
)
from iphub.core.models import Region


def _published(ctx: Ctx) -> QuerySet[Call]:
    return Call.objects.filter(paths_q(ctx), published_at__gte=ctx.start, published_at__lt=ctx.end)


def _awarded(ctx: Ctx) -> QuerySet[Call]:
    return Call.objects.filter(paths_q(ctx), awarded_at__gte=ctx.start, awarded_at__lt=ctx.end)


def _answered(ctx: Ctx) -> QuerySet[Push]:
    return Push.objects.filter(paths_q(ctx), answered_at__gte=ctx.start, answered_at__lt=ctx.end)


def _call_records(qs: QuerySet[Call], region: Region) -> RecordTable:
    rows: list[list[Any]] = [
        [c.pk, c.title, c.organisation.name, c.region.name, c.get_state_display(), c.deadline]
        for c in qs.filter(within(region)).select_related("organisation", "region").order_by("pk")
    ]
    return RecordTable(["编号", "榜单", "发榜单位", "地区", "状态", "截止日期"], rows)


def _published_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _published(ctx))


def _published_records(ctx: Ctx, region: Region) -> RecordTable:
    return _call_records(_published(ctx), region)


def _awarded_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _awarded(ctx))


def _awarded_records(ctx: Ctx, region: Region) -> RecordTable:
    return _call_records(_awarded(ctx), region)


def _answered_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _answered(ctx))


def _answered_records(ctx: Ctx, region: Region) -> RecordTable:
    qs = (
        _answered(ctx)
        .filter(within(region))
        .select_related("patent", "holder", "organisation", "region")
    )
    rows: list[list[Any]] = [
        [p.patent.title, p.holder.name, p.organisation.name, p.region.name,
         p.get_answer_display(), p.answered_at]
        for p in qs.order_by("answered_at", "pk")
    ]  # fmt: skip
    return RecordTable(["专利", "推送单位", "答复单位", "地区", "答复", "答复时间"], rows)


def register_indicators() -> None:
    """Put brokerage's indicators into core's registry (called by ``ready()``)."""
    register(
        Indicator(
            "calls_published",
            "发布揭榜挂帅榜单数",
            "项",
            "brokerage",
            Source.COMPUTED,
            _published_count,
            _published_records,
            position=52,
        )
    )
    register(
        Indicator(
            "calls_awarded",
            "揭榜成功榜单数",
            "项",
            "brokerage",
            Source.COMPUTED,
            _awarded_count,
            _awarded_records,
            position=53,
        )
    )
    register(
        Indicator(
            "pushes_answered",
            "推送专利获企业答复数",
            "次",
            "brokerage",
            Source.COMPUTED,
            _answered_count,
            _answered_records,
            position=54,
        )
    )
