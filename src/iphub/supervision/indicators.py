"""Indicators computed, not typed: the values of the registered indicators per
(region, month).

The apps that own the data register their indicators in core's registry
(:mod:`iphub.core.indicators`, each app's ``indicators.py``); this module
computes them for supervision's pages and marks a value *not available*, with
the reason, when the data is missing or the user may not read it. Only what no
module knows (``Source.REPORTED``, registered here) is typed into the monthly
report, and it is shown as reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from iphub.core.errors import ApplicationError
from iphub.core.indicators import (
    REGISTRY,
    Ctx,
    Indicator,
    RecordTable,
    Source,
    Unavailable,
    population,
    register,
)
from iphub.core.models import Region
from iphub.supervision import deadlines

__all__ = [
    "NO_DATA",
    "REGISTRY",
    "SOURCE_LABELS",
    "Ctx",
    "Indicator",
    "RecordTable",
    "Source",
    "Unavailable",
    "Value",
    "compute",
    "listable",
    "population",
    "records",
    "register",
]

DATA_DIR = Path(__file__).resolve().parent / "data"


SOURCE_LABELS = {
    Source.COMPUTED: "平台计算",
    Source.REPORTED: "地方填报",
    Source.UNAVAILABLE: "暂无数据源",
}

# A rate over zero cases (0/0): computed, but there is nothing to measure.
NO_DATA = "无数据"
NO_DATA_NOTE = "本月没有可计算的件数（分母为 0），不计分。"


@dataclass(frozen=True, slots=True)
class Value:
    value: Decimal | None
    source: Source
    note: str = ""

    @property
    def no_data(self) -> bool:
        """A computed indicator with nothing to compute from (a rate over zero cases)."""
        return self.value is None and self.source == Source.COMPUTED

    @property
    def display(self) -> str:
        """The value as pages and exports show it: the number, 无数据 for 0/0, else —."""
        if self.value is not None:
            return str(self.value)
        return gettext(NO_DATA) if self.no_data else "—"


def compute(key: str, *, user: Any, regions: list[Region], month: dt.date) -> dict[str, Value]:
    """The values of indicator ``key`` for ``regions`` in ``month``, keyed by region code."""
    ind = REGISTRY.get(key)
    if ind is None:
        from iphub.supervision.errors import SupervisionError

        raise ApplicationError(f"未知指标“{key}”。", code=SupervisionError.UNKNOWN_INDICATOR)
    ctx = Ctx(user=user, regions=list(regions), month=deadlines.month_start(month))
    if ind.source == Source.REPORTED:
        return _reported(ctx, key)
    assert ind.compute is not None
    try:
        raw = ind.compute(ctx)
    except Unavailable as exc:
        return {r.code: Value(None, Source.UNAVAILABLE, str(exc)) for r in ctx.regions}
    except ApplicationError as exc:  # the other module refused this user
        note = f"本角色无权读取该数据（{exc.message}）"
        return {r.code: Value(None, Source.UNAVAILABLE, note) for r in ctx.regions}
    q = Decimal(1).scaleb(-ind.decimals)
    return {
        code: Value(v.quantize(q), Source.COMPUTED)
        if v is not None
        else Value(None, Source.COMPUTED, NO_DATA_NOTE)
        for code, v in raw.items()
    }


def records(key: str, *, user: Any, region: Region, month: dt.date) -> RecordTable | None:
    """The records behind one region's number (None: the indicator cannot list them)."""
    ind = REGISTRY[key]
    if ind.records is None:
        return None
    ctx = Ctx(user=user, regions=[region], month=deadlines.month_start(month))
    try:
        return ind.records(ctx, region)
    except (Unavailable, ApplicationError):
        return None


def listable(key: str) -> bool:
    """Whether the records behind ``key``'s number can be listed."""
    return REGISTRY[key].records is not None


def _reported(ctx: Ctx, key: str) -> dict[str, Value]:
    from iphub.supervision.models import ReportedFigure

    rows = ReportedFigure.objects.filter(
        indicator=key, report__month=ctx.month, report__region__in=ctx.regions
    ).values_list("report__region_id", "value")
    found = dict(rows)
    return {
        r.code: Value(found[r.code], Source.REPORTED)
        if r.code in found
        else Value(None, Source.REPORTED, gettext("未填报"))
        for r in ctx.regions
    }


# What no module knows: typed into the monthly report by each locality.
register(
    Indicator("training_sessions", "培训宣传活动场次", "场", "", Source.REPORTED, position=140)
)
register(
    Indicator("enterprises_visited", "走访服务企业数", "家", "", Source.REPORTED, position=150)
)
