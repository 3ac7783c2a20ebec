"""Policy library endpoints: search (public) and the caller's organisation's
qualifying policies, each condition explained."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from iphub.core.apiauth import AUTH
from iphub.policies import selectors

router = Router(tags=["policies"])


class PolicyOut(Schema):
    id: int
    title: str
    level: str
    issuing_body: str
    document_number: str
    issued_on: dt.date
    validity: str
    region: str
    is_support: bool


class CheckOut(Schema):
    kind: str
    label: str
    met: bool
    explanation: str


class QualificationOut(Schema):
    policy: PolicyOut
    qualifies: bool
    checks: list[CheckOut]


def _policy(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "level": p.level,
        "issuing_body": p.issuing_body,
        "document_number": p.document_number,
        "issued_on": p.issued_on,
        "validity": p.validity,
        "region": p.region.name,
        "is_support": p.is_support,
    }


@router.get("/policies", response=list[PolicyOut], auth=None)
def policies(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """The library (newest first), or the full-text matches of ``q`` (words or 文号)."""
    return [_policy(p) for p in selectors.policy_list(q=q[:200]).policies]


@router.get("/policies/qualifying", response=list[QualificationOut], auth=AUTH)
def qualifying(request: HttpRequest) -> list[dict[str, Any]]:
    """Subsidy and reward policies the caller's organisation appears to qualify for."""
    org = selectors.organisation_of(request.user)
    return [
        {
            "policy": _policy(q.policy),
            "qualifies": q.qualifies,
            "checks": [c.__dict__ for c in q.checks],
        }
        for q in selectors.qualifying_policies(org)
    ]
