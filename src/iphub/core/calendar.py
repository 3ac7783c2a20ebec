"""Working-day calendar for every time limit on the platform.

Statutory holidays and make-up working days come from ``chinesecalendar``
(State Council notices). For a year the package does not cover yet (the notice
for the next year is published in November/December) we fall back to
Monday-Friday and say so through :func:`is_authoritative`, rather than refuse to
compute a deadline: a due date one day off is fixed when the package updates; a
filing that cannot be accepted is not.

A time received after the cut-off hour (``IPHUB_CUTOFF_HOUR``, local time) or on
a non-working day counts from the next working day: that is how a window
counts a filing that arrives in the evening.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def is_authoritative(day: dt.date) -> bool:
    """True if the holiday data covers ``day``'s year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: dt.date) -> bool:
    """True on a working day, including make-up Saturdays/Sundays (调休上班)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``start`` (``n`` ≥ 0).

    With ``n == 0`` the result is ``start`` itself if it is a working day, else
    the next working day.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start if is_working_day(start) else next_working_day(start)
    for _ in range(n):
        day = next_working_day(day)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in the half-open interval (start, end]."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def effective_receipt_date(received: dt.datetime, *, cutoff_hour: int | None = None) -> dt.date:
    """The working day a submission counts from, given when it arrived."""
    cutoff = settings.IPHUB_CUTOFF_HOUR if cutoff_hour is None else cutoff_hour
    local = received.astimezone(LOCAL_TZ) if received.tzinfo else received
    day = local.date()
    if not is_working_day(day) or local.hour >= cutoff:
        return next_working_day(day)
    return day


def due_at(
    received: dt.datetime, working_days: int, *, cutoff_hour: int | None = None
) -> dt.datetime:
    """Deadline for a time limit of ``working_days`` starting at ``received``.

    The limit ends at the close of office hours (the cut-off hour) of the
    ``working_days``-th working day after the day the submission counts from.
    """
    cutoff = settings.IPHUB_CUTOFF_HOUR if cutoff_hour is None else cutoff_hour
    first = effective_receipt_date(received, cutoff_hour=cutoff)
    last = add_working_days(first, working_days)
    return dt.datetime.combine(last, dt.time(hour=cutoff), tzinfo=LOCAL_TZ)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February becomes 28 February in a common year.

    Patent terms and "maintained for N years" run from the filing date; a term that
    starts on a leap day ends on the last day of February (the anniversary day does
    not exist), never on 1 March, so nothing is counted in force a day too long.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
