"""Service tickets: the five-working-day limit, who may take each step (rating
only by the requester), lateness, the overdue sweep, and the on-time rates per
outlet against counts made by hand from the fixtures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import AuditEntry, User
from iphub.network import services, workflow
from iphub.network.models import ServiceTicket, TicketEvent, TicketState
from iphub.network.selectors.tickets import outlet_performance
from iphub.network.tests.conftest import MONDAY_10, PDF, open_ticket

pytestmark = pytest.mark.django_db


def step(actor: User, ticket: ServiceTicket, name: str, at: dt.datetime, **data: Any) -> Any:
    return services.ticket_step(actor=actor, ticket_id=ticket.pk, name=name, data=data, now=at)


def local(y: int, m: int, d: int, h: int = 17) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=LOCAL_TZ)


# -- the limit ----------------------------------------------------------------


def test_a_ticket_is_due_five_working_days_after_it_is_sent(net: dict[str, Any]) -> None:
    assert workflow.ticket_days() == 5
    t = open_ticket(net["enterprise"], net["wuhan"])
    # Mon 2 Mar 10:00 → Mon 9 Mar at the 17:00 cut-off.
    assert t.due_at == local(2026, 3, 9)
    assert t.state == TicketState.SUBMITTED
    # Sent on Friday evening: counts from Monday 9 March → Monday 16 March.
    evening = open_ticket(net["enterprise"], net["wuhan"], at=local(2026, 3, 6, 18))
    assert evening.due_at == local(2026, 3, 16)


def test_the_limit_skips_the_national_day_holidays(net: dict[str, Any]) -> None:
    # Tue 30 Sep 2025; 1-8 Oct off; Sat 11 Oct a make-up working day:
    # 9, 10, 11, 13, 14 Oct are the five working days.
    t = open_ticket(net["enterprise"], net["wuhan"], at=local(2025, 9, 30, 10))
    assert t.due_at == local(2025, 10, 14)


def test_the_limit_is_a_setting(net: dict[str, Any], settings: Any) -> None:
    settings.NETWORK_TICKET_DAYS = 1
    t = open_ticket(net["enterprise"], net["wuhan"])
    assert t.due_at == local(2026, 3, 3)


def test_closing_after_the_limit_marks_the_ticket_late(net: dict[str, Any]) -> None:
    staff = net["wuhan_staff"]
    on_time = open_ticket(net["enterprise"], net["wuhan"])
    step(staff, on_time, "close", local(2026, 3, 9, 16), result="检索到相关专利 3 件，见附件。")
    late = open_ticket(net["enterprise"], net["wuhan"])
    step(staff, late, "accept", local(2026, 3, 3, 9))
    done = step(
        staff,
        late,
        "close",
        local(2026, 3, 9, 17) + dt.timedelta(minutes=1),
        result="检索到相关专利 5 件。",
    )
    on_time.refresh_from_db()
    assert (on_time.late, done.late) == (False, True)
    assert done.state == TicketState.CLOSED and done.handled_by_name == "wuhan_outlet"


# -- who may do what ------------------------------------------------------------


def test_only_the_outlets_staff_accept_and_answer(
    net: dict[str, Any], cast: dict[str, User]
) -> None:
    t = open_ticket(net["enterprise"], net["wuhan"])
    # The requester may see it but not answer it.
    with pytest.raises(AccessDenied, match="服务人员"):
        step(net["enterprise"], t, "accept", MONDAY_10)
    # The region's clerk watches but does not answer.
    with pytest.raises(AccessDenied):
        step(cast["wuhan_clerk"], t, "accept", MONDAY_10)
    # Another outlet's staff and another region's clerk: the ticket does not exist for them.
    for outsider in (net["yichang_staff"], cast["yichang_clerk"], net["yichang_user"]):
        with pytest.raises(NotFound):
            step(outsider, t, "accept", MONDAY_10)
    t.refresh_from_db()
    assert t.state == TicketState.SUBMITTED and t.version == 0
    assert step(net["wuhan_staff"], t, "accept", MONDAY_10).state == TicketState.ACCEPTED


def test_only_the_requester_rates_and_only_once_answered(
    net: dict[str, Any], cast: dict[str, User]
) -> None:
    t = open_ticket(net["enterprise"], net["wuhan"])
    with pytest.raises(ApplicationError) as early:
        step(net["enterprise"], t, "rate", MONDAY_10, rating="5")
    assert early.value.status == 409
    step(net["wuhan_staff"], t, "close", MONDAY_10, result="已答复：相关专利清单见说明。")
    # A colleague of the same company, the staff who answered, a clerk: not theirs to rate.
    for other in (net["colleague"], net["wuhan_staff"], cast["wuhan_clerk"]):
        with pytest.raises(AccessDenied, match="申请人本人"):
            step(other, t, "rate", MONDAY_10, rating="5")
    for bad, field in (
        ({"rating": "0"}, "rating"),
        ({"rating": "6"}, "rating"),
        ({"rating": "2"}, "comment"),
    ):
        with pytest.raises(ApplicationError) as refused:
            step(net["enterprise"], t, "rate", MONDAY_10, **bad)
        assert field in refused.value.fields
    rated = step(net["enterprise"], t, "rate", MONDAY_10, rating="2", comment="答复过于简单")
    assert (rated.state, rated.rating, rated.rating_comment) == (
        TicketState.RATED,
        2,
        "答复过于简单",
    )
    with pytest.raises(ApplicationError) as twice:
        step(net["enterprise"], t, "rate", MONDAY_10, rating="5")
    assert twice.value.status == 409
    assert workflow.available(net["enterprise"], rated) == []


def test_a_ticket_asks_for_a_service_the_outlet_offers(
    net: dict[str, Any], cast: dict[str, User]
) -> None:
    with pytest.raises(ApplicationError) as refused:
        open_ticket(net["enterprise"], net["wuhan"], service="infringement")
    assert "service" in refused.value.fields and "检索咨询" in refused.value.message
    with pytest.raises(AccessDenied):
        open_ticket(cast["wuhan_clerk"], net["wuhan"])
    assert ServiceTicket.objects.count() == 0


def test_the_result_file_is_checked_by_content(net: dict[str, Any]) -> None:
    t = open_ticket(net["enterprise"], net["wuhan"])
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ApplicationError) as refused:
        services.ticket_step(
            actor=net["wuhan_staff"], ticket_id=t.pk, name="close",
            data={"result": "见附件报告。"}, file=fake, now=MONDAY_10,
        )  # fmt: skip
    assert "file" in refused.value.fields
    t.refresh_from_db()
    assert t.state == TicketState.SUBMITTED
    done = services.ticket_step(
        actor=net["wuhan_staff"], ticket_id=t.pk, name="close",
        data={"result": "见附件报告。"}, file=SimpleUploadedFile("报告.pdf", PDF), now=MONDAY_10,
    )  # fmt: skip
    assert done.result_file_name == "报告.pdf" and done.result_file_type == "application/pdf"


def test_every_step_is_audited_and_in_the_history(net: dict[str, Any]) -> None:
    t = open_ticket(net["enterprise"], net["wuhan"])
    step(net["wuhan_staff"], t, "accept", MONDAY_10)
    step(net["wuhan_staff"], t, "close", MONDAY_10, result="已答复，相关专利 2 件。")
    step(net["enterprise"], t, "rate", MONDAY_10, rating="4")
    actions = list(
        AuditEntry.objects.filter(object_type="network.serviceticket").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        [
            "network.ticket_open",
            "network.ticket_accept",
            "network.ticket_close",
            "network.ticket_rate",
        ]
    )
    assert list(TicketEvent.objects.filter(ticket=t).values_list("action", flat=True)) == [
        "create", "accept", "close", "rate",
    ]  # fmt: skip


def test_the_overdue_sweep_marks_each_late_ticket_once(net: dict[str, Any]) -> None:
    waiting = open_ticket(net["enterprise"], net["wuhan"])
    accepted = open_ticket(net["enterprise"], net["wuhan"])
    step(net["wuhan_staff"], accepted, "accept", MONDAY_10)
    answered = open_ticket(net["enterprise"], net["wuhan"])
    step(net["wuhan_staff"], answered, "close", MONDAY_10, result="已答复，相关专利 2 件。")
    fresh = open_ticket(net["enterprise"], net["wuhan"], at=local(2026, 3, 9, 9))
    after = local(2026, 3, 10, 9)
    flagged = services.tickets_flag_overdue(now=after)
    assert {t.pk for t in flagged} == {waiting.pk, accepted.pk}
    assert services.tickets_flag_overdue(now=after + dt.timedelta(hours=1)) == []
    fresh.refresh_from_db()
    assert fresh.overdue_flagged_at is None
    assert AuditEntry.objects.filter(action="network.ticket_overdue").count() == 2


# -- figures ------------------------------------------------------------------------


def test_on_time_rates_per_outlet_match_counts_made_by_hand(
    net: dict[str, Any], cast: dict[str, User]
) -> None:
    w, y = net["wuhan"], net["yichang"]
    ws, ys = net["wuhan_staff"], net["yichang_staff"]
    due = local(2026, 3, 9)
    early, late = due - dt.timedelta(hours=2), due + dt.timedelta(hours=20)
    # Wuhan: answered on time ×3 (ratings 5, 4, —), late ×1 (rating 3), one open past
    # its limit, one open within it, one declined, one withdrawn.
    for rating in ("5", "4", None):
        t = open_ticket(net["enterprise"], w)
        step(ws, t, "close", early, result="按时答复的检索结果。")
        if rating:
            step(net["enterprise"], t, "rate", early, rating=rating)
    t = open_ticket(net["enterprise"], w)
    step(ws, t, "close", late, result="超期答复的检索结果。")
    step(net["enterprise"], t, "rate", late, rating="3")
    open_ticket(net["enterprise"], w)  # open, past its limit by `now`
    open_ticket(net["enterprise"], w, at=local(2026, 3, 12, 9))  # open, due 19 March
    d = open_ticket(net["enterprise"], w)
    step(ws, d, "decline", early, reason="不属于本中心服务范围")
    wd = open_ticket(net["enterprise"], w)
    step(net["enterprise"], wd, "withdraw", early)
    # Yichang: one answered late; one opened before the period (not counted).
    t = open_ticket(net["yichang_user"], y)
    step(ys, t, "close", late, result="超期答复。")
    open_ticket(net["yichang_user"], y, at=local(2026, 1, 5, 10))

    start, end, now = local(2026, 3, 1, 0), local(2026, 4, 1, 0), local(2026, 3, 13, 9)
    figures = {
        f.outlet.name: f
        for f in outlet_performance(user=cast["supervisor"], start=start, end=end, now=now)
    }
    wf, yf = figures[w.name], figures[y.name]
    assert (wf.received, wf.answered, wf.on_time, wf.open_overdue, wf.rated) == (8, 4, 3, 1, 3)
    assert wf.on_time_rate == Decimal("75.0")
    assert wf.average_rating == Decimal("4.0")  # (5 + 4 + 3) / 3
    assert (yf.received, yf.answered, yf.on_time, yf.on_time_rate) == (1, 1, 0, Decimal("0.0"))
    # A city clerk reads only the city's outlets; an outlet's staff only their own.
    wuhan_view = outlet_performance(user=cast["wuhan_clerk"], start=start, end=end, now=now)
    assert [f.outlet.name for f in wuhan_view] == [w.name]
    assert [f.outlet.name for f in outlet_performance(user=ys, start=start, end=end, now=now)] == [
        y.name
    ]
    with pytest.raises(AccessDenied):
        outlet_performance(user=net["enterprise"], start=start, end=end, now=now)
