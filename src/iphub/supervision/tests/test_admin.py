"""The admin: the scoring scheme is edited there (validated, audited, used by the
scores), the plan's targets too; reports are read-only."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from iphub.core.models import AuditEntry, Region, User
from iphub.supervision.models import MonthlyReport, PlanTarget, ScoringScheme
from iphub.supervision.scoring import monthly_scores, scheme_for
from iphub.supervision.services.reports import report_open
from iphub.supervision.tests.conftest import MAY

pytestmark = pytest.mark.usefixtures("plan")

GOOD = {
    "indicators": [{"key": "pledge_count", "weight": 100, "target": 2}],
    "typical_case_bonus": 1,
    "typical_case_bonus_max": 3,
    "late_penalty": 5,
    "missing_penalty": 10,
}


def _scheme_form(config: Any) -> dict[str, str]:
    return {"name": "2026 年评分", "year": "2026", "active": "on", "config": json.dumps(config)}


def test_the_scoring_scheme_is_edited_in_the_admin(
    admin_client: Any, cast: dict[str, User]
) -> None:
    bad = {**GOOD, "indicators": [{"key": "no_such", "weight": 1, "target": 1}]}
    resp = admin_client.post("/admin/supervision/scoringscheme/add/", _scheme_form(bad))
    assert resp.status_code == 200 and "未知指标" in resp.content.decode()
    assert not ScoringScheme.objects.filter(year=2026).exists()
    resp = admin_client.post("/admin/supervision/scoringscheme/add/", _scheme_form(GOOD))
    assert resp.status_code == 302
    scheme = ScoringScheme.objects.get(year=2026)
    assert scheme_for(2026) == scheme
    assert AuditEntry.objects.filter(action="supervision.scheme_save").count() == 1
    # Change the weight's target in the admin; the scores follow.
    changed = {**GOOD, "indicators": [{"key": "pledge_count", "weight": 100, "target": 5}]}
    admin_client.post(
        f"/admin/supervision/scoringscheme/{scheme.pk}/change/", _scheme_form(changed)
    )
    [score] = monthly_scores(
        user=cast["supervisor"],
        regions=[Region.objects.get(code="420500")],
        month=MAY,
        today=dt.date(2026, 5, 1),
    )
    assert [(p.key, p.target) for p in score.parts] == [("pledge_count", 5)]
    assert AuditEntry.objects.filter(action="supervision.scheme_save").count() == 2


def test_a_city_supervisor_cannot_change_the_scheme(cast: dict[str, User]) -> None:
    from iphub.core.errors import AccessDenied
    from iphub.supervision.services.schemes import scheme_save

    with pytest.raises(AccessDenied):
        scheme_save(actor=cast["yichang_supervisor"], name="x", year=2026, active=True, config=GOOD)


def test_plan_targets_are_edited_in_the_admin_and_audited(admin_client: Any) -> None:
    target = PlanTarget.objects.get(code="4.1.a")
    page = admin_client.get(f"/admin/supervision/plantarget/{target.pk}/change/")
    assert page.status_code == 200 and "方案原文" in page.content.decode()
    resp = admin_client.post(
        f"/admin/supervision/plantarget/{target.pk}/change/",
        {
            "measure": target.measure_id,
            "code": target.code,
            "description": target.description,
            "indicator": target.indicator,
            "value": "220",
            "unit": target.unit,
            "comparator": target.comparator,
            "due": "2022-12-31",
            "cumulative": "on",
            "basis": "plan",
            "basis_note": target.basis_note,
        },
    )
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.value == 220
    entry = AuditEntry.objects.get(action="supervision.plantarget.admin_change")
    assert set(entry.after or {}) == {"value"}  # only the changed field is recorded


def test_reports_are_read_only_in_the_admin(admin_client: Any, cast: dict[str, User]) -> None:
    report = report_open(
        actor=cast["yichang_supervisor"], region=Region.objects.get(code="420500"), month=MAY
    )
    assert admin_client.get("/admin/supervision/monthlyreport/").status_code == 200
    admin_client.post(
        f"/admin/supervision/monthlyreport/{report.pk}/change/", {"state": "accepted"}
    )
    report.refresh_from_db()
    assert report.state == "draft"
    assert admin_client.get("/admin/supervision/monthlyreport/add/").status_code == 403
    assert MonthlyReport.objects.count() == 1
