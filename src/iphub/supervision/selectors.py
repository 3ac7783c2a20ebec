"""Reads of the supervision app, scoped by ``iphub.core.permissions``: a city's
supervisor sees the city's reports (and its counties'), the province all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, NotFound
from iphub.core.models import Region, RegionLevel, Role
from iphub.core.permissions import (
    ensure_region_access,
    is_province,
    path_within,
    region_path_of,
    require_roles,
    scope_queryset,
)
from iphub.core.selectors import prefecture_list
from iphub.supervision import deadlines, indicators
from iphub.supervision.models import (
    CountyReporting,
    MonthlyReport,
    Plan,
    PlanTarget,
    PlanTask,
    ReportReminder,
)


def _supervisor(user: Any) -> str:
    require_roles(user, Role.SUPERVISOR)
    scope = region_path_of(user)
    if scope is None:
        raise AccessDenied()
    return scope


def plan_current(year: int | None = None) -> Plan | None:
    qs = Plan.objects.prefetch_related("tasks__measures__targets")
    if year:
        found = qs.filter(year__lte=year).order_by("-year").first()
        if found is not None:
            return found
    return qs.order_by("-year").first()


def plan_tasks(month: dt.date) -> list[PlanTask]:
    """The tasks of the plan in force in ``month``'s year (the latest plan not after it)."""
    plan = plan_current(month.year)
    return list(plan.tasks.all()) if plan is not None else []


def report_list(
    *, user: Any, month: dt.date | None = None, state: str = ""
) -> QuerySet[MonthlyReport]:
    _supervisor(user)
    qs = scope_queryset(user, MonthlyReport.objects.select_related("region"))
    if month:
        qs = qs.filter(month=deadlines.month_start(month))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-month", "region_id")


def report_get(*, user: Any, report_id: int) -> MonthlyReport:
    _supervisor(user)
    report = (
        MonthlyReport.objects.select_related("region")
        .prefetch_related("entries__task", "figures", "attachments", "events")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound("未找到该月报。")
    ensure_region_access(user, report.region)
    return report


def reporting_units(*, user: Any) -> list[Region]:
    """The prefecture-level units inside the user's region (the one city for a city user)."""
    scope = _supervisor(user)
    units = list(prefecture_list().order_by("code"))
    if is_province(user):
        return units
    return [r for r in units if r.path == scope or scope.startswith(r.path + "/")]


def county_reporting_enabled(city_code: str) -> bool:
    """Whether the city ``city_code`` asked its counties to report monthly."""
    return CountyReporting.objects.filter(city_id=city_code, enabled=True).exists()


def reporting_counties(*, cities: list[Region] | None = None) -> list[Region]:
    """The counties that report: those of cities that asked (of ``cities`` if given)."""
    enabled = CountyReporting.objects.filter(enabled=True)
    if cities is not None:
        enabled = enabled.filter(city__in=cities)
    return list(
        Region.objects.filter(
            level=RegionLevel.COUNTY, parent_id__in=enabled.values("city_id")
        ).order_by("code")
    )


def reporting_unit_of(user: Any) -> Region | None:
    """The unit ``user`` reports for: their city, or their county if its city asked."""
    region = getattr(user, "region", None)
    if region is None or getattr(user, "role", None) != Role.SUPERVISOR:
        return None
    if region.level == RegionLevel.PREFECTURE:
        return region  # type: ignore[no-any-return]
    if region.level == RegionLevel.COUNTY and county_reporting_enabled(region.parent_id):
        return region  # type: ignore[no-any-return]
    return None


@dataclass
class Discipline:
    region: Region
    due: dt.date
    report: MonthlyReport | None
    status: str  # on_time, late, missing, pending (not yet due), draft

    @property
    def label(self) -> str:
        return {
            "on_time": gettext("按时报送"),
            "late": gettext("逾期报送"),
            "missing": gettext("逾期未报"),
            "pending": gettext("未到期"),
            "draft": gettext("草稿未报"),
        }[self.status]


def report_discipline(
    *, user: Any, month: dt.date, now: dt.datetime | None = None
) -> list[Discipline]:
    """Each reporting unit: on time, late, missing (due passed, nothing sent) or pending.

    A city that asked its counties to report is followed by its counties (those
    inside the user's region).
    """
    month = deadlines.month_start(month)
    now = now or timezone.now()
    scope = _supervisor(user)
    province = is_province(user)
    cities = reporting_units(user=user)
    counties: dict[str, list[Region]] = {}
    for county in reporting_counties(cities=cities):
        if province or path_within(county.path, scope):
            counties.setdefault(county.parent_id or "", []).append(county)
    units = [u for city in cities for u in (city, *counties.get(city.code, []))]
    reports = {r.region_id: r for r in MonthlyReport.objects.filter(month=month, region__in=units)}
    passed = now >= deadlines.due_end(month)
    out = []
    for region in units:
        rep = reports.get(region.code)
        if rep is not None and rep.first_submitted_at is not None:
            status = "late" if rep.late else "on_time"
        elif passed:
            status = "missing"
        else:
            status = "draft" if rep is not None else "pending"
        out.append(Discipline(region, deadlines.due_date(month), rep, status))
    return out


def reminder_list(*, user: Any) -> QuerySet[ReportReminder]:
    return ReportReminder.objects.filter(user=user).select_related("region")


@dataclass
class TargetProgress:
    target: PlanTarget
    current: Decimal | None
    source: str
    note: str

    @property
    def percent(self) -> int | None:
        if self.current is None or not self.target.value:
            return None
        if self.target.comparator == "le":
            return (
                100
                if self.current <= self.target.value
                else int(100 * self.target.value / self.current)
            )
        return min(100, int(100 * self.current / self.target.value))


def target_progress(*, user: Any, month: dt.date) -> list[TargetProgress]:
    """Each plan target against the province's computed value for ``month``."""
    _supervisor(user)
    plan = plan_current(month.year)
    if plan is None:
        return []
    province = Region.objects.filter(level=RegionLevel.PROVINCE).first()
    scope_region = province if is_province(user) else user.region
    out = []
    for task in plan.tasks.all():
        for measure in task.measures.all():
            for target in measure.targets.all():
                if target.indicator in indicators.REGISTRY and scope_region is not None:
                    v = indicators.compute(
                        target.indicator, user=user, regions=[scope_region], month=month
                    )[scope_region.code]
                    out.append(TargetProgress(target, v.value, v.source, v.note))
                else:
                    out.append(TargetProgress(target, None, "", gettext("暂无对应指标")))
    return out


def today_local() -> dt.date:
    return timezone.now().astimezone(LOCAL_TZ).date()
