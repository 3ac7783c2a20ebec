"""Every write of the training app: courses, sessions and tests kept by staff;
registration, check-in, roll-call, the test and the certificate. Each service
runs in one transaction, checks ``workflow.py`` and leaves an audit entry.

Seats: a registration locks its session row (``select_for_update``) before it
counts the seats taken, so two people taking the last seat at once are served
one after the other and the second is told the session is full.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from iphub.core.audit import audit_record, snapshot
from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Organisation, OrganisationKind, Region, Role
from iphub.core.permissions import ensure_region_access, require_login
from iphub.filings.services.review import CODE_ALPHABET
from iphub.training import workflow
from iphub.training.audit_actions import Action
from iphub.training.models import (
    AttendanceMethod,
    Audience,
    Course,
    MaterialKind,
    Question,
    QuizAttempt,
    Registration,
    Session,
    SessionMode,
)
from iphub.training.models import RegistrationState as S

CHECK_IN_SALT = "iphub.training.check_in"
MAX_HOURS = Decimal(200)


# -- courses, sessions and tests (staff) ---------------------------------------------


def _clean_course(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写课程名称。"
    elif len(title) > 200:
        errors["title"] = "课程名称最多 200 个字。"
    audience = [a for a in dict.fromkeys(data.get("audience") or []) if a]
    if not audience:
        errors["audience"] = "请至少选择一类培训对象（窗口人员、服务机构或企业）。"
    elif any(a not in Audience.values for a in audience):
        errors["audience"] = "培训对象只能是窗口人员、服务机构或企业。"
    try:
        hours = Decimal(str(data.get("hours") or "").strip())
        if not Decimal(0) < hours <= MAX_HOURS:
            raise InvalidOperation
    except InvalidOperation:
        errors["hours"] = "学时应为大于 0、不超过 200 的数字，例如 2 或 1.5。"
        hours = Decimal(0)
    try:
        pass_mark = int(str(data.get("pass_mark") or "60").strip())
        if not 1 <= pass_mark <= 100:
            raise ValueError
    except ValueError:
        errors["pass_mark"] = "及格分应为 1 到 100 之间的整数。"
        pass_mark = 60
    kind = str(data.get("material_kind") or "")
    url = str(data.get("material_url") or "").strip()
    if kind not in MaterialKind.values:
        errors["material_kind"] = "材料形式只能是 PDF 讲义或视频。"
    if url and not url.startswith(("https://", "http://")):
        errors["material_url"] = "材料链接应以 https:// 或 http:// 开头。"
    if kind and not url:
        errors["material_url"] = "选择了材料形式，请填写 PDF 或视频的链接。"
    if errors:
        raise ApplicationError("课程未保存，请按提示更正。", fields=errors)
    return {
        "title": title,
        "summary": str(data.get("summary") or "").strip(),
        "audience": audience,
        "material_text": str(data.get("material_text") or "").strip(),
        "material_kind": kind,
        "material_url": url,
        "hours": hours.quantize(Decimal("0.1")),
        "pass_mark": pass_mark,
    }


def _keeper_region(actor: Any, code: str | None) -> Region:
    if not workflow.may_create_courses(actor):
        require_login(actor)
        raise AccessDenied("培训课程由省、市（州）的窗口或督导人员维护。")
    region = Region.objects.filter(code=code or actor.region_id).first()
    if region is None:
        raise ApplicationError("请选择主办地区。", fields={"region": "请选择主办地区。"})
    ensure_region_access(actor, region)
    return region


@transaction.atomic
def course_create(*, actor: Any, data: dict[str, Any]) -> Course:
    """A new course of ``actor``'s region (or a region inside it), unpublished."""
    region = _keeper_region(actor, data.get("region"))
    course = Course.objects.create(**_clean_course(data), region=region, created_by=actor)
    audit_record(
        actor=actor,
        action=Action.COURSE_CREATE,
        obj=course,
        region_path=region.path,
        after=snapshot(course),
    )
    return course


