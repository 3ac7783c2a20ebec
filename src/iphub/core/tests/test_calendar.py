"""Working-day arithmetic across the 2026 Spring Festival and National Day.

The expected dates are the State Council's 2026 holiday notice: Spring Festival
off 15-23 Feb with make-up working Saturdays 14 Feb and 28 Feb; National Day
off 1-7 Oct with make-up working Saturday 10 Oct (and Sunday 20 Sep).
"""

from __future__ import annotations

import datetime as dt

from iphub.core import calendar

D = dt.date


def test_spring_festival_2026() -> None:
    assert calendar.is_working_day(D(2026, 2, 14))  # Saturday, make-up day
    assert not calendar.is_working_day(D(2026, 2, 16))  # Monday, holiday
    # Friday 13 Feb + 1 working day = the make-up Saturday.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # Saturday 14 Feb + 1 skips the nine-day holiday.
    assert calendar.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # Starting inside the holiday counts from the first working day after it.
    assert calendar.add_working_days(D(2026, 2, 18), 0) == D(2026, 2, 24)
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2


def test_national_day_2026() -> None:
    assert not calendar.is_working_day(D(2026, 10, 5))
    assert calendar.is_working_day(D(2026, 10, 10))  # Saturday, make-up day
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert not calendar.is_working_day(D(2026, 10, 11))


def test_cut_off_hour_moves_the_start_to_next_working_day() -> None:
    tz = calendar.LOCAL_TZ
    before = dt.datetime(2026, 9, 30, 10, 0, tzinfo=tz)
    after = dt.datetime(2026, 9, 30, 18, 30, tzinfo=tz)
    assert calendar.effective_receipt_date(before, cutoff_hour=17) == D(2026, 9, 30)
    assert calendar.effective_receipt_date(after, cutoff_hour=17) == D(2026, 10, 8)
    # One working day from acceptance (the pledge limit).
    assert calendar.due_at(before, 1, cutoff_hour=17) == dt.datetime(2026, 10, 8, 17, tzinfo=tz)
    assert calendar.due_at(after, 1, cutoff_hour=17) == dt.datetime(2026, 10, 9, 17, tzinfo=tz)


def test_year_beyond_the_package_falls_back_to_weekdays() -> None:
    far = D(2030, 6, 7)  # a Friday
    assert not calendar.is_authoritative(far)
    assert calendar.add_working_days(far, 1) == D(2030, 6, 10)


def test_add_years_from_a_leap_day_ends_on_28_february() -> None:
    assert calendar.add_years(D(2024, 2, 29), 20) == D(2044, 2, 29)
    assert calendar.add_years(D(2024, 2, 29), 10) == D(2034, 2, 28)
    assert calendar.add_years(D(2026, 11, 28), -10) == D(2016, 11, 28)
    assert calendar.add_years(D(2028, 2, 29), -1) == D(2027, 2, 28)
