"""Registration: seats and the deadline are enforced with clear messages; the
audience is checked; a cancelled seat is free again; two people taking the last
seat at once: one wins (a real race on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from iphub.conftest import at_once, make_user
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Role
from iphub.training import services
from iphub.training.models import Registration, RegistrationState, Session
from iphub.training.tests.conftest import T0, make_course

pytestmark = pytest.mark.django_db


def test_last_seat_taken_then_full_with_the_capacity_said(cast: dict[str, Any]) -> None:
    course = make_course(cast["wuhan_clerk"], capacity=2)
    session = course.sessions.get()
    services.registration_register(actor=cast["hongshan_clerk"], session_id=session.pk, now=T0)
    services.registration_register(actor=cast["enterprise"], session_id=session.pk, now=T0)
    with pytest.raises(ApplicationError) as exc:
        services.registration_register(actor=cast["yichang_clerk"], session_id=session.pk, now=T0)
    assert exc.value.code == "session_full"
    assert "名额已满（共 2 个名额）" in exc.value.message
    assert Registration.objects.filter(session=session).count() == 2


def test_cancelling_frees_the_seat(cast: dict[str, Any]) -> None:
    session = make_course(cast["wuhan_clerk"], capacity=1).sessions.get()
    reg = services.registration_register(actor=cast["enterprise"], session_id=session.pk, now=T0)
    services.registration_cancel(actor=cast["enterprise"], registration_id=reg.pk, now=T0)
    again = services.registration_register(
        actor=cast["hongshan_clerk"], session_id=session.pk, now=T0
    )
    assert again.state == RegistrationState.REGISTERED


def test_deadline_refuses_with_the_time(cast: dict[str, Any], session: Session) -> None:
    late = session.registration_deadline + dt.timedelta(minutes=1)
    with pytest.raises(ApplicationError) as exc:
        services.registration_register(actor=cast["enterprise"], session_id=session.pk, now=late)
    assert exc.value.code == "deadline_passed"
    assert "报名已于 2026-03-07 10:00 截止" in exc.value.message
    assert not Registration.objects.exists()
    on_time = session.registration_deadline
    reg = services.registration_register(
        actor=cast["enterprise"], session_id=session.pk, now=on_time
    )
    assert reg.state == RegistrationState.REGISTERED


def test_twice_and_outside_the_audience(cast: dict[str, Any]) -> None:
    session = make_course(cast["wuhan_clerk"], audience=["window"]).sessions.get()
    with pytest.raises(AccessDenied, match="本课程面向窗口人员"):
        services.registration_register(actor=cast["enterprise"], session_id=session.pk, now=T0)
    services.registration_register(actor=cast["hongshan_clerk"], session_id=session.pk, now=T0)
    with pytest.raises(ApplicationError, match="您已报名该班次"):
        services.registration_register(actor=cast["hongshan_clerk"], session_id=session.pk, now=T0)


def test_the_page_shows_a_refusal_as_a_message(
    cast: dict[str, Any], client: Any, settings: Any
) -> None:
    start = timezone.now() + dt.timedelta(days=7)
    session = make_course(cast["wuhan_clerk"], capacity=1, start=start).sessions.get()
    services.registration_register(actor=cast["hongshan_clerk"], session_id=session.pk)
    client.force_login(cast["enterprise"])
    response = client.post(f"/training/sessions/{session.pk}/register/", follow=True)
    page = response.content.decode()
    assert "名额已满（共 1 个名额）" in page
    assert response.request["PATH_INFO"] == f"/training/courses/{session.course_id}/"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_last_seat_registrations_at_once_only_one_wins(cast: dict[str, Any]) -> None:
    session = make_course(cast["wuhan_clerk"], capacity=1).sessions.get()
    a, b = cast["enterprise"], make_user("second_clerk", Role.WINDOW, "420100")
    results = at_once(
        lambda: services.registration_register(actor=a, session_id=session.pk, now=T0),
        lambda: services.registration_register(actor=b, session_id=session.pk, now=T0),
    )
    won = [r for r in results if isinstance(r, Registration)]
    lost = [r for r in results if isinstance(r, ApplicationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "session_full"
    assert Registration.objects.filter(session=session).count() == 1