def _lock_course(actor: Any, course_id: int) -> Course:
    course = Course.objects.select_for_update().filter(pk=course_id).first()
    if course is None or not workflow.may_keep(actor, course):
        raise NotFound("未找到该课程。")
    return course


@transaction.atomic
def course_update(*, actor: Any, course_id: int, data: dict[str, Any]) -> Course:
    """Change a course's description, material, hours or pass mark."""
    course = _lock_course(actor, course_id)
    before = snapshot(course)
    for key, value in _clean_course(data).items():
        setattr(course, key, value)
    course.save()
    audit_record(
        actor=actor,
        action=Action.COURSE_UPDATE,
        obj=course,
        region_path=course.region.path,
        before=before,
        after=snapshot(course),
    )
    return course


@transaction.atomic
def course_publish(*, actor: Any, course_id: int, published: bool = True) -> Course:
    """Publish a course (it shows on the public list) or take it down."""
    course = _lock_course(actor, course_id)
    if published and not course.sessions.exists():
        raise ApplicationError("请先添加至少一个班次，再发布课程。", status=409)
    course.published = published
    course.save(update_fields=["published", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.COURSE_PUBLISH if published else Action.COURSE_UNPUBLISH,
        obj=course,
        region_path=course.region.path,
        after={"published": published},
    )
    return course


def _moment(value: Any, field: str, label: str, errors: dict[str, str]) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=LOCAL_TZ)
    try:
        parsed = dt.datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[field] = f"请填写{label}，格式如 2026-03-02 09:00。"
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=LOCAL_TZ)


@transaction.atomic
def session_create(*, actor: Any, course_id: int, data: dict[str, Any]) -> Session:
    """A sitting of a course: times, place (or online link), seats, deadline."""
    course = _lock_course(actor, course_id)
    errors: dict[str, str] = {}
    mode = str(data.get("mode") or SessionMode.IN_PERSON)
    if mode not in SessionMode.values:
        errors["mode"] = "形式只能是线下面授或线上直播。"
    starts = _moment(data.get("starts_at"), "starts_at", "开始时间", errors)
    ends = _moment(data.get("ends_at"), "ends_at", "结束时间", errors)
    deadline = _moment(
        data.get("registration_deadline"), "registration_deadline", "报名截止时间", errors
    )
    if starts and ends and ends <= starts:
        errors["ends_at"] = "结束时间应晚于开始时间。"
    if starts and deadline and deadline > starts:
        errors["registration_deadline"] = "报名截止时间不能晚于开始时间。"
    place = str(data.get("place") or "").strip()
    url = str(data.get("online_url") or "").strip()
    if mode == SessionMode.IN_PERSON and not place:
        errors["place"] = "线下面授请填写地点。"
    if mode == SessionMode.ONLINE and not url.startswith(("https://", "http://")):
        errors["online_url"] = "线上直播请填写以 https:// 开头的直播链接。"
    try:
        capacity = int(str(data.get("capacity") or "").strip())
        if not 1 <= capacity <= 10000:
            raise ValueError
    except ValueError:
        errors["capacity"] = "名额应为 1 到 10000 之间的整数。"
        capacity = 0
    if errors:
        raise ApplicationError("班次未保存，请按提示更正。", fields=errors)
    assert starts and ends and deadline
    session = Session.objects.create(
        course=course,
        mode=mode,
        starts_at=starts,
        ends_at=ends,
        place=place,
        online_url=url,
        capacity=capacity,
        registration_deadline=deadline,
    )
    audit_record(
        actor=actor,
        action=Action.SESSION_CREATE,
        obj=session,
        region_path=course.region.path,
        after=snapshot(session),
    )
    return session


