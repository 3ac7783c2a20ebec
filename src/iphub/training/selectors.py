"""Every read of the training app. Staff lists are scoped to the user's region
(``core.permissions``): a course outside it, or a registration of one, answers
404; hours are counted where the trainee works (the registration's region)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, NotFound
from iphub.core.models import Region
from iphub.core.permissions import (
    ensure_in_region,
    has_role,
    region_path_of,
    require_login,
    scope_queryset,
)
from iphub.training import workflow
from iphub.training.models import Course, Registration, Session


def course_public_list() -> QuerySet[Course]:
    """Published courses, newest first, with their sessions."""
    return (
        Course.objects.filter(published=True)
        .select_related("region")
        .prefetch_related("sessions")
        .order_by("-created_at", "-id")
    )


def course_get(*, user: Any, course_id: int) -> Course:
    """A published course (anyone), or an unpublished one for the staff who keep it."""
    course = Course.objects.select_related("region").filter(pk=course_id).first()
    if course is None or not (course.published or workflow.may_keep(user, course)):
        raise NotFound("未找到该课程。")
    return course


def course_keep_list(*, user: Any) -> QuerySet[Course]:
    """The courses of the staff user's region and the regions inside it."""
    require_login(user)
    if not has_role(user, *workflow.KEEPER_ROLES):
        raise AccessDenied("培训管理仅限窗口和督导人员。")
    qs = Course.objects.select_related("region").annotate(
        session_count=Count("sessions", distinct=True)
    )
    return scope_queryset(user, qs).order_by("-created_at", "-id")


def course_keep_get(*, user: Any, course_id: int) -> Course:
    """A course the staff user keeps; outside their region it is not found (404)."""
    course = course_keep_list(user=user).filter(pk=course_id).first()
    if course is None:
        raise NotFound("未找到该课程。")
    return course


def session_get(*, session_id: int) -> Session:
    """A session of a published course (what the QR page and the roll show)."""
    session = Session.objects.select_related("course__region").filter(pk=session_id).first()
    if session is None:
        raise NotFound("未找到该培训班次。")
    return session


def session_roll(*, user: Any, session_id: int) -> tuple[Session, QuerySet[Registration]]:
    """A session and its registrations, for the staff who keep its course (404 else)."""
    session = session_get(session_id=session_id)
    course_keep_get(user=user, course_id=session.course_id)
    regs = session.registrations.select_related("organisation", "region", "user").order_by(
        "created_at", "id"
    )
    return session, regs


def seats_by_session(session_ids: Iterable[int]) -> dict[int, int]:
    """Seats taken per session (registrations not cancelled), in one query."""
    rows = (
        Registration.objects.filter(
            session_id__in=list(session_ids), state__in=workflow.SEAT_STATES
        )
        .values("session_id")
        .annotate(n=Count("id"))
    )
    return {r["session_id"]: r["n"] for r in rows}


def my_registrations(*, user: Any) -> QuerySet[Registration]:
    """The signed-in user's own registrations, newest first."""
    require_login(user)
    return (
        Registration.objects.filter(user=user)
        .select_related("session__course__region")
        .order_by("-created_at", "-id")
    )


def my_registration(*, user: Any, registration_id: int) -> Registration:
    """One of the user's own registrations (another person's is not found)."""
    reg = my_registrations(user=user).filter(pk=registration_id).first()
    if reg is None:
        raise NotFound("未找到该报名。")
    return reg


def registration_by_code(code: str) -> Registration:
    """The certificate a verification code stands for (public, no login)."""
    code = (code or "").strip().upper().replace("-", "").replace(" ", "")
    reg = (
        Registration.objects.select_related("session__course__region", "organisation")
        .filter(certificate_code=code)
        .exclude(certificate_code=None)
        .first()
    )
    if reg is None:
        raise NotFound("验证码无效：没有与之对应的培训证书。")
    return reg


# -- training hours --------------------------------------------------------------


