"""Scores per locality: a configurable scheme turns indicator values and report
discipline into a monthly score with its breakdown; the yearly score is the mean
of the year's monthly scores; rankings sort by score.

Monthly score, for one locality (all figures from the scheme):

* each indicator with a value: points = weight × min(value / target, 1)
  (for a lower-is-better indicator, min(target / value, 1));
* a rate over zero cases (the on-time rate of a month in which the locality
  decided no filing) has no value: it is shown as 无数据 and earns 0 points,
  its weight still counted. 0/0 is not 100 %: scoring it as full marks gave
  every city 15 points for handling nothing, and leaving it out would hand its
  weight to the other indicators, rewarding inactivity the same way;
* base = 100 × Σ points / Σ weights of the indicators that have a value or are
  rates over zero cases: an indicator no module can compute yet (or a figure
  not reported) is left out rather than scored 0, since the locality could not
  have shown anything;
* bonus = min(typical cases × typical_case_bonus, typical_case_bonus_max),
  for a report that was submitted;
* penalty = late_penalty for a late report, missing_penalty when the due date
  has passed with nothing submitted;
* score = base + bonus − penalty.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import ApplicationError
from iphub.core.models import Region
from iphub.supervision import deadlines, indicators
from iphub.supervision.errors import SupervisionError
from iphub.supervision.indicators import DATA_DIR, REGISTRY
from iphub.supervision.models import MonthlyReport, ReportState, ScoringScheme

# Scores are kept to the cent: two decimal places.
CENT = Decimal("0.01")
DEFAULT_SCHEME = DATA_DIR / "scoring_2022.json"


def scheme_validate(config: dict[str, Any]) -> dict[str, Any]:
    """Check a scheme's configuration; returns it, or raises with the faults per field."""
    errors: dict[str, str] = {}
    items = config.get("indicators")
    if not isinstance(items, list) or not items:
        errors["indicators"] = "至少配置一项指标。"
        items = []
    for i, item in enumerate(items):
        key = item.get("key") if isinstance(item, dict) else None
        if key not in REGISTRY:
            errors[f"indicators.{i}.key"] = f"未知指标“{key}”。"
            continue
        for name in ("weight", "target"):
            try:
                if Decimal(str(item.get(name))) <= 0:
                    raise ValueError
            except (ValueError, ArithmeticError):
                errors[f"indicators.{i}.{name}"] = "应为正数。"
    for name in ("typical_case_bonus", "typical_case_bonus_max", "late_penalty", "missing_penalty"):
        try:
            if Decimal(str(config.get(name, 0))) < 0:
                raise ValueError
        except (ValueError, ArithmeticError):
            errors[name] = "应为非负数。"
    if errors:
        raise ApplicationError(
            "评分方案配置有误。", code=SupervisionError.SCHEME_INVALID, fields=errors
        )
    return config


def scheme_for(year: int) -> ScoringScheme:
    """The active scheme of ``year`` (or the latest before it); the default file if none."""
    scheme = (
        ScoringScheme.objects.filter(active=True, year__lte=year).order_by("-year", "-pk").first()
    )
    if scheme is not None:
        return scheme
    data = json.loads(DEFAULT_SCHEME.read_text("utf-8"))
    scheme, _ = ScoringScheme.objects.get_or_create(
        name=data["name"], year=int(data["year"]), defaults={"config": scheme_validate(data)}
    )
    return scheme


@dataclass
class Part:
    key: str
    label: str
    weight: Decimal
    target: Decimal
    value: Decimal | None
    source: str
    points: Decimal | None
    # A rate over zero cases: no value, 0 points.
    no_data: bool = False

    @property
    def value_text(self) -> str:
        """The value as shown: the number, 无数据 for a rate over zero cases, else —."""
        if self.value is not None:
            return str(self.value)
        return gettext(indicators.NO_DATA) if self.no_data else "—"


