"""QR check-in: the session's signed token checks a registered trainee in and
credits the hours; an expired, forged or other session's token is refused, and
so is a check-in too early; staff roll-call does the same for the absent phone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import signing

from iphub.core.errors import ApplicationError, NotFound
from iphub.training import services
from iphub.training.models import AttendanceMethod, RegistrationState, Session
from iphub.training.tests.conftest import START, T0, make_course

pytestmark = pytest.mark.django_db


def _registered(cast: dict[str, Any], session: Session, who: str = "enterprise") -> Any:
    return services.registration_register(actor=cast[who], session_id=session.pk, now=T0)


def test_valid_token_checks_in_and_credits_hours(cast: dict[str, Any], session: Session) -> None:
    reg = _registered(cast, session)
    token = services.check_in_token(session)
    done = services.registration_check_in(
        actor=cast["enterprise"], token=token, now=START + dt.timedelta(minutes=3)
    )
    assert done.pk == reg.pk and done.state == RegistrationState.ATTENDED
    assert done.hours == Decimal("3.5") and done.attendance_method == AttendanceMethod.QR
    with pytest.raises(ApplicationError, match="不能扫码签到"):
        services.registration_check_in(actor=cast["enterprise"], token=token, now=START)


def test_expired_token_is_refused(cast: dict[str, Any], session: Session) -> None:
    _registered(cast, session)
    token = services.check_in_token(session)
    late = session.ends_at + dt.timedelta(hours=2, seconds=1)
    with pytest.raises(ApplicationError) as exc:
        services.registration_check_in(actor=cast["enterprise"], token=token, now=late)
    assert exc.value.code == "check_in_expired" and "签到码已过期" in exc.value.message
    with pytest.raises(ApplicationError, match="签到尚未开始"):
        services.registration_check_in(
            actor=cast["enterprise"], token=token, now=START - dt.timedelta(hours=2)
        )


def test_forged_tokens_are_refused(cast: dict[str, Any], session: Session) -> None:
    _registered(cast, session)
    token = services.check_in_token(session)
    # The same payload signed with another key, a longer validity, and a tampered one.
    forged = signing.dumps(
        {"s": session.pk, "u": 9999999999}, key="not-the-key", salt=services.CHECK_IN_SALT
    )
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, tampered, "nonsense", ""):
        with pytest.raises(ApplicationError) as exc:
            services.registration_check_in(actor=cast["enterprise"], token=bad, now=START)
        assert exc.value.code == "check_in_invalid"
    assert session.registrations.get().state == RegistrationState.REGISTERED


def test_token_of_a_session_one_is_not_registered_for(cast: dict[str, Any]) -> None:
    other = make_course(cast["wuhan_clerk"], title="另一门课").sessions.get()
    with pytest.raises(ApplicationError, match="您没有报名该班次"):
        services.registration_check_in(
            actor=cast["enterprise"], token=services.check_in_token(other), now=START
        )


def test_check_in_page_for_the_signed_in_trainee(
    cast: dict[str, Any], session: Session, client: Any
) -> None:
    _registered(cast, session)
    url = f"/training/check-in/{services.check_in_token(session)}/"
    assert client.get(url).status_code == 302  # the login first
    client.force_login(cast["enterprise"])
    assert "确认签到" in client.get(url).content.decode()
    # The fixture's session (March 2026) is over by now: the code has expired.
    refused = client.post(url)
    assert refused.status_code == 409 and "签到码已过期" in refused.content.decode()
    forged = client.post("/training/check-in/abc:def/")
    assert forged.status_code == 400 and "签到码无效" in forged.content.decode()


def test_roll_call_by_the_keeper_only(cast: dict[str, Any], session: Session) -> None:
    reg = _registered(cast, session)
    with pytest.raises(NotFound):
        services.registration_roll_call(actor=cast["yichang_clerk"], registration_id=reg.pk)
    with pytest.raises(NotFound):
        services.registration_roll_call(actor=cast["hongshan_clerk"], registration_id=reg.pk)
    done = services.registration_roll_call(actor=cast["supervisor"], registration_id=reg.pk)
    assert done.state == RegistrationState.ATTENDED
    assert done.attendance_method == AttendanceMethod.ROLL_CALL
