"""知慧桥 endpoints: needs, listings, matches, events, deals. Thin: schema in,
service or selector call, schema out; errors come back as ``{code, message, fields}``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from iphub.core.apiauth import AUTH
from iphub.transfer import selectors, services
from iphub.transfer.api_staff import DealRowOut, _deal_out
from iphub.transfer.models import Match, TechnologyNeed

router = Router(tags=["transfer"])


class NeedIn(Schema):
    title: str = ""
    description: str = ""
    industry_chain: str = ""
    ipc_codes: list[str] = []
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    preferred_forms: list[str] = []
    deadline: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    organisation_id: int | None = None


class NeedOut(Schema):
    id: int
    title: str
    description: str
    organisation: str
    region: str
    industry_chain: str
    ipc_codes: list[str]
    budget_min: Decimal | None
    budget_max: Decimal | None
    preferred_forms: list[str]
    deadline: dt.date
    status: str
    contact_name: str
    contact_phone: str


def _need_out(request: HttpRequest, n: TechnologyNeed) -> dict[str, Any]:
    contact = selectors.need_contact(request.user, n)
    return {
        **{f: getattr(n, f) for f in NeedOut.model_fields if hasattr(n, f)},
        "organisation": n.organisation.name,
        "region": n.region.name,
        "contact_name": contact["name"],
        "contact_phone": contact["phone"],
    }


@router.get("/transfer/needs", response=list[NeedOut], summary="需求大厅（联系人脱敏）")
def need_hall(
    request: HttpRequest,
    q: str = "",
    form: str = "",
    ipc: str = "",
    chain: str = "",
    city: str = "",
) -> list[dict[str, Any]]:
    qs = selectors.need_hall(q=q, form=form, ipc=ipc, chain=chain, city=city)[:100]
    return [_need_out(request, n) for n in qs]


@router.post("/transfer/needs", response={201: NeedOut}, auth=AUTH, summary="发布技术需求")
def need_create(request: HttpRequest, payload: NeedIn) -> Any:
    data = payload.dict(exclude={"organisation_id"})
    need = services.need_create(
        actor=request.user, data=data, organisation_id=payload.organisation_id
    )
    return Status(201, _need_out(request, need))


@router.get("/transfer/needs/{int:need_id}", response=NeedOut, summary="技术需求详情")
def need_detail(request: HttpRequest, need_id: int) -> dict[str, Any]:
    return _need_out(request, selectors.need_get(user=request.user, need_id=need_id))


class RenewIn(Schema):
    deadline: str


@router.post("/transfer/needs/{int:need_id}/renew", response=NeedOut, auth=AUTH, summary="续期")
def need_renew(request: HttpRequest, need_id: int, payload: RenewIn) -> dict[str, Any]:
    need = services.need_renew(actor=request.user, need_id=need_id, deadline=payload.deadline)
    return _need_out(request, need)


class MatchOut(Schema):
    id: int
    need_id: int
    patent_id: int
    patent_title: str
    listing_id: int | None
    score: float
    stage: str
    components: dict[str, float]
    reasons: dict[str, Any]


def _match_out(m: Match) -> dict[str, Any]:
    return {
        "id": m.pk,
        "need_id": m.need_id,
        "patent_id": m.patent_id,
        "patent_title": m.patent.title,
        "listing_id": m.listing_id,
        "score": m.score,
        "stage": m.stage,
        "components": m.components,
        "reasons": m.reasons,
    }


@router.get(
    "/transfer/needs/{int:need_id}/matches",
    response=list[MatchOut],
    auth=AUTH,
    summary="需求的匹配结果（附匹配理由）",
)
def need_matches(request: HttpRequest, need_id: int) -> list[dict[str, Any]]:
    need = selectors.need_get(user=request.user, need_id=need_id)
    if not selectors.can_manage_need(request.user, need):
        from iphub.core.errors import AccessDenied

        raise AccessDenied()
    return [_match_out(m) for m in selectors.match_list_for_need(user=request.user, need=need)]


class ActionIn(Schema):
    message: str = ""


@router.post(
    "/transfer/matches/{int:match_id}/{action}",
    response=MatchOut,
    auth=AUTH,
    summary="匹配操作：contact（请求联系）/ accept / reject",
)
def match_action(
    request: HttpRequest, match_id: int, action: str, payload: ActionIn
) -> dict[str, Any]:
    from iphub.core.errors import ApplicationError

    ops = {
        "contact": lambda: services.match_request_contact(
            actor=request.user, match_id=match_id, message=payload.message
        ),
        "accept": lambda: services.match_accept(actor=request.user, match_id=match_id),
        "reject": lambda: services.match_reject(
            actor=request.user, match_id=match_id, reason=payload.message
        ),
    }
    if action not in ops:
        raise ApplicationError("操作只能是 contact、accept 或 reject。", status=404)
    return _match_out(ops[action]())


class ListingIn(Schema):
    title: str = ""
    description: str = ""
    mode: str = ""
    licence_forms: list[str] = []
    asking_price: Decimal | None = None
    fee_standard: str = ""
    payment_method: str = ""
    term_end: str = ""
    evaluation_report: str = ""
    pledgee_consent: bool = False
    patent_ids: list[int] = []


class ListingOut(Schema):
    id: int
    title: str
    organisation: str
    mode: str
    status: str
    flags: list[str]
    patent_ids: list[int]
    fee_standard: str
    payment_method: str
    term_end: dt.date | None


def _listing_out(listing: Any) -> dict[str, Any]:
    return {
        "id": listing.pk,
        "title": listing.title,
        "organisation": listing.organisation.name,
        "mode": listing.mode,
        "status": listing.status,
        "flags": listing.flags,
        "patent_ids": [i.patent_id for i in listing.items.all()],
        "fee_standard": listing.fee_standard,
        "payment_method": listing.payment_method,
        "term_end": listing.term_end,
    }


@router.get("/transfer/listings", response=list[ListingOut], summary="供给大厅")
def listing_hall(request: HttpRequest, q: str = "", mode: str = "") -> list[dict[str, Any]]:
    return [_listing_out(x) for x in selectors.listing_hall(q=q, mode=mode)[:100]]


@router.post("/transfer/listings", response={201: ListingOut}, auth=AUTH, summary="挂牌专利")
def listing_create(request: HttpRequest, payload: ListingIn) -> Any:
    data = payload.dict(exclude={"patent_ids"})
    listing = services.listing_create(actor=request.user, data=data, patent_ids=payload.patent_ids)
    return Status(201, _listing_out(listing))


class FunnelOut(Schema):
    stage: str
    label: str
    count: int


@router.get("/transfer/funnel", response=list[FunnelOut], auth=AUTH, summary="对接漏斗")
def funnel(request: HttpRequest) -> list[Any]:
    return [vars(s) for s in selectors.match_funnel(user=request.user)]


class DealIn(Schema):
    kind: str
    amount: str
    signed_on: str
    term_end: str = ""
    seller_id: int
    buyer_id: int
    patent_ids: list[int]
    match_id: int | None = None
    event_id: int | None = None
    filing_reference: str = ""
    filing_id: int | None = None


class DealOut(Schema):
    id: int
    kind: str
    amount: Decimal
    signed_on: dt.date


@router.post("/transfer/deals", response={201: DealOut}, auth=AUTH, summary="登记成交")
def deal_create(request: HttpRequest, payload: DealIn) -> Any:
    deal = services.deal_record(
        actor=request.user,
        data=payload.dict(),
        seller_id=payload.seller_id,
        buyer_id=payload.buyer_id,
        patent_ids=payload.patent_ids,
        match_id=payload.match_id,
        event_id=payload.event_id,
        filing_id=payload.filing_id,
    )
    return Status(201, deal)


@router.get("/transfer/deals", response=list[DealRowOut], auth=AUTH, summary="成交明细")
def deal_list(request: HttpRequest) -> list[dict[str, Any]]:
    # Beside the POST above: ninja serves one path from one router.
    return [_deal_out(d) for d in selectors.deal_list(user=request.user)[:500]]


class DealStatOut(Schema):
    month: str
    region: str
    region_name: str
    count: int
    amount: Decimal


@router.get(
    "/transfer/deals/stats",
    response=list[DealStatOut],
    auth=AUTH,
    summary="成交统计（地区×月份）",
)
def deal_stats(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.deal_stats(user=request.user)


@router.put("/transfer/needs/{int:need_id}", response=NeedOut, auth=AUTH, summary="修改技术需求")
def need_update(request: HttpRequest, need_id: int, payload: NeedIn) -> dict[str, Any]:
    data = payload.dict(exclude={"organisation_id"})
    return _need_out(request, services.need_update(actor=request.user, need_id=need_id, data=data))


@router.post(
    "/transfer/listings/{int:listing_id}/withdraw",
    response=ListingOut,
    auth=AUTH,
    summary="撤回挂牌",
)
def listing_withdraw(request: HttpRequest, listing_id: int) -> dict[str, Any]:
    return _listing_out(services.listing_withdraw(actor=request.user, listing_id=listing_id))


class RevokeIn(Schema):
    reason: str = ""


@router.post(
    "/transfer/listings/{int:listing_id}/revoke",
    response=ListingOut,
    auth=AUTH,
    summary="撤回开放许可声明",
)
def listing_revoke(request: HttpRequest, listing_id: int, payload: RevokeIn) -> dict[str, Any]:
    listing = services.listing_revoke(
        actor=request.user, listing_id=listing_id, reason=payload.reason
    )
    return _listing_out(listing)


def _mount() -> None:
    # Editing, import, events and deal records live in api_staff.py (file size);
    # they share this router's mount point.
    from iphub.transfer.api_similar import router as similar_router
    from iphub.transfer.api_staff import router as staff_router

    router.add_router("", staff_router)
    router.add_router("", similar_router)


_mount()
