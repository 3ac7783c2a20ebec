"""When a monthly report is due, when the reminder goes out, and what counts as late.

The rule (chosen, and why):

* The report for month M is due on the 20th of month M ("每月20日前报送当月重要工作").
* If the 20th is not a working day (weekend or statutory holiday, from the
  working-day calendar), the deadline moves to the next working day. This is the
  general rule for periods in Civil Code Art. 203 (期间的最后一日是法定休假日的，
  以法定休假日结束的次日为期间的最后一日): a locality cannot be late because the
  office was closed.
* The deadline day ends at 24:00 Beijing time (Art. 203 para. 2; the report is
  online, so there are no office hours to stop at).
* Lateness is judged on the first submission: a report returned for revision and
  resubmitted after the 20th is not late if it first arrived in time.
* The reminder goes out 3 working days before the due date.
"""

from __future__ import annotations

import datetime as dt

from iphub.core.calendar import LOCAL_TZ, is_working_day, next_working_day

DUE_DAY = 20
REMINDER_WORKING_DAYS = 3


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def parse_month(value: str) -> dt.date:
    """``2026-05`` -> 2026-05-01; raises ValueError on anything else."""
    year, month = value.strip()[:7].split("-")
    return dt.date(int(year), int(month), 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def due_date(month: dt.date) -> dt.date:
    """The day a report for ``month`` is due (the 20th, or the next working day)."""
    day = month.replace(day=DUE_DAY)
    return day if is_working_day(day) else next_working_day(day)


def due_end(month: dt.date) -> dt.datetime:
    """The instant the deadline passes: the end of the due day, Beijing time."""
    return dt.datetime.combine(due_date(month) + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ)


def reminder_date(month: dt.date) -> dt.date:
    """The working day ``REMINDER_WORKING_DAYS`` working days before the due date."""
    day, left = due_date(month), REMINDER_WORKING_DAYS
    while left:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def is_late(month: dt.date, submitted_at: dt.datetime) -> bool:
    return submitted_at >= due_end(month)
