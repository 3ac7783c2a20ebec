"""Training endpoints: published courses, the user's registrations, certificate
verification (public) and training hours per region (staff)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from iphub.core.apiauth import AUTH
from iphub.core.apiparams import Year
from iphub.training import selectors, workflow

router = Router(tags=["training"])


class SessionOut(Schema):
    id: int
    mode: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    capacity: int
    seats_left: int
    registration_deadline: dt.datetime


class CourseOut(Schema):
    id: int
    title: str
    region: str
    hours: Decimal
    audience: list[str]
    sessions: list[SessionOut]


class RegistrationOut(Schema):
    id: int
    course: str
    session_id: int
    state: str
    hours: Decimal
    certificate_number: str | None


class CertificateOut(Schema):
    valid: bool
    certificate_number: str
    trainee: str
    course: str
    hours: Decimal
    certified_at: dt.datetime | None


class RegionHoursOut(Schema):
    region: str
    hours: Decimal
    trainees: int


@router.get("/training/courses", response=list[CourseOut], auth=None)
def courses(request: HttpRequest) -> list[dict[str, Any]]:
    """Published courses with their sessions and seats left."""
    items = list(selectors.course_public_list())
    taken = selectors.seats_by_session(s.pk for c in items for s in c.sessions.all())
    return [
        {
            "id": c.pk,
            "title": c.title,
            "region": c.region.name,
            "hours": c.hours,
            "audience": list(c.audience),
            "sessions": [
                {
                    "id": s.pk,
                    "mode": s.mode,
                    "starts_at": s.starts_at,
                    "ends_at": s.ends_at,
                    "place": s.place,
                    "capacity": s.capacity,
                    "seats_left": max(0, s.capacity - taken.get(s.pk, 0)),
                    "registration_deadline": s.registration_deadline,
                }
                for s in c.sessions.all()
            ],
        }
        for c in items
    ]


@router.get("/training/registrations", response=list[RegistrationOut], auth=AUTH)
def my_registrations(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own registrations."""
    return [
        {
            "id": r.pk,
            "course": r.session.course.title,
            "session_id": r.session_id,
            "state": r.state,
            "hours": r.hours,
            "certificate_number": r.certificate_number,
        }
        for r in selectors.my_registrations(user=request.user)
    ]


@router.get("/training/certificates/{code}", response=CertificateOut, auth=None)
def certificate(request: HttpRequest, code: str) -> dict[str, Any]:
    """Verify a certificate by its code (public): 404 for an unknown code."""
    r = selectors.registration_by_code(code)
    return {
        "valid": workflow.certificate_valid(r),
        "certificate_number": r.certificate_number or "",
        "trainee": r.trainee_name,
        "course": r.session.course.title,
        "hours": r.hours,
        "certified_at": r.certified_at,
    }


@router.get("/training/hours", response=list[RegionHoursOut], auth=AUTH)
def hours(request: HttpRequest, year: Year | None = None) -> list[dict[str, Any]]:
    """Training hours per region below the caller's own (staff only)."""
    return [
        {"region": name, "hours": h, "trainees": n}
        for name, h, n in selectors.hours_by_region(user=request.user, year=year)
    ]
