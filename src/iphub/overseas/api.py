"""Overseas endpoints: the user's dispute cases and the figures per country (reads)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from iphub.core.apiauth import AUTH
from iphub.overseas import selectors
from iphub.overseas.countries import country_name

router = Router(tags=["overseas"])


class OverseasCaseOut(Schema):
    id: int
    organisation: str
    country: str
    country_name: str
    kind: str
    opposing_party: str
    state: str
    created_at: dt.datetime


class OverseasCountryOut(Schema):
    country: str
    name: str
    cases: int
    open_cases: int
    by_kind: dict[str, int]
    warnings: int
    experts: int


@router.get("/overseas/cases", response=list[OverseasCaseOut], auth=AUTH, summary="海外纠纷案件")
def case_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "organisation": c.organisation.name,
            "country": c.country,
            "country_name": country_name(c.country),
            "kind": c.kind,
            "opposing_party": c.opposing_party,
            "state": c.state,
            "created_at": c.created_at,
        }
        for c in selectors.case_list(user=request.user)[:500]
    ]


@router.get("/overseas/figures", response=list[OverseasCountryOut], auth=AUTH, summary="分国别数据")
def figures(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "country": r.code,
            "name": r.name,
            "cases": r.cases,
            "open_cases": r.open_cases,
            "by_kind": dict(r.by_kind),
            "warnings": r.warnings,
            "experts": r.experts,
        }
        for r in selectors.country_figures(user=request.user)
    ]
