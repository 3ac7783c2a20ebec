"""network's indicators for supervision: service tickets answered by the
information outlets, and the share answered within the limit.

Registered in core's indicator registry when the app is ready; supervision
computes, scores and lists them without importing this app. A ticket counts in
the month it was closed with a result, in the outlet's region.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
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
from iphub.network import workflow
from iphub.network.models import ServiceTicket


def _answered(ctx: Ctx) -> Any:
    return ServiceTicket.objects.filter(
        paths_q(ctx),
        state__in=workflow.ANSWERED,
        closed_at__gte=ctx.start,
        closed_at__lt=ctx.end,
    )


def _tickets_answered(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _answered(ctx))


def _on_time_rate(ctx: Ctx) -> dict[str, Decimal | None]:
    rows = list(_answered(ctx).values_list("region__path", "late"))
    total = bucket(ctx, ((p, 1) for p, _late in rows))
    on_time = bucket(ctx, ((p, 1) for p, late in rows if not late))
    return {
        code: None
        if not n
        else (Decimal(100) * on_time[code] / n).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for code, n in total.items()
    }


def _records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            t.reference,
            t.outlet.name,
            t.get_service_display(),
            t.organisation.name,
            t.created_at,
            t.due_at,
            t.closed_at,
            "超期" if t.late else "按时",
        ]
        for t in _answered(ctx)
        .filter(within(region))
        .select_related("outlet", "organisation")
        .order_by("closed_at", "pk")
    ]
    return RecordTable(
        [
            "工单编号",
            "服务网点",
            "服务事项",
            "申请单位",
            "提交时间",
            "办理时限",
            "办结时间",
            "是否按时",
        ],
        rows,
    )


def register_indicators() -> None:
    """Put network's indicators into core's registry (called by the app's ``ready()``)."""
    register(
        Indicator(
            "network_tickets_answered",
            "信息服务网点办结服务工单数",
            "件",
            "network",
            Source.COMPUTED,
            _tickets_answered,
            _records,
            position=300,
        )
    )
    register(
        Indicator(
            "network_ticket_on_time_rate",
            "信息服务网点工单按时办结率",
            "%",
            "network",
            Source.COMPUTED,
            _on_time_rate,
            _records,
            decimals=1,
            position=301,
        )
    )
