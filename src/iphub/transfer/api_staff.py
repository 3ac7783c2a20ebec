"""知慧桥 endpoints that change needs, listings, events and deals after posting:
need editing and import, listing withdrawal and revocation, docking events, the
deal list and the deal ↔ filing link. Mounted under the transfer router."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from iphub.core.apiauth import AUTH
from iphub.transfer import selectors, services
from iphub.transfer.models import Deal, DockingEvent

router = Router(tags=["transfer"])


class NeedImportOut(Schema):
    mode: str
    total: int
    created: int
    rejected: bool
    bad_rows: list[dict[str, Any]]
    unknown_columns: list[str]


@router.post(
    "/transfer/needs/import", response=NeedImportOut, auth=AUTH, summary="批量导入技术需求"
)
def need_import(
    request: HttpRequest, file: File[UploadedFile], mode: Form[str] = "all_or_nothing"
) -> dict[str, Any]:
    report = services.need_import(actor=request.user, file=file, mode=mode)
    return {**vars(report), "rejected": report.rejected}


class EventIn(Schema):
    title: str = ""
    industry_chain: str = ""
    ipc_prefixes: list[str] = []
    date: str = ""
    venue: str = ""
    online_url: str = ""
    region: str = ""


class DockingEventOut(Schema):
    id: int
    title: str
    industry_chain: str
    date: dt.date
    venue: str
    online_url: str
    region: str
    status: str


def _event_out(e: DockingEvent) -> dict[str, Any]:
    return {
        "id": e.pk, "title": e.title, "industry_chain": e.industry_chain, "date": e.date,
        "venue": e.venue, "online_url": e.online_url, "region": e.region.name,
        "status": e.status,
    }  # fmt: skip


@router.get("/transfer/events", response=list[DockingEventOut], summary="对接活动")
def event_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_event_out(e) for e in selectors.event_list()[:100]]


@router.post("/transfer/events", response={201: DockingEventOut}, auth=AUTH, summary="创建对接活动")
def event_create(request: HttpRequest, payload: EventIn) -> Any:
    data = payload.dict()
    if not data["region"]:
        data.pop("region")
    return Status(201, _event_out(services.event_create(actor=request.user, data=data)))


class DealRowOut(Schema):
    id: int
    kind: str
    amount: Decimal
    seller: str
    buyer: str
    region: str
    signed_on: dt.date
    patent_ids: list[int]
    filing_id: int | None
    filing_reference: str


def _deal_out(d: Deal) -> dict[str, Any]:
    return {
        "id": d.pk, "kind": d.kind, "amount": d.amount, "seller": d.seller.name,
        "buyer": d.buyer.name, "region": d.region.name, "signed_on": d.signed_on,
        "patent_ids": [p.pk for p in d.patents.all()], "filing_id": d.filing_id,
        "filing_reference": d.filing_reference,
    }  # fmt: skip


class LinkIn(Schema):
    filing_id: int


@router.post(
    "/transfer/deals/{int:deal_id}/filing",
    response=DealRowOut,
    auth=AUTH,
    summary="关联一网通办备案/登记",
)
def deal_link_filing(request: HttpRequest, deal_id: int, payload: LinkIn) -> dict[str, Any]:
    services.deal_link_filing(actor=request.user, deal_id=deal_id, filing_id=payload.filing_id)
    deal = selectors.deal_list(user=request.user).get(pk=deal_id)
    return _deal_out(deal)