@transaction.atomic
def questions_set(*, actor: Any, course_id: int, questions: list[dict[str, Any]]) -> list[Question]:
    """Replace a course's test with ``questions`` (text, 2-6 options, the right one)."""
    course = _lock_course(actor, course_id)
    errors: dict[str, str] = {}
    rows: list[Question] = []
    for n, q in enumerate(questions, 1):
        text = str(q.get("text") or "").strip()
        options = [str(o).strip() for o in q.get("options") or [] if str(o).strip()]
        answer = q.get("answer")
        if not text:
            errors[f"q{n}"] = f"第 {n} 题：请填写题目。"
        elif not 2 <= len(options) <= 6:
            errors[f"q{n}"] = f"第 {n} 题：选项应为 2 到 6 个。"
        elif not isinstance(answer, int) or not 0 <= answer < len(options):
            errors[f"q{n}"] = f"第 {n} 题：请指明正确选项。"
        else:
            rows.append(
                Question(course=course, position=n, text=text, options=options, answer=answer)
            )
    if not questions:
        errors["questions"] = "测试至少要有一道题。"
    if errors:
        raise ApplicationError("测试题未保存，请按提示更正。", fields=errors)
    if Registration.objects.filter(session__course=course, attempts__isnull=False).exists():
        raise ApplicationError("已有学员参加过测试，题目不能再修改。", status=409)
    course.questions.all().delete()
    Question.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action=Action.QUESTIONS_SET,
        obj=course,
        region_path=course.region.path,
        after={"questions": len(rows)},
    )
    return list(course.questions.all())


# -- registration and attendance --------------------------------------------------


def audience_of(user: Any) -> str | None:
    """Which audience a person belongs to: window staff, an agency, or an enterprise
    (an enterprise user of a university or institute counts as 企业 too)."""
    if not user.is_authenticated:
        return None
    if user.role == Role.WINDOW:
        return Audience.WINDOW
    org = user.organisation
    if user.role == Role.AGENCY or (org is not None and org.kind == OrganisationKind.AGENCY):
        return Audience.AGENCY
    if user.role == Role.ENTERPRISE and org is not None:
        return Audience.ENTERPRISE
    return None


def _trainee_region(user: Any) -> Region | None:
    if user.is_region_staff and user.region_id is not None:
        return user.region  # type: ignore[no-any-return]
    org: Organisation | None = user.organisation
    return org.region if org is not None else None


def _lock_session(session_id: int) -> Session:
    session = (
        Session.objects.select_for_update().filter(pk=session_id, course__published=True).first()
    )
    if session is None:
        raise NotFound("未找到该培训班次。")
    return session


def seats_taken(session: Session) -> int:
    """Seats held on ``session`` (every registration not cancelled)."""
    return Registration.objects.filter(session=session, state__in=workflow.SEAT_STATES).count()


@transaction.atomic
def registration_register(
    *, actor: Any, session_id: int, now: dt.datetime | None = None
) -> Registration:
    """报名: a seat on a session, while seats are left and before the deadline."""
    require_login(actor)
    now = now or timezone.now()
    session = _lock_session(session_id)
    course = session.course
    audience = audience_of(actor)
    if audience not in course.audience:
        wanted = "、".join(str(Audience(a).label) for a in course.audience)
        raise AccessDenied(f"本课程面向{wanted}，您的账号不在培训对象之内。")
    if now > session.registration_deadline:
        local = timezone.localtime(session.registration_deadline, LOCAL_TZ)
        raise ApplicationError(
            f"报名已于 {local:%Y-%m-%d %H:%M} 截止，请选择其他班次。",
            code="deadline_passed",
            status=409,
        )
    region = _trainee_region(actor)
    if region is None:
        raise ApplicationError("账号未关联单位或地区，不能报名；请联系管理员完善账号信息。")
    existing = Registration.objects.select_for_update().filter(session=session, user=actor).first()
    t = workflow.transition("register")
    if existing is not None and existing.state not in t.sources:
        raise ApplicationError("您已报名该班次。", code="already_registered", status=409)
    if seats_taken(session) >= session.capacity:
        raise ApplicationError(
            f"该班次名额已满（共 {session.capacity} 个名额），请选择其他班次。",
            code="session_full",
            status=409,
        )
    name = actor.get_full_name() or actor.first_name or actor.username
    if existing is None:
        reg = Registration.objects.create(
            session=session,
            user=actor,
            organisation=actor.organisation,
            region=region,
            trainee_name=name,
        )
    else:
        reg = existing
        reg.state = t.target
        reg.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action=Action.REGISTER,
        obj=reg,
        region_path=course.region.path,
        after={"session": session.pk, "state": reg.state},
    )
    return reg


