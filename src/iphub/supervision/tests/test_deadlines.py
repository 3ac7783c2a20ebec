"""The 20th rule: due on the 20th, moved to the next working day when the 20th is
a weekend or holiday (Civil Code Art. 203); reminders 3 working days before."""

from __future__ import annotations

import datetime as dt

import pytest

from iphub.core.models import User
from iphub.supervision import deadlines
from iphub.supervision.models import MonthlyReport, ReminderKind, ReportReminder
from iphub.supervision.services.reminders import reminders_send
from iphub.supervision.services.reports import report_open, report_transition, report_update
from iphub.supervision.tests.conftest import MAY, at


def test_due_on_the_20th_when_it_is_a_working_day() -> None:
    assert deadlines.due_date(MAY) == dt.date(2026, 5, 20)  # a Wednesday
    assert deadlines.reminder_date(MAY) == dt.date(2026, 5, 15)


def test_due_moves_past_a_holiday_and_a_weekend() -> None:
    # 20 Feb 2026 is inside the Spring Festival holiday (15-23 Feb).
    assert deadlines.due_date(dt.date(2026, 2, 1)) == dt.date(2026, 2, 24)
    # The reminder counts the make-up working Saturday 14 Feb: 13th, 14th, 12th.
    assert deadlines.reminder_date(dt.date(2026, 2, 1)) == dt.date(2026, 2, 12)
    # 20 Jun 2026 is a Saturday (and 19 Jun the Dragon Boat holiday).
    assert deadlines.due_date(dt.date(2026, 6, 1)) == dt.date(2026, 6, 22)


def test_late_means_after_the_end_of_the_due_day() -> None:
    assert not deadlines.is_late(MAY, at(dt.date(2026, 5, 20), 23))
    assert deadlines.is_late(MAY, at(dt.date(2026, 5, 21), 0))
    assert not deadlines.is_late(dt.date(2026, 2, 1), at(dt.date(2026, 2, 24), 18))


def _submit(user: User, region: str, when: dt.datetime, plan_task: str = "一") -> MonthlyReport:
    from iphub.core.models import Region

    report = report_open(actor=user, region=Region.objects.get(code=region), month=MAY)
    report_update(actor=user, report_id=report.pk, data={"work": {plan_task: "开展督导"}})
    return report_transition(actor=user, report_id=report.pk, action="submit", now=when)


@pytest.mark.usefixtures("plan")
def test_submission_after_the_deadline_is_flagged_late(cast: dict[str, User]) -> None:
    report = _submit(cast["yichang_supervisor"], "420500", at(dt.date(2026, 5, 21), 9))
    assert report.late is True
    assert report.first_submitted_at is not None


@pytest.mark.usefixtures("plan")
def test_reminders_go_to_units_that_have_not_submitted_from_three_working_days_before(
    cast: dict[str, User],
) -> None:
    from iphub.conftest import make_user

    wuhan_sup = make_user("wuhan_supervisor", "supervisor", "420100")
    assert reminders_send(today=dt.date(2026, 5, 14)) == []
    _submit(cast["yichang_supervisor"], "420500", at(dt.date(2026, 5, 12)))
    sent = reminders_send(today=dt.date(2026, 5, 15))
    assert [r.user for r in sent] == [wuhan_sup]
    assert sent[0].kind == ReminderKind.DUE_SOON and "05月20日" in sent[0].message
    assert reminders_send(today=dt.date(2026, 5, 18)) == []  # once per month and kind
    overdue = reminders_send(today=dt.date(2026, 5, 21))
    assert [(r.user, r.kind) for r in overdue] == [(wuhan_sup, ReminderKind.OVERDUE)]
    assert ReportReminder.objects.filter(user=cast["yichang_supervisor"]).count() == 0


@pytest.mark.usefixtures("plan")
def test_missing_reports_are_listed_after_the_deadline(cast: dict[str, User]) -> None:
    from iphub.supervision.selectors import report_discipline

    _submit(cast["yichang_supervisor"], "420500", at(dt.date(2026, 5, 20), 16))
    before = {
        d.region.code: d.status
        for d in report_discipline(user=cast["supervisor"], month=MAY, now=at(dt.date(2026, 5, 19)))
    }
    assert before["420100"] == "pending" and before["420500"] == "on_time"
    after = {
        d.region.code: d.label
        for d in report_discipline(user=cast["supervisor"], month=MAY, now=at(dt.date(2026, 5, 21)))
    }
    assert after["420100"] == "逾期未报" and after["420500"] == "按时报送"
    assert len(after) == 17


FEB = dt.date(2026, 2, 1)  # the 20th falls in the Spring Festival holiday (15-23 Feb)


@pytest.mark.usefixtures("plan")
def test_when_the_20th_is_a_holiday_the_whole_month_runs_to_the_next_working_day(
    cast: dict[str, User],
) -> None:
    from iphub.conftest import make_user
    from iphub.core.models import Region
    from iphub.supervision.selectors import report_discipline

    wuhan_sup = make_user("wuhan_supervisor", "supervisor", "420100")
    city = cast["yichang_supervisor"]
    report = report_open(actor=city, region=Region.objects.get(code="420500"), month=FEB)
    report_update(actor=city, report_id=report.pk, data={"work": {"一": "春节期间值守"}})
    assert report.due_date == dt.date(2026, 2, 24)
    # Sent on the first working day after the holiday, after the 20th: on time.
    report = report_transition(
        actor=city, report_id=report.pk, action="submit", now=at(dt.date(2026, 2, 24), 21)
    )
    assert report.late is False
    # On the holiday 20th the reminder still says "due soon", with the moved date.
    soon = reminders_send(today=dt.date(2026, 2, 20))
    assert [(r.user, r.kind) for r in soon] == [(wuhan_sup, ReminderKind.DUE_SOON)]
    assert "02月24日" in soon[0].message
    assert reminders_send(today=dt.date(2026, 2, 24)) == []
    late = reminders_send(today=dt.date(2026, 2, 25))
    assert [(r.user, r.kind) for r in late] == [(wuhan_sup, ReminderKind.OVERDUE)]

    def status(now: dt.datetime) -> dict[str, str]:
        rows = report_discipline(user=cast["supervisor"], month=FEB, now=now)
        return {d.region.code: d.status for d in rows}

    assert status(at(dt.date(2026, 2, 23), 20))["420100"] == "pending"
    assert status(at(dt.date(2026, 2, 25), 0))["420100"] == "missing"
    assert status(at(dt.date(2026, 2, 25), 0))["420500"] == "on_time"


@pytest.mark.usefixtures("plan")
def test_a_report_resubmitted_after_the_deadline_is_judged_by_its_first_submission(
    cast: dict[str, User],
) -> None:
    city, province = cast["yichang_supervisor"], cast["supervisor"]
    report = _submit(city, "420500", at(dt.date(2026, 5, 19)))
    report_transition(actor=province, report_id=report.pk, action="return", reason="补充数据")
    report = report_transition(
        actor=city, report_id=report.pk, action="resubmit", now=at(dt.date(2026, 5, 27))
    )
    assert report.late is False and report.submitted_at == at(dt.date(2026, 5, 27))
