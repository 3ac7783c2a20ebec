"""Supervision endpoints: the plan, monthly reports and their steps, indicators, scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from iphub.core.apiauth import AUTH
from iphub.core.permissions import ensure_region_access
from iphub.core.selectors import region_get
from iphub.supervision import deadlines, indicators, scoring, selectors
from iphub.supervision.services import reports

router = Router(tags=["supervision"])


class TargetOut(Schema):
    id: int
    task: str
    measure: str
    description: str
    indicator: str
    value: Decimal
    unit: str
    comparator: str
    due: dt.date | None
    current: Decimal | None
    source: str


class ReportOut(Schema):
    id: int
    region: str
    region_name: str
    month: str
    state: str
    due_date: dt.date
    first_submitted_at: dt.datetime | None
    late: bool
    version: int
    return_reason: str
    work: dict[str, str]


class ReportIn(Schema):
    typical_cases: str | None = None
    typical_case_count: int | None = None
    problems: str | None = None
    next_steps: str | None = None
    work: dict[str, str] | None = None
    figures: dict[str, str] | None = None


class ReportOpenIn(Schema):
    region: str
    month: str


class ReportStepIn(Schema):
    action: str
    reason: str = ""
    version: int | None = None


class IndicatorValueOut(Schema):
    region: str
    region_name: str
    value: Decimal | None
    source: str
    note: str


class ScorePartOut(Schema):
    key: str
    weight: Decimal
    target: Decimal
    value: Decimal | None
    points: Decimal | None


class ScoreOut(Schema):
    region: str
    region_name: str
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    parts: list[ScorePartOut]


def _report_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "region": r.region_id,
        "region_name": r.region.name,
        "month": f"{r.month:%Y-%m}",
        "state": r.state,
        "due_date": r.due_date,
        "first_submitted_at": r.first_submitted_at,
        "late": r.late,
        "version": r.version,
        "return_reason": r.return_reason,
        "work": {e.task.number: e.work_done for e in r.entries.select_related("task")},
    }


def _month(value: str) -> dt.date:
    from iphub.core.errors import ApplicationError

    try:
        return deadlines.parse_month(value)
    except (ValueError, IndexError):
        raise ApplicationError(
            "月份格式应为 YYYY-MM。", fields={"month": "月份格式应为 YYYY-MM。"}
        ) from None


@router.get("/supervision/targets", response=list[TargetOut], auth=AUTH)
def target_list(request: HttpRequest, month: str = "") -> list[dict[str, Any]]:
    m = _month(month) if month else deadlines.month_start(selectors.today_local())
    return [
        {
            "id": p.target.pk,
            "task": p.target.measure.task.number,
            "measure": p.target.measure.code,
            "description": p.target.description,
            "indicator": p.target.indicator,
            "value": p.target.value,
            "unit": p.target.unit,
            "comparator": p.target.comparator,
            "due": p.target.due,
            "current": p.current,
            "source": p.source,
        }
        for p in selectors.target_progress(user=request.user, month=m)
    ]


@router.get("/supervision/reports", response=list[ReportOut], auth=AUTH)
def report_list(request: HttpRequest, month: str = "", state: str = "") -> list[dict[str, Any]]:
    qs = selectors.report_list(
        user=request.user, month=_month(month) if month else None, state=state
    )
    return [_report_out(r) for r in qs[:500]]


@router.post("/supervision/reports", response=ReportOut, auth=AUTH)
def report_open(request: HttpRequest, payload: ReportOpenIn) -> dict[str, Any]:
    r = reports.report_open(
        actor=request.user, region=region_get(payload.region), month=_month(payload.month)
    )
    return _report_out(r)


@router.get("/supervision/reports/{report_id}", response=ReportOut, auth=AUTH)
def report_get(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _report_out(selectors.report_get(user=request.user, report_id=report_id))


@router.patch("/supervision/reports/{report_id}", response=ReportOut, auth=AUTH)
def report_update(request: HttpRequest, report_id: int, payload: ReportIn) -> dict[str, Any]:
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return _report_out(reports.report_update(actor=request.user, report_id=report_id, data=data))


@router.post("/supervision/reports/{report_id}/steps", response=ReportOut, auth=AUTH)
def report_step(request: HttpRequest, report_id: int, payload: ReportStepIn) -> dict[str, Any]:
    r = reports.report_transition(
        actor=request.user,
        report_id=report_id,
        action=payload.action,
        reason=payload.reason,
        version=payload.version,
    )
    return _report_out(r)


@router.get("/supervision/indicators/{key}", response=list[IndicatorValueOut], auth=AUTH)
def indicator_values(
    request: HttpRequest, key: str, month: str = "", region: str = ""
) -> list[dict[str, Any]]:
    m = _month(month) if month else deadlines.month_start(selectors.today_local())
    if region:
        r = region_get(region)
        ensure_region_access(request.user, r)
        units = [r]
    else:
        units = selectors.reporting_units(user=request.user)
    values = indicators.compute(key, user=request.user, regions=units, month=m)
    return [
        {
            "region": u.code,
            "region_name": u.name,
            "value": values[u.code].value,
            "source": str(values[u.code].source),
            "note": values[u.code].note,
        }
        for u in units
    ]


@router.get("/supervision/scores", response=list[ScoreOut], auth=AUTH)
def score_list(request: HttpRequest, month: str = "") -> list[dict[str, Any]]:
    m = _month(month) if month else deadlines.month_start(selectors.today_local())
    units = selectors.reporting_units(user=request.user)
    return [
        {
            "region": s.region.code,
            "region_name": s.region.name,
            "base": s.base,
            "bonus": s.bonus,
            "penalty": s.penalty,
            "total": s.total,
            "parts": [
                {
                    "key": p.key,
                    "weight": p.weight,
                    "target": p.target,
                    "value": p.value,
                    "points": p.points,
                }
                for p in s.parts
            ],
        }
        for s in scoring.monthly_scores(user=request.user, regions=units, month=m)
    ]
