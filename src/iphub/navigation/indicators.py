"""navigation's indicators for supervision: projects, chains covered, high-value
patents per 10,000 residents.

Registered in core's indicator registry (:mod:`iphub.core.indicators`) when the
app is ready; supervision computes, scores and lists them without importing
this app.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iphub.core.indicators import (
    TEN_THOUSAND,
    Ctx,
    Indicator,
    RecordTable,
    Source,
    Unavailable,
    bucket,
    count_by_region,
    paths_q,
    population,
    register,
    within,
)
from iphub.core.models import Region
from iphub.navigation.highvalue import INVENTION_TYPES, criteria_of
from iphub.navigation.models import HighValueCriterion
from iphub.navigation.selectors import project_list
from iphub.patents.models import Patent


def _projects(ctx: Ctx):  # type: ignore[no-untyped-def]
    return project_list(user=ctx.user).filter(paths_q(ctx))


def _navigation_projects(ctx: Ctx) -> dict[str, Decimal]:
    qs = _projects(ctx).filter(started_on__gte=ctx.month, started_on__lte=ctx.last_day)
    return count_by_region(ctx, qs)


def _navigation_records(ctx: Ctx, region: Region) -> RecordTable:
    qs = _projects(ctx).filter(
        within(region), started_on__gte=ctx.month, started_on__lte=ctx.last_day
    )
    rows = [
        [
            p.title,
            p.get_project_type_display(),
            p.client.name,
            p.chain.name if p.chain else "",
            p.region.name,
            p.started_on,
            p.finished_on,
        ]
        for p in qs
    ]
    return RecordTable(["项目", "类型", "委托单位", "产业链", "地区", "开始", "完成"], rows)


def _chains_covered(ctx: Ctx) -> dict[str, Decimal]:
    """Distinct industry chains with a navigation project started up to the month's end."""
    qs = _projects(ctx).filter(started_on__lte=ctx.last_day).exclude(chain=None)
    seen: dict[str, set[int]] = {r.code: set() for r in ctx.regions}
    for path, chain_id in qs.values_list("region__path", "chain_id"):
        for code in path.split("/"):
            if code in seen:
                seen[code].add(chain_id)
    return {k: Decimal(len(v)) for k, v in seen.items()}


def _chain_records(ctx: Ctx, region: Region) -> RecordTable:
    """The chains counted by ``_chains_covered``, each with its projects so far."""
    qs = (
        _projects(ctx)
        .filter(within(region), started_on__lte=ctx.last_day)
        .exclude(chain=None)
        .order_by("started_on", "pk")
    )
    chains: dict[int, list[Any]] = {}
    for p in qs:
        row = chains.setdefault(p.chain_id, [p.chain.name, 0, p.started_on, set()])
        row[1] += 1
        row[3].add(p.region.name)
    rows = [
        [name, n, first, "、".join(sorted(places))] for name, n, first, places in chains.values()
    ]
    return RecordTable(["产业链", "导航项目数", "首个项目开始", "项目地区"], rows)


def _high_value(ctx: Ctx) -> list[tuple[int, str, list[str]]]:
    """(patent id, region path, criteria met) of Hubei's in-force high-value inventions."""
    rows = list(
        Patent.objects.filter(province_code="420000", patent_type__in=INVENTION_TYPES)
        .exclude(grant_date=None)
        .values_list("id", "city_code")
    )
    high = criteria_of([pid for pid, _ in rows], today=ctx.last_day)
    paths = dict(Region.objects.values_list("code", "path"))
    # A patent without a city counts for the province only.
    return [
        (pid, paths.get(city or "420000", "420000"), high[pid]) for pid, city in rows if pid in high
    ]


def _high_value_records(ctx: Ctx, region: Region) -> RecordTable:
    labels = dict(HighValueCriterion.choices)
    mine = {
        pid: crit
        for pid, path, crit in _high_value(ctx)
        if path == region.path or path.startswith(region.path + "/")
    }
    patents = Patent.objects.filter(pk__in=mine).order_by("app_date", "pk")
    rows = [
        [
            p.application_number or p.natural_key,
            p.title,
            "、".join(map(str, p.applicants)) if isinstance(p.applicants, list) else "",
            "、".join(str(labels.get(c, c)) for c in mine[p.pk]),
            p.app_date,
            p.grant_date,
        ]
        for p in patents.only(
            "natural_key", "application_number", "title", "applicants", "app_date", "grant_date"
        )
    ]
    return RecordTable(["申请号", "名称", "专利权人", "高价值类别", "申请日", "授权日"], rows)


def _high_value_per_10k(ctx: Ctx) -> dict[str, Decimal]:
    """In-force high-value invention patents per 10,000 residents (navigation's criteria)."""
    counts = bucket(ctx, ((path, 1) for _, path, _ in _high_value(ctx)))
    pop = population()
    out = {}
    for code, n in counts.items():
        if code not in pop:
            raise Unavailable(f"人口数据缺少 {code}")
        out[code] = n * TEN_THOUSAND / pop[code]
    return out


def register_indicators() -> None:
    """Put navigation's indicators into core's registry (called by the app's ``ready()``)."""
    register(
        Indicator(
            "navigation_projects",
            "专利导航项目数",
            "个",
            "navigation",
            Source.COMPUTED,
            _navigation_projects,
            _navigation_records,
            position=70,
        )
    )
    register(
        Indicator(
            "chains_covered",
            "导航覆盖产业链（累计）",
            "条",
            "navigation",
            Source.COMPUTED,
            _chains_covered,
            _chain_records,
            position=80,
        )
    )
    register(
        Indicator(
            "high_value_per_10k",
            "每万人口高价值发明专利拥有量",
            "件/万人",
            "navigation",
            Source.COMPUTED,
            _high_value_per_10k,
            _high_value_records,
            decimals=2,
            position=90,
        )
    )