def _lock_registration(registration_id: int) -> Registration:
    reg = (
        Registration.objects.select_for_update()
        .select_related("session__course__region")
        .filter(pk=registration_id)
        .first()
    )
    if reg is None:
        raise NotFound("未找到该报名。")
    return reg


def _step(actor: Any, reg: Registration, name: str, *, note: dict[str, Any] | None = None) -> None:
    t = workflow.transition(name)
    before = reg.state
    reg.state = t.target
    reg.save()
    audit_record(
        actor=actor,
        action=Action(f"training.{name}"),
        obj=reg,
        region_path=reg.session.course.region.path,
        before={"state": before},
        after={"state": reg.state, **(note or {})},
    )


def _check(actor: Any, reg: Registration, name: str) -> None:
    t = workflow.transition(name)
    if not workflow.may(actor, t, reg):
        if t.party == "trainee":
            raise NotFound("未找到该报名。")
        workflow.ensure_may(actor, t, reg)
    workflow.ensure_state(t, reg)


@transaction.atomic
def registration_cancel(
    *, actor: Any, registration_id: int, now: dt.datetime | None = None
) -> Registration:
    """取消报名 before the session starts; the seat is free again."""
    reg = _lock_registration(registration_id)
    _check(actor, reg, "cancel")
    if (now or timezone.now()) >= reg.session.starts_at:
        raise ApplicationError("培训已开始，不能再取消报名。", status=409)
    _step(actor, reg, "cancel")
    return reg


def check_in_token(session: Session) -> str:
    """The signed token of ``session``'s QR code: names the session and the moment
    it stops being accepted (two hours after the session ends)."""
    until = session.ends_at + workflow.CHECK_IN_CLOSES_AFTER
    return signing.dumps({"s": session.pk, "u": int(until.timestamp())}, salt=CHECK_IN_SALT)