@dataclass
class Score:
    region: Region
    month: dt.date
    parts: list[Part] = field(default_factory=list)
    base: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    penalty: Decimal = Decimal(0)
    report_state: str = ""
    late: bool = False
    missing: bool = False

    @property
    def total(self) -> Decimal:
        return (self.base + self.bonus - self.penalty).quantize(CENT, ROUND_HALF_UP)

    @property
    def deduction(self) -> str:
        """The penalty as a deduction: "-5" when points are taken, "0" (never "-0") when none."""
        return f"-{self.penalty.normalize():f}" if self.penalty else "0"


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def monthly_scores(
    *,
    user: Any,
    regions: list[Region],
    month: dt.date,
    scheme: ScoringScheme | None = None,
    today: dt.date | None = None,
) -> list[Score]:
    """Each region's score for ``month`` with its breakdown, best first."""
    month = deadlines.month_start(month)
    scheme = scheme or scheme_for(month.year)
    cfg = scheme.config
    today = today or timezone.now().astimezone(LOCAL_TZ).date()
    scores = {r.code: Score(region=r, month=month) for r in regions}
    for item in cfg["indicators"]:
        key = item["key"]
        ind = REGISTRY[key]
        values = indicators.compute(key, user=user, regions=regions, month=month)
        for code, s in scores.items():
            target = _d(cfg.get("region_targets", {}).get(code, {}).get(key, item["target"]))
            v = values[code]
            points = None
            if v.no_data:
                points = Decimal(0)
            elif v.value is not None:
                v_ = max(v.value, Decimal(0))
                if ind.higher_is_better:
                    ratio = min(v_ / target, Decimal(1))
                else:
                    ratio = min(target / v_, Decimal(1)) if v_ else Decimal(1)
                points = _d(item["weight"]) * ratio
            s.parts.append(
                Part(
                    key,
                    ind.label,
                    _d(item["weight"]),
                    target,
                    v.value,
                    v.source,
                    points,
                    no_data=v.no_data,
                )
            )
    reports = {
        r.region_id: r for r in MonthlyReport.objects.filter(region__in=regions, month=month)
    }
    overdue = today > deadlines.due_date(month)
    for code, s in scores.items():
        counted = [p for p in s.parts if p.points is not None]
        weights = sum((p.weight for p in counted), Decimal(0))
        if weights:
            s.base = (
                100 * sum((p.points for p in counted if p.points is not None), Decimal(0)) / weights
            )
        s.base = s.base.quantize(CENT, ROUND_HALF_UP)
        rep = reports.get(code)
        submitted = rep is not None and rep.state != ReportState.DRAFT
        s.report_state = rep.get_state_display() if rep is not None else gettext("未填报")
        if submitted and rep is not None:
            s.bonus = min(
                rep.typical_case_count * _d(cfg.get("typical_case_bonus", 0)),
                _d(cfg.get("typical_case_bonus_max", 0)),
            )
            if rep.late:
                s.late = True
                s.penalty = _d(cfg.get("late_penalty", 0))
        elif overdue:
            s.missing = True
            s.penalty = _d(cfg.get("missing_penalty", 0))
    return sorted(scores.values(), key=lambda s: (-s.total, s.region.code))


@dataclass
class YearRow:
    region: Region
    months: list[Decimal | None]
    total: Decimal


def yearly_scores(
    *,
    user: Any,
    regions: list[Region],
    year: int,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> list[YearRow]:
    """Mean of the monthly scores from January to ``until``'s month (the trend is the list)."""
    today = today or timezone.now().astimezone(LOCAL_TZ).date()
    last = deadlines.month_start(until or min(today, dt.date(year, 12, 31)))
    scheme = scheme_for(year)
    series: dict[str, list[Decimal | None]] = {r.code: [None] * 12 for r in regions}
    month = dt.date(year, 1, 1)
    while month <= last:
        for s in monthly_scores(
            user=user, regions=regions, month=month, scheme=scheme, today=today
        ):
            series[s.region.code][month.month - 1] = s.total
        month = deadlines.next_month(month)
    rows = []
    for r in regions:
        vals = [v for v in series[r.code] if v is not None]
        mean = Decimal(0)
        if vals:
            mean = (sum(vals, Decimal(0)) / len(vals)).quantize(CENT, ROUND_HALF_UP)
        rows.append(YearRow(region=r, months=series[r.code], total=mean))
    return sorted(rows, key=lambda y: (-y.total, y.region.code))
