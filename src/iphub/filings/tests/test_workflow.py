"""The state machine: who may take each step from which state (role and region),
the deadlines the waiting states carry, and escalation of overdue filings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import AuditEntry
from iphub.filings import services
from iphub.filings.models import Filing, FilingState
from iphub.filings.tests.conftest import MONDAY_10, file_pledge, pledge_data, pledge_documents

pytestmark = pytest.mark.django_db

STAFF_STEPS = {
    "accept": lambda u, f: services.filing_accept(actor=u, filing_id=f.pk, now=MONDAY_10),
    "return": lambda u, f: services.filing_return(
        actor=u, filing_id=f.pk, reasons="质押合同缺少担保范围", now=MONDAY_10
    ),
    "refuse": lambda u, f: services.filing_refuse(
        actor=u, filing_id=f.pk, ground="contract_incomplete", now=MONDAY_10
    ),
    "approve": lambda u, f: services.filing_approve(actor=u, filing_id=f.pk, now=MONDAY_10),
}


def _filing_in(state: str, cast: dict[str, Any], number: str) -> Filing:
    f = file_pledge(cast["enterprise"], number)
    if state == "accepted":
        f = services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    return f


@pytest.mark.parametrize("step", ["accept", "return", "refuse"])
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("wuhan_clerk", True),  # the city's window handles a city-level pledge
        ("hongshan_clerk", False),  # a district clerk does not reach a city-level filing
        ("yichang_clerk", False),  # another city
        ("supervisor", False),  # the province watches, does not decide
        ("wuhan_enforcer", False),
        ("enterprise", False),  # the applicant cannot accept its own filing
    ],
)
def test_staff_steps_from_submitted(
    cast: dict[str, Any], patents: dict[str, str], step: str, who: str, allowed: bool
) -> None:
    f = _filing_in("submitted", cast, patents["granted"])
    if allowed:
        moved = STAFF_STEPS[step](cast[who], f)
        assert (
            moved.state == {"accept": "accepted", "return": "returned", "refuse": "refused"}[step]
        )
        assert moved.handled_by_name == "wuhan_clerk"
        assert AuditEntry.objects.filter(action=f"filing_{step}", object_id=str(f.pk)).exists()
    else:
        with pytest.raises(AccessDenied):
            STAFF_STEPS[step](cast[who], f)
        f.refresh_from_db()
        assert f.state == FilingState.SUBMITTED


@pytest.mark.parametrize("who", ["hongshan_clerk", "yichang_clerk", "supervisor", "enterprise"])
def test_only_the_city_window_approves(
    cast: dict[str, Any], patents: dict[str, str], who: str
) -> None:
    f = _filing_in("accepted", cast, patents["granted"])
    with pytest.raises(AccessDenied):
        services.filing_approve(actor=cast[who], filing_id=f.pk, now=MONDAY_10)
    approved = services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    assert approved.state == FilingState.REGISTERED


def test_steps_refused_from_the_wrong_state(cast: dict[str, Any], patents: dict[str, str]) -> None:
    f = _filing_in("submitted", cast, patents["granted"])
    clerk = cast["wuhan_clerk"]
    with pytest.raises(ApplicationError) as exc:
        services.filing_approve(actor=clerk, filing_id=f.pk, now=MONDAY_10)
    assert "不能准予登记" in exc.value.message
    services.filing_accept(actor=clerk, filing_id=f.pk, now=MONDAY_10)
    with pytest.raises(ApplicationError) as exc:
        services.filing_accept(actor=clerk, filing_id=f.pk, now=MONDAY_10)
    assert exc.value.message.startswith("该申请已由 wuhan_clerk 处理")
    with pytest.raises(ApplicationError):  # accepted filings are no longer withdrawn
        services.filing_withdraw(actor=cast["enterprise"], filing_id=f.pk, now=MONDAY_10)


def test_stale_version_loses(cast: dict[str, Any], patents: dict[str, str]) -> None:
    f = _filing_in("submitted", cast, patents["granted"])
    seen = f.version
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, expected_version=seen)
    # A second reviewer's page still shows the submitted filing: its "return" is refused.
    with pytest.raises(ApplicationError) as exc:
        services.filing_return(
            actor=cast["wuhan_clerk"], filing_id=f.pk, reasons="x", expected_version=seen
        )
    assert exc.value.status == 409 and "已由 wuhan_clerk 处理" in exc.value.message


def test_applicant_withdraws_and_only_its_own(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    f = _filing_in("submitted", cast, patents["granted"])
    with pytest.raises(AccessDenied):
        services.filing_withdraw(actor=cast["wuhan_clerk"], filing_id=f.pk)
    assert services.filing_withdraw(actor=cast["enterprise"], filing_id=f.pk).state == "withdrawn"


def test_return_correct_resubmit(cast: dict[str, Any], patents: dict[str, str]) -> None:
    from iphub.filings.tests.conftest import pdf

    f = _filing_in("accepted", cast, patents["granted"])
    with pytest.raises(ApplicationError) as exc:
        services.filing_return(actor=cast["wuhan_clerk"], filing_id=f.pk, reasons=" ")
    assert "reasons" in exc.value.fields
    services.filing_return(actor=cast["wuhan_clerk"], filing_id=f.pk, reasons="合同未盖章")
    f = services.filing_correct(
        actor=cast["enterprise"],
        filing_id=f.pk,
        documents={"pledge_contract": [pdf("盖章合同.pdf")]},
        data={"debt_amount": "4500000.50"},
    )
    assert f.state == FilingState.SUBMITTED
    assert str(f.amount) == "4500000.50"
    assert f.documents.filter(material="pledge_contract").count() == 2
    assert [e.action for e in f.events.all()] == [
        "create", "submit", "accept", "return", "correct", "resubmit",
    ]  # fmt: skip


# --- deadlines ---------------------------------------------------------------


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("accepted_at", "due"),
    [
        # Monday 10:00 → the next working day, 17:00.
        (_at(2026, 3, 2, 10), _at(2026, 3, 3, 17)),
        # Friday before the Spring Festival → Saturday 14 Feb is a make-up working day.
        (_at(2026, 2, 13, 16), _at(2026, 2, 14, 17)),
        # After hours on the make-up Saturday: counts from 24 Feb (holiday 15-23 Feb), due 25 Feb.
        (_at(2026, 2, 14, 18), _at(2026, 2, 25, 17)),
        # Eve of National Day: due the first working day after the 1-7 Oct holiday.
        (_at(2026, 9, 30, 10), _at(2026, 10, 8, 17)),
        # After hours on 9 Oct: counts from Saturday 10 Oct (make-up day), due Monday 12 Oct.
        (_at(2026, 10, 9, 17, 30), _at(2026, 10, 12, 17)),
        # Received during the holiday: counts from 8 Oct, due 9 Oct.
        (_at(2026, 10, 3, 11), _at(2026, 10, 9, 17)),
    ],
)
def test_pledge_review_due_one_working_day_after_acceptance(
    cast: dict[str, Any], patents: dict[str, str], accepted_at: dt.datetime, due: dt.datetime
) -> None:
    f = file_pledge(cast["enterprise"], patents["granted"], now=accepted_at)
    f = services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=accepted_at)
    assert f.due_at == due


def test_submitted_carries_acceptance_deadline_returned_carries_none(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    f = file_pledge(cast["enterprise"], patents["granted"], now=_at(2026, 2, 13, 18))
    # After hours Friday: counts from the make-up Saturday 14 Feb; one working day later
    # is 24 Feb, the first working day after the Spring Festival holiday.
    assert f.due_at == _at(2026, 2, 24, 17)
    f = services.filing_return(actor=cast["wuhan_clerk"], filing_id=f.pk, reasons="缺材料")
    assert f.due_at is None


def test_late_approval_counts_as_late(cast: dict[str, Any], patents: dict[str, str]) -> None:
    f = _filing_in("accepted", cast, patents["granted"])  # due Tue 3 Mar 17:00
    f = services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=_at(2026, 3, 4, 9))
    assert f.late is True


# --- escalation --------------------------------------------------------------


def test_overdue_filing_escalates_to_the_province_once(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    f = _filing_in("accepted", cast, patents["granted"])  # due Tue 3 Mar 17:00
    assert services.filings_escalate_overdue(now=_at(2026, 3, 3, 16, 59)) == []
    done = services.filings_escalate_overdue(now=_at(2026, 3, 3, 17, 1))
    assert [x.pk for x in done] == [f.pk]
    f.refresh_from_db()
    assert f.escalated_to_id == "420000"
    assert f.events.filter(action="escalate").count() == 1
    assert "已提请湖北省督办" in f.events.get(action="escalate").note
    assert AuditEntry.objects.filter(action="filing_escalate", object_id=str(f.pk)).exists()
    assert services.filings_escalate_overdue(now=_at(2026, 3, 4, 9)) == []


def test_escalation_command(cast: dict[str, Any], patents: dict[str, str]) -> None:
    from io import StringIO

    from django.core.management import call_command

    f = file_pledge(cast["enterprise"], patents["granted"], now=_at(2020, 1, 6, 10))
    out = StringIO()
    call_command("escalate_filings", stdout=out)
    f.refresh_from_db()
    assert f.escalated_to_id == "420000"
    assert "1" in out.getvalue()


def test_filing_at_once_leaves_the_record_of_a_draft_then_submitted(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    # Submitting a form directly is stored in one go; its history and audit
    # trail must read as if it had been created as a draft and then submitted.
    ent = cast["enterprise"]
    direct = file_pledge(ent, patents["granted"])
    draft = services.pledge_submit(
        actor=ent,
        data=pledge_data(patents["second"]),
        documents=pledge_documents(),
        submit=False,
        now=MONDAY_10,
    )
    stepped = services.filing_submit(actor=ent, filing_id=draft.pk, now=MONDAY_10)
    for f in (direct, stepped):
        f.refresh_from_db()
        assert (f.state, f.version, f.submitted_at) == (FilingState.SUBMITTED, 1, MONDAY_10)
        assert f.due_at is not None and f.due_at > MONDAY_10
        history = [(e.action, e.from_state, e.to_state) for e in f.events.order_by("id")]
        assert history == [("create", "", "draft"), ("submit", "draft", "submitted")]
        audit = AuditEntry.objects.get(action="filing_submit", object_id=str(f.pk))
        assert (audit.before or {}).get("state") == "draft"
        assert (audit.after or {}).get("state") == "submitted"
        assert AuditEntry.objects.filter(
            action="patent_pledge_create", object_id=str(f.pk)
        ).exists()
    assert direct.due_at == stepped.due_at
    assert direct.documents.count() == 3
