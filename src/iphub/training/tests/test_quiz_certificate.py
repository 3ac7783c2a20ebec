"""The test: scored in per cent, passed at the pass mark, retried after a fail,
only after attendance. The certificate: a PDF with its code, verified on a
public page without login (valid shows holder and course; unknown and revoked
say so)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from iphub.core.errors import ApplicationError, NotFound
from iphub.training import services
from iphub.training.models import Registration, RegistrationState, Session
from iphub.training.tests.conftest import START, T0

pytestmark = pytest.mark.django_db


def _attended(cast: dict[str, Any], session: Session) -> Registration:
    reg = services.registration_register(actor=cast["enterprise"], session_id=session.pk, now=T0)
    return services.registration_roll_call(
        actor=cast["wuhan_clerk"], registration_id=reg.pk, now=START
    )


def _answers(session: Session, right: int) -> dict[int, int]:
    qs = list(session.course.questions.all())
    return {
        q.pk: q.answer if i < right else (q.answer + 1) % len(q.options) for i, q in enumerate(qs)
    }


def test_scoring_and_pass_mark(cast: dict[str, Any], session: Session) -> None:
    reg = _attended(cast, session)
    first = services.quiz_submit(
        actor=cast["enterprise"], registration_id=reg.pk, answers=_answers(session, 1)
    )
    assert (first.score, first.passed) == (33, False)
    reg.refresh_from_db()
    assert reg.state == RegistrationState.ATTENDED and reg.certificate_code is None
    # 2 of 3 right is 67 %: exactly the course's pass mark, which passes.
    second = services.quiz_submit(
        actor=cast["enterprise"], registration_id=reg.pk, answers=_answers(session, 2)
    )
    assert (second.score, second.passed) == (67, True)
    reg.refresh_from_db()
    assert reg.state == RegistrationState.CERTIFIED and reg.best_score == 67
    assert len(reg.certificate_code or "") == 12 and reg.certificate_number
    with pytest.raises(ApplicationError, match="不需要再测试"):
        services.quiz_submit(
            actor=cast["enterprise"], registration_id=reg.pk, answers=_answers(session, 3)
        )


def test_score_below_the_mark_by_one_point_fails(cast: dict[str, Any], session: Session) -> None:
    session.course.pass_mark = 68
    session.course.save()
    reg = _attended(cast, session)
    attempt = services.quiz_submit(
        actor=cast["enterprise"], registration_id=reg.pk, answers=_answers(session, 2)
    )
    assert (attempt.score, attempt.passed) == (67, False)


def test_test_needs_attendance_every_answer_and_the_trainee(
    cast: dict[str, Any], session: Session
) -> None:
    reg = services.registration_register(actor=cast["enterprise"], session_id=session.pk, now=T0)
    with pytest.raises(ApplicationError, match="请先签到"):
        services.quiz_submit(
            actor=cast["enterprise"], registration_id=reg.pk, answers=_answers(session, 3)
        )
    services.registration_roll_call(actor=cast["wuhan_clerk"], registration_id=reg.pk)
    partial = dict(list(_answers(session, 3).items())[:2])
    with pytest.raises(ApplicationError, match="还有第 3 题未作答"):
        services.quiz_submit(actor=cast["enterprise"], registration_id=reg.pk, answers=partial)
    with pytest.raises(NotFound):
        services.quiz_submit(
            actor=cast["hongshan_clerk"], registration_id=reg.pk, answers=_answers(session, 3)
        )
    assert not reg.attempts.exists()


def _certified(cast: dict[str, Any], session: Session) -> Registration:
    reg = _attended(cast, session)
    services.quiz_submit(
        actor=cast["enterprise"], registration_id=reg.pk, answers=_answers(session, 3),
        now=START + dt.timedelta(hours=3),
    )  # fmt: skip
    reg.refresh_from_db()
    return reg


def test_certificate_pdf_states_holder_course_and_code(
    cast: dict[str, Any], session: Session, client: Any
) -> None:
    reg = _certified(cast, session)
    client.force_login(cast["enterprise"])
    response = client.get(f"/training/registrations/{reg.pk}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "知识产权培训结业证书" in text and "质押登记实务培训" in text
    assert reg.trainee_name in text and "洪山测试科技有限公司" in text
    code = reg.certificate_code or "-"
    assert code in text and f"/training/verify/{code}/" in text
    assert "3.5 学时" in text and "2026年03月09日" in text
    # Another person's certificate is not found.
    client.force_login(cast["hongshan_clerk"])
    assert client.get(f"/training/registrations/{reg.pk}/certificate.pdf").status_code == 404


def test_public_verification_valid_unknown_and_revoked(
    cast: dict[str, Any], session: Session, client: Any
) -> None:
    reg = _certified(cast, session)
    code = reg.certificate_code or ""
    page = client.get(f"/training/verify/{code.lower()}/").content.decode()
    assert "真实有效" in page and reg.trainee_name in page and "质押登记实务培训" in page
    assert reg.certificate_number in page
    unknown = client.get("/training/verify/AAAABBBBCCCC/")
    assert (
        unknown.status_code == 404
        and "验证码无效：没有与之对应的培训证书" in unknown.content.decode()
    )
    api = client.get(f"/api/v1/training/certificates/{code}").json()
    assert api["valid"] is True and api["course"] == "质押登记实务培训"

    with pytest.raises(NotFound):
        services.certificate_revoke(actor=cast["yichang_clerk"], registration_id=reg.pk, reason="x")
    services.certificate_revoke(
        actor=cast["wuhan_clerk"], registration_id=reg.pk, reason="签到记录不实"
    )
    page = client.get(f"/training/verify/{code}/").content.decode()
    assert "证书已撤销" in page and "签到记录不实" in page and "真实有效" not in page
    assert client.get(f"/api/v1/training/certificates/{code}").json()["valid"] is False
