"""Indicators computed, not typed: a registry of functions per (region, month).

Each computed indicator reads another module through that module's selectors,
and only if the module is installed and the selector exists; otherwise every
region gets a value marked *not available* with the reason. Only what no module
knows (``Source.REPORTED``) is typed into the monthly report, and it is shown as
reported.

An indicator function computes the values of many regions at once (one query
per indicator for the 17 units), summing a record into every requested region
whose code lies on the record's region path.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import ApplicationError
from iphub.core.models import Region
from iphub.supervision import deadlines

DATA_DIR = Path(__file__).resolve().parent / "data"


class Source(StrEnum):
    COMPUTED = "computed"
    REPORTED = "reported"
    UNAVAILABLE = "not_available"


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


@dataclass(frozen=True)
class Ctx:
    user: Any
    regions: list[Region]
    month: dt.date

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.month, dt.time(), tzinfo=LOCAL_TZ)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(deadlines.next_month(self.month), dt.time(), tzinfo=LOCAL_TZ)

    @property
    def last_day(self) -> dt.date:
        return deadlines.month_end(self.month)


@dataclass(frozen=True, slots=True)
class RecordTable:
    """The records behind a number, for the drill-down page and its export."""

    headers: list[str]
    rows: list[list[Any]]


class Unavailable(Exception):
    """The module or selector an indicator needs is not there (or not for this user)."""


# A compute function returns None for a region where the indicator is a rate
# over zero cases: shown as 无数据 and scored 0 (see scoring.py).
Compute = Callable[[Ctx], Mapping[str, Decimal | None]]
Records = Callable[[Ctx, Region], RecordTable]


@dataclass(frozen=True)
class Indicator:
    key: str
    # Name and unit as the plan writes them; :attr:`label` and :attr:`unit` give
    # them in the reader's language (the English is in django.po).
    label_zh: str
    unit_zh: str
    module: str  # the app it comes from ("" for reported)
    source: Source
    compute: Compute | None = None
    records: Records | None = None
    higher_is_better: bool = True
    decimals: int = 0
    tags: tuple[str, ...] = field(default=())
    # The (app, selector) the record list reads, when it is not the one the
    # number reads: the number can exist while the list cannot (yet).
    lists_with: tuple[str, str] | None = None

    @property
    def label(self) -> str:
        return gettext(self.label_zh)

    @property
    def unit(self) -> str:
        return gettext(self.unit_zh)


REGISTRY: dict[str, Indicator] = {}


def register(ind: Indicator) -> Indicator:
    REGISTRY[ind.key] = ind
    return ind


def selector(app: str, name: str) -> Callable[..., Any]:
    """``app``'s selector ``name`` if the app is installed and has it, else raise Unavailable."""
    if not apps.is_installed(app):
        raise Unavailable(f"模块 {app.rsplit('.', 1)[-1]} 尚未启用")
    try:
        module = importlib.import_module(f"{app}.selectors")
    except ImportError:
        raise Unavailable(f"模块 {app.rsplit('.', 1)[-1]} 没有 selectors") from None
    fn = getattr(module, name, None)
    if not callable(fn):
        raise Unavailable(f"{app.rsplit('.', 1)[-1]}.selectors 没有 {name}")
    return fn  # type: ignore[no-any-return]


def bucket(ctx: Ctx, rows: Iterable[tuple[str, Any]]) -> dict[str, Decimal]:
    """Sum ``(region path, amount)`` rows into every requested region on the path."""
    out = {r.code: Decimal(0) for r in ctx.regions}
    for path, amount in rows:
        for code in (path or "").split("/"):
            if code in out:
                out[code] += Decimal(str(amount or 0))
    return out


def within(ctx_region: Region, field_name: str = "region__path") -> Q:
    return Q(**{field_name: ctx_region.path}) | Q(
        **{f"{field_name}__startswith": ctx_region.path + "/"}
    )


def _paths_q(ctx: Ctx, field_name: str = "region__path") -> Q:
    q = Q()
    for r in ctx.regions:
        q |= within(r, field_name)
    return q


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
    """Whether the records behind ``key``'s number can be listed on this installation."""
    ind = REGISTRY[key]
    if ind.records is None:
        return False
    if ind.lists_with is not None:
        try:
            selector(*ind.lists_with)
        except Unavailable:
            return False
    return True


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


# -- population (for per-capita indicators) ------------------------------------


@lru_cache(maxsize=1)
def population() -> dict[str, int]:
    """Resident population per region code; source and caveat in the data file."""
    data = json.loads((DATA_DIR / "population_2020.json").read_text("utf-8"))
    return {str(k): int(v) for k, v in data["population"].items()}


def population_source() -> str:
    data = json.loads((DATA_DIR / "population_2020.json").read_text("utf-8"))
    return f"{data['source']}（{data['status']}）"


from iphub.supervision import indicator_defs  # noqa: E402,F401  (fills REGISTRY)