def _check_in_session(token: str, now: dt.datetime) -> int:
    try:
        data = signing.loads(token, salt=CHECK_IN_SALT)
        session_id, until = int(data["s"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError(
            "签到码无效：请扫描培训现场展示的二维码。", code="check_in_invalid", status=400
        ) from None
    if now.timestamp() > until:
        raise ApplicationError(
            "签到码已过期：签到在培训结束两小时后关闭，如确已参训请联系工作人员点名签到。",
            code="check_in_expired",
            status=409,
        )
    return session_id


@transaction.atomic
def registration_check_in(
    *, actor: Any, token: str, now: dt.datetime | None = None
) -> Registration:
    """扫码签到: the signed-in trainee opens the session's QR link (valid from an
    hour before the session until two hours after it)."""
    require_login(actor)
    now = now or timezone.now()
    session_id = _check_in_session(token, now)
    reg = (
        Registration.objects.select_for_update()
        .select_related("session__course__region")
        .filter(session_id=session_id, user=actor)
        .first()
    )
    if reg is None:
        raise ApplicationError("您没有报名该班次，不能签到；请先报名或联系工作人员。", status=409)
    if now < reg.session.starts_at - workflow.CHECK_IN_OPENS_BEFORE:
        raise ApplicationError("签到尚未开始：培训开始前一小时起可以签到。", status=409)
    _check(actor, reg, "check_in")
    reg.attended_at = now
    reg.attendance_method = AttendanceMethod.QR
    reg.hours = reg.session.course.hours
    _step(actor, reg, "check_in", note={"hours": reg.hours})
    return reg


@transaction.atomic
def registration_roll_call(
    *, actor: Any, registration_id: int, now: dt.datetime | None = None
) -> Registration:
    """点名签到: staff of the course's region record that the trainee is present."""
    reg = _lock_registration(registration_id)
    if not workflow.may_keep(actor, reg.session.course):
        raise NotFound("未找到该报名。")
    _check(actor, reg, "roll_call")
    reg.attended_at = now or timezone.now()
    reg.attendance_method = AttendanceMethod.ROLL_CALL
    reg.hours = reg.session.course.hours
    _step(actor, reg, "roll_call", note={"hours": reg.hours})
    return reg


# -- the test and the certificate -------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def score_of(questions: list[Question], answers: dict[int, int]) -> int:
    """Per cent of ``questions`` answered right, rounded half up."""
    right = sum(1 for q in questions if answers.get(q.pk) == q.answer)
    return int((Decimal(100) * right / len(questions)).quantize(Decimal(1), "ROUND_HALF_UP"))


@transaction.atomic
def quiz_submit(
    *,
    actor: Any,
    registration_id: int,
    answers: dict[int, int],
    now: dt.datetime | None = None,
) -> QuizAttempt:
    """Take the course's test after attending. A score at or above the pass mark
    certifies the trainee (certificate number and verification code); below it,
    the trainee may try again."""
    now = now or timezone.now()
    reg = _lock_registration(registration_id)
    if reg.user_id != getattr(actor, "pk", None):
        raise NotFound("未找到该报名。")
    course = reg.session.course
    if reg.state not in workflow.TEST_STATES:
        if reg.state == S.REGISTERED:
            raise ApplicationError("请先签到参加培训，再参加测试。", status=409)
        raise ApplicationError(
            f"该报名当前为“{reg.get_state_display()}”，不需要再测试。", status=409
        )
    questions = list(course.questions.all())
    if not questions:
        raise ApplicationError("该课程没有设置测试题。", status=409)
    missing = [q.position for q in questions if q.pk not in answers]
    if missing:
        message = f"还有第 {'、'.join(str(n) for n in missing)} 题未作答。"
        raise ApplicationError(
            message,
            fields={f"q{q.pk}": "请选择一个选项。" for q in questions if q.pk not in answers},
        )
    score = score_of(questions, answers)
    passed = score >= course.pass_mark
    attempt = QuizAttempt.objects.create(
        registration=reg,
        score=score,
        passed=passed,
        answers={str(k): v for k, v in answers.items()},
    )
    reg.best_score = max(reg.best_score or 0, score)
    if passed:
        year = timezone.localtime(now, LOCAL_TZ).year
        reg.certificate_code = _new_code()
        reg.certificate_number = f"PX{year}{course.region_id}{reg.pk:06d}"
        reg.certified_at = now
        _step(
            actor,
            reg,
            "certify",
            note={"score": score, "certificate_number": reg.certificate_number},
        )
    else:
        reg.save(update_fields=["best_score"])
        audit_record(
            actor=actor,
            action=Action.QUIZ_FAIL,
            obj=reg,
            region_path=course.region.path,
            after={"score": score, "pass_mark": course.pass_mark},
        )
    return attempt


@transaction.atomic
def certificate_revoke(*, actor: Any, registration_id: int, reason: str) -> Registration:
    """撤销证书 (for example, attendance found to be false); the verification page
    says so from then on."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请写明撤销理由。", fields={"reason": "请写明撤销理由。"})
    reg = _lock_registration(registration_id)
    if not workflow.may_keep(actor, reg.session.course):
        raise NotFound("未找到该报名。")
    _check(actor, reg, "revoke")
    reg.revoked_at = timezone.now()
    reg.revoke_reason = reason[:300]
    _step(actor, reg, "revoke", note={"revoke_reason": reg.revoke_reason})
    return reg
