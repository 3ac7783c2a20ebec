"""Cases, campaigns, evidence and cooperation: who may do what, where, and when."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from iphub.conftest import at_once
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import AuditEntry, User
from iphub.protection import selectors
from iphub.protection.models import Case, CaseEvent, CaseState, CooperationStatus
from iphub.protection.services.enforcement import (
    campaign_create,
    case_create,
    case_transition,
    cooperation_request_answer,
    cooperation_request_create,
    evidence_add,
    evidence_recognise,
)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def new_case(officer: User, region: str = "420111", **kw: Any) -> Case:
    return case_create(
        actor=officer,
        title="销售假冒注册商标的商品",
        case_type="trademark_infringement",
        region_code=region,
        parties=[{"role": "respondent", "name": "某某商行"}],
        **kw,
    )


@pytest.mark.django_db
def test_case_walks_the_state_machine_to_closed(cast: dict[str, User]) -> None:
    officer = cast["wuhan_enforcer"]
    case = new_case(officer)
    assert case.number.startswith("420111-") and case.state == CaseState.CLUE
    case = case_transition(actor=officer, case=case, target=CaseState.FILED)
    case = case_transition(actor=officer, case=case, target=CaseState.INVESTIGATED)
    with pytest.raises(ApplicationError) as err:  # a decision needs its content
        case_transition(actor=officer, case=case, target=CaseState.DECIDED)
    assert "penalty_detail" in err.value.fields
    case = case_transition(
        actor=officer,
        case=case,
        target=CaseState.DECIDED,
        penalty_detail="没收侵权商品并罚款",
        penalty_amount=Decimal("50000"),
    )
    case = case_transition(actor=officer, case=case, target=CaseState.CLOSED)
    assert case.closed_on == dt.date.today() or case.closed_on is not None
    assert [t.to_state for t in case.events.all()] == [
        "filed",
        "investigated",
        "decided",
        "closed",
    ]
    assert AuditEntry.objects.filter(action="case_transition", object_id=str(case.pk)).count() == 4


@pytest.mark.django_db
def test_skipping_a_step_or_moving_back_is_refused(cast: dict[str, User]) -> None:
    officer = cast["wuhan_enforcer"]
    case = new_case(officer)
    with pytest.raises(ApplicationError) as err:
        case_transition(actor=officer, case=case, target=CaseState.DECIDED)
    assert err.value.code == "transition_not_allowed" and "立案" in err.value.message
    case = case_transition(actor=officer, case=case, target=CaseState.FILED)
    with pytest.raises(ApplicationError):
        case_transition(actor=officer, case=case, target=CaseState.CLUE)


@pytest.mark.django_db
def test_stale_page_cannot_move_a_case_twice(cast: dict[str, User]) -> None:
    officer = cast["wuhan_enforcer"]
    case = new_case(officer)
    case_transition(actor=officer, case=case, target=CaseState.FILED, expected_state=CaseState.CLUE)
    with pytest.raises(ApplicationError) as err:
        case_transition(
            actor=officer, case=case, target=CaseState.FILED, expected_state=CaseState.CLUE
        )
    assert err.value.code == "stale_state"
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_roles_and_regions_that_may_not_touch_a_case(
    cast: dict[str, User], yichang_enforcer: User
) -> None:
    case = new_case(cast["wuhan_enforcer"])
    with pytest.raises(AccessDenied):
        case_transition(actor=yichang_enforcer, case=case, target=CaseState.FILED)
    for name in ("wuhan_clerk", "enterprise", "supervisor"):
        with pytest.raises(AccessDenied):
            case_transition(actor=cast[name], case=case, target=CaseState.FILED)
        with pytest.raises(AccessDenied):
            selectors.case_list(user=cast[name])
    with pytest.raises(AccessDenied):  # nor open cases in another region
        new_case(yichang_enforcer, region="420111")
    assert list(selectors.case_list(user=yichang_enforcer)) == []
    assert list(selectors.case_list(user=cast["wuhan_enforcer"])) == [case]


@pytest.mark.django_db
def test_evidence_is_checked_by_content(cast: dict[str, User]) -> None:
    officer = cast["wuhan_enforcer"]
    case = new_case(officer)
    ok = evidence_add(actor=officer, case=case, upload=SimpleUploadedFile("照片.png", PNG))
    assert ok.content_type == "image/png" and ok.size == len(PNG)
    renamed_exe = SimpleUploadedFile(
        "现场笔录.pdf", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf"
    )
    with pytest.raises(ApplicationError) as err:
        evidence_add(actor=officer, case=case, upload=renamed_exe)
    assert err.value.code == "bad_file" and "PDF" in err.value.fields["file"]
    assert case.evidence.count() == 1


@pytest.mark.django_db
def test_evidence_size_limit(cast: dict[str, User], settings: Any) -> None:
    settings.IPHUB_EVIDENCE_MAX_BYTES = 1024 * 1024
    case = new_case(cast["wuhan_enforcer"])
    big = SimpleUploadedFile("大文件.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ApplicationError, match="大小限制"):
        evidence_add(actor=cast["wuhan_enforcer"], case=case, upload=big)


@pytest.mark.django_db
def test_cooperation_and_mutual_recognition_of_evidence(
    cast: dict[str, User], yichang_enforcer: User
) -> None:
    wuhan = cast["wuhan_enforcer"]
    wuhan_case = new_case(wuhan)
    yichang_case = new_case(yichang_enforcer, region="420502")
    collected = evidence_add(
        actor=yichang_enforcer, case=yichang_case, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    with pytest.raises(ApplicationError):  # no cooperation yet: no recognition
        evidence_recognise(actor=wuhan, case=wuhan_case, evidence=collected)
    request = cooperation_request_create(
        actor=wuhan, case=wuhan_case, to_region_code="420500", subject="协助调查宜昌仓库"
    )
    assert request.due_on > dt.date.today()
    assert list(selectors.cooperation_inbox(user=yichang_enforcer)) == [request]
    with pytest.raises(AccessDenied):  # Wuhan cannot answer its own request
        cooperation_request_answer(actor=wuhan, request=request, status=CooperationStatus.COMPLETED)
    cooperation_request_answer(
        actor=yichang_enforcer,
        request=request,
        status=CooperationStatus.COMPLETED,
        response="已查封",
    )
    copy = evidence_recognise(actor=wuhan, case=wuhan_case, evidence=collected)
    assert copy.recognised_from == collected and copy.sha256 == collected.sha256


@pytest.mark.django_db
def test_statistics_per_campaign_and_region(cast: dict[str, User]) -> None:
    officer = cast["wuhan_enforcer"]
    today = dt.date.today()
    campaign = campaign_create(
        actor=officer,
        name="2026 铁拳行动",
        region_code="420100",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        case_types=["trademark_infringement"],
    )
    c1 = new_case(officer, campaign=campaign)
    new_case(officer, region="420102", campaign=campaign)
    case_transition(actor=officer, case=c1, target=CaseState.FILED)
    stats = selectors.enforcement_statistics(user=officer)
    (row,) = stats["per_campaign"]
    assert (row["campaign__name"], row["total"], row["filed"], row["clue"]) == (
        "2026 铁拳行动",
        2,
        1,
        1,
    )
    assert {r["region__code"]: r["total"] for r in stats["per_region"]} == {
        "420102": 1,
        "420111": 1,
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_move_the_case_only_once(cast: dict[str, User]) -> None:
    officer = cast["wuhan_enforcer"]
    case = new_case(officer)

    def move() -> str:
        case_transition(actor=officer, case=case, target=CaseState.FILED)
        return "moved"

    outcomes = [
        r if isinstance(r, str) else getattr(r, "code", repr(r)) for r in at_once(move, move)
    ]
    assert sorted(outcomes) == ["moved", "transition_not_allowed"]
    assert CaseEvent.objects.filter(case=case).count() == 1
