"""The registry of computed indicators: the apps that own the data register them.

Each domain app has an ``indicators.py`` that defines how its figures are
counted per (region, month) and calls :func:`register`; its ``AppConfig.ready()``
imports that module. supervision reads the registry (dashboards, scores,
exports) and never imports the apps: the links point from the data's owner to
this registry in core, not from supervision down into every app by name.

An indicator function computes the values of many regions at once (one query
per indicator for the 17 units), summing a record into every requested region
whose code lies on the record's region path.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext

from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import Region

POPULATION_FILE = Path(__file__).resolve().parent / "data" / "population_2020.json"
# Amounts are registered in yuan and shown in 万元 (ten thousand yuan).
TEN_THOUSAND = Decimal(10000)


class Source(StrEnum):
    COMPUTED = "computed"
    REPORTED = "reported"
    UNAVAILABLE = "not_available"


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


@dataclass(frozen=True)
class Ctx:
    """Whose view (``user``), which regions, which month (its first day)."""

    user: Any
    regions: list[Region]
    month: dt.date

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.month, dt.time(), tzinfo=LOCAL_TZ)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(_next_month(self.month), dt.time(), tzinfo=LOCAL_TZ)

    @property
    def last_day(self) -> dt.date:
        return _next_month(self.month) - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class RecordTable:
    """The records behind a number, for the drill-down page and its export."""

    headers: list[str]
    rows: list[list[Any]]


class Unavailable(Exception):
    """The data an indicator needs is not there (e.g. no population figure for a region)."""


# A compute function returns None for a region where the indicator is a rate
# over zero cases: shown as 无数据 and scored 0.
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
    # Where the indicator stands in lists (dashboards, exports, the target form):
    # the plan's order, whichever app registers first.
    position: int = 1000

    @property
    def label(self) -> str:
        return gettext(self.label_zh)

    @property
    def unit(self) -> str:
        return gettext(self.unit_zh)


REGISTRY: dict[str, Indicator] = {}


def register(ind: Indicator) -> Indicator:
    """Add (or replace) ``ind``; the registry stays ordered by ``position``."""
    REGISTRY[ind.key] = ind
    ordered = sorted(REGISTRY.values(), key=lambda i: i.position)
    REGISTRY.clear()
    REGISTRY.update((i.key, i) for i in ordered)
    return ind


def bucket(ctx: Ctx, rows: Iterable[tuple[str, Any]]) -> dict[str, Decimal]:
    """Sum ``(region path, amount)`` rows into every requested region on the path."""
    out = {r.code: Decimal(0) for r in ctx.regions}
    for path, amount in rows:
        for code in (path or "").split("/"):
            if code in out:
                out[code] += Decimal(str(amount or 0))
    return out


def count_by_region(ctx: Ctx, qs: Any) -> dict[str, Decimal]:
    """How many rows of ``qs`` (which has a ``region``) fall in each requested region."""
    return bucket(ctx, ((p, 1) for p in qs.values_list("region__path", flat=True)))


def wan_by_region(ctx: Ctx, rows: Iterable[tuple[str, Any]]) -> dict[str, Decimal]:
    """Sum ``(region path, amount in yuan)`` rows into each requested region, in 万元."""
    return {k: v / TEN_THOUSAND for k, v in bucket(ctx, rows).items()}


def within(ctx_region: Region, field_name: str = "region__path") -> Q:
    """Records in ``ctx_region`` or below it."""
    return Q(**{field_name: ctx_region.path}) | Q(
        **{f"{field_name}__startswith": ctx_region.path + "/"}
    )


def paths_q(ctx: Ctx, field_name: str = "region__path") -> Q:
    """Records in any of the context's regions or below them."""
    q = Q()
    for r in ctx.regions:
        q |= within(r, field_name)
    return q


# -- population (for per-capita indicators) ------------------------------------


@lru_cache(maxsize=1)
def population() -> dict[str, int]:
    """Resident population per region code; source and caveat in the data file."""
    data = json.loads(POPULATION_FILE.read_text("utf-8"))
    return {str(k): int(v) for k, v in data["population"].items()}


def population_source() -> str:
    """Where the population figures come from, and how sure they are."""
    data = json.loads(POPULATION_FILE.read_text("utf-8"))
    return f"{data['source']}（{data['status']}）"
