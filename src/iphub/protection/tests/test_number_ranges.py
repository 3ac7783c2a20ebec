"""Penalties, participants and ratings stay in range (issue 18, finding 3).

Checked before the fix: a penalty of ``1e30`` over the API answered 500 on
PostgreSQL (numeric overflow) and was stored on SQLite, where the case page then
answered 500; ``participants`` of 10**19 answered 500 (integer overflow); a
rating ``abc`` was read by ``int()`` in the view.
"""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core.models import User
from iphub.protection.models import CaseState, StationActivity
from iphub.protection.services import assistance
from iphub.protection.services.enforcement import case_transition
from iphub.protection.tests.test_services_enforcement import new_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw", ["1e30", "NaN", "-1", "12.345"])
def test_a_penalty_out_of_range_is_refused_and_the_case_still_reads(
    client: Any, cast: dict[str, User], raw: str
) -> None:
    officer = cast["wuhan_enforcer"]
    case = new_case(officer)
    for target in (CaseState.FILED, CaseState.INVESTIGATED):
        case = case_transition(actor=officer, case=case, target=target)
    client.force_login(officer)
    resp = client.post(
        f"/api/v1/protection/cases/{case.pk}/transition",
        {"target": "decided", "penalty_detail": "罚款", "penalty_amount": raw},
        content_type="application/json",
    )
    assert resp.status_code in (400, 422), resp.content
    if resp.status_code == 400:
        assert (
            "罚没金额应为" in resp.json()["fields"]["penalty_amount"]
            or "罚没金额最多" in (resp.json()["fields"]["penalty_amount"])
        )
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATED and case.penalty_amount is None
    assert client.get(f"/api/v1/protection/cases/{case.pk}").status_code == 200
    assert client.get(f"/protection/cases/{case.pk}/").status_code == 200


def test_participants_are_a_sane_count(client: Any, cast: dict[str, User]) -> None:
    officer = cast["wuhan_enforcer"]
    station = assistance.workstation_create(
        actor=officer,
        name="洪山维权工作站",
        kind=assistance.StationKind.values[0],
        region_code="420111",
    )
    client.force_login(officer)
    url = f"/api/v1/protection/workstations/{station.pk}/activities"
    body = {"kind": StationActivity.Kind.values[0], "title": "培训", "date": "2026-05-06"}
    for huge in (10**19, -5, 100_001):
        resp = client.post(url, {**body, "participants": huge}, content_type="application/json")
        assert resp.status_code == 400, resp.content
        assert "人数应为 0 到 100,000 人的整数" in resp.json()["fields"]["participants"]
    ok = client.post(url, {**body, "participants": 30}, content_type="application/json")
    assert ok.status_code == 201
    assert StationActivity.objects.get().participants == 30
