"""Programme endpoints: the programmes (with criteria and quota) and the
applications the caller may see (staff: their region's; applicants: their own)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from iphub.core.apiauth import AUTH
from iphub.programmes import selectors

router = Router(tags=["programmes"])


class CriterionOut(Schema):
    key: str
    name: str
    max_score: int
    evidence: str


class ProgrammeOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    year: int
    quota: int
    approved: int
    opens_on: dt.date
    closes_on: dt.date
    confers_tag: str
    term_years: int
    renewable: bool
    criteria: list[CriterionOut]


class ApplicationOut(Schema):
    id: int
    reference: str
    programme_id: int
    organisation: str
    region: str
    state: str
    state_label: str
    city_total: Decimal | None
    province_total: Decimal | None
    submitted_at: dt.datetime
    reject_reason: str


@router.get("/programmes", response=list[ProgrammeOut], auth=AUTH)
def programme_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "kind": p.kind,
            "kind_label": p.get_kind_display(),
            "name": p.name,
            "year": p.year,
            "quota": p.quota,
            "approved": getattr(p, "approved", 0),
            "opens_on": p.opens_on,
            "closes_on": p.closes_on,
            "confers_tag": p.confers_tag,
            "term_years": p.term_years,
            "renewable": p.renewable,
            "criteria": p.criteria,
        }
        for p in selectors.programme_list()[:200]
    ]


@router.get("/programmes/applications", response=list[ApplicationOut], auth=AUTH)
def application_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "reference": a.reference,
            "programme_id": a.programme_id,
            "organisation": a.organisation.name,
            "region": a.region_id,
            "state": a.state,
            "state_label": a.get_state_display(),
            "city_total": a.city_total,
            "province_total": a.province_total,
            "submitted_at": a.submitted_at,
            "reject_reason": a.reject_reason,
        }
        for a in selectors.application_list(user=request.user)[:500]
    ]