def _counted(year: int | None = None) -> QuerySet[Registration]:
    qs = Registration.objects.filter(state__in=workflow.HOURS_STATES)
    if year:
        start = dt.datetime(year, 1, 1, tzinfo=LOCAL_TZ)
        qs = qs.filter(attended_at__gte=start, attended_at__lt=start.replace(year=year + 1))
    return qs


def hours_scope(*, user: Any) -> QuerySet[Registration]:
    """Counted registrations of trainees working in the staff user's region."""
    require_login(user)
    if region_path_of(user) is None:
        raise AccessDenied("培训学时统计仅限工作人员查看。")
    return scope_queryset(user, _counted())


@dataclass(frozen=True)
class PersonHours:
    user_id: int
    name: str
    organisation: str
    region: str
    courses: int
    hours: Decimal


def hours_by_person(*, user: Any, year: int | None = None) -> list[PersonHours]:
    """Training hours per trainee in the user's region, most hours first."""
    qs = hours_scope(user=user)
    if year:
        qs = qs.filter(pk__in=_counted(year).values("pk"))
    rows = (
        qs.values("user_id", "trainee_name", "organisation__name", "region__name")
        .annotate(courses=Count("id"), hours=Sum("hours"))
        .order_by("-hours", "trainee_name")
    )
    return [
        PersonHours(
            r["user_id"],
            r["trainee_name"],
            r["organisation__name"] or "",
            r["region__name"],
            r["courses"],
            r["hours"] or Decimal(0),
        )
        for r in rows
    ]


def hours_by_region(*, user: Any, year: int | None = None) -> list[tuple[str, Decimal, int]]:
    """Training hours and trainees per region one level below the user's own (the
    17 cities for the province; a city's counties), largest first."""
    qs = hours_scope(user=user)
    if year:
        qs = qs.filter(pk__in=_counted(year).values("pk"))
    scope = region_path_of(user) or ""
    top = scope.split("/")[-1] if scope else ""
    children = (
        list(Region.objects.filter(parent_id=top))
        if top
        else list(Region.objects.filter(parent=None))
    )
    totals: dict[str, Decimal] = defaultdict(Decimal)
    people: dict[str, set[int]] = defaultdict(set)
    own = Region.objects.filter(code=top).first() if top else None
    for path, hours, uid in qs.values_list("region__path", "hours", "user_id"):
        for r in children:
            if path == r.path or path.startswith(r.path + "/"):
                totals[r.name] += hours
                people[r.name].add(uid)
                break
        else:
            if own is not None:  # trained at the scope's own level (a city's own staff)
                totals[own.name] += hours
                people[own.name].add(uid)
    rows = [(name, totals[name], len(people[name])) for name in totals]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def hours_by_organisation(org_ids: Iterable[int]) -> dict[int, Decimal]:
    """Training hours earned by the people of each organisation in ``org_ids``.

    For the agencies' directory and the policy conditions: public figures, so
    no user scope. Hours count once attendance is recorded (check-in or
    roll-call) and stop counting if the certificate is revoked; an organisation
    with none is 0.
    """
    ids = [int(i) for i in org_ids]
    out = {i: Decimal(0) for i in ids}
    rows = (
        _counted()
        .filter(organisation_id__in=ids)
        .values("organisation_id")
        .annotate(h=Sum("hours"))
    )
    for r in rows:
        out[r["organisation_id"]] = r["h"] or Decimal(0)
    return out


def registration_keep_get(*, user: Any, registration_id: int) -> Registration:
    """A registration of a course the staff user keeps (404 outside their region)."""
    reg = (
        Registration.objects.select_related("session__course__region", "region")
        .filter(pk=registration_id)
        .first()
    )
    if reg is None:
        raise NotFound("未找到该报名。")
    ensure_in_region(user, reg.session.course.region, message="未找到该报名。")
    return reg


def upcoming(now: dt.datetime | None = None) -> Q:
    """Sessions that have not ended."""
    return Q(ends_at__gte=now or timezone.now())
