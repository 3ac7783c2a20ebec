"""Finance endpoints: pledge-financing totals, risk-compensation funds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from iphub.core.apiauth import AUTH
from iphub.core.apiparams import Year
from iphub.finance import selectors, services

router = Router(tags=["finance"])


class TotalGroupOut(Schema):
    label: str
    count: int
    amount: Decimal


class TotalsOut(Schema):
    available: bool
    note: str
    by_bank: list[TotalGroupOut]
    by_region: list[TotalGroupOut]
    by_month: list[TotalGroupOut]
    by_industry: list[TotalGroupOut]


class FundIn(Schema):
    region: str
    name: str
    size: Decimal
    established_on: dt.date
    manager: str = ""


class FundOut(Schema):
    id: int
    region: str
    name: str
    size: Decimal
    established_on: dt.date
    claims_count: int
    claims_amount: Decimal


def _groups(rows: list[tuple[str, int, Decimal]]) -> list[dict[str, Any]]:
    return [{"label": label, "count": n, "amount": a} for label, n, a in rows]


@router.get("/finance/pledges", response=TotalsOut, auth=AUTH)
def pledge_totals(request: HttpRequest, year: Year | None = None) -> dict[str, Any]:
    t = selectors.pledge_totals(user=request.user, year=year)
    return {
        "available": t.available,
        "note": t.note,
        "by_bank": _groups(t.by_bank),
        "by_region": _groups(t.by_region),
        "by_month": _groups(t.by_month),
        "by_industry": _groups(t.by_industry),
    }


@router.get("/finance/funds", response=list[FundOut], auth=AUTH)
def fund_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": f.pk,
            "region": f.region_id,
            "name": f.name,
            "size": f.size,
            "established_on": f.established_on,
            "claims_count": getattr(f, "claims_count", 0),
            "claims_amount": getattr(f, "claims_amount", 0),
        }
        for f in selectors.fund_list(user=request.user)
    ]


@router.post("/finance/funds", response=FundOut, auth=AUTH)
def fund_create(request: HttpRequest, payload: FundIn) -> dict[str, Any]:
    f = services.fund_create(actor=request.user, data=payload.dict())
    return {
        "id": f.pk,
        "region": f.region_id,
        "name": f.name,
        "size": f.size,
        "established_on": f.established_on,
        "claims_count": 0,
        "claims_amount": Decimal(0),
    }


# Financing requests, products and bank answers (issue 22) live in their own module.
from iphub.finance.api_financing import router as financing_router  # noqa: E402

router.add_router("", financing_router)
