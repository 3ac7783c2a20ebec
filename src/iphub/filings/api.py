"""Filings endpoints: catalogue, submit (multipart: form fields + material files),
lists, the review steps, the board, and public verification of a notice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Form, Router, Schema, Status

from iphub.core.apiauth import AUTH
from iphub.core.apiparams import Limit, ObjectId, Offset
from iphub.filings import catalogue, selectors, services, workflow
from iphub.filings.models import Filing
from iphub.filings.notices import notice_lines

router = Router(tags=["filings"])


class ServiceOut(Schema):
    code: str
    name: str
    kind: str | None
    operation: str
    online: bool
    legal_basis: str
    materials: list[dict[str, Any]]
    time_limit_days: int
    fee: str
    office: str
    level: str


class FilingOut(Schema):
    id: int
    reference: str
    kind: str
    operation: str
    state: str
    state_label: str
    version: int
    region: str
    organisation: str
    application_number: str
    holder_name: str
    counterparty_name: str
    amount: Decimal | None
    term_start: dt.date | None
    term_end: dt.date | None
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    decided_at: dt.datetime | None
    escalated_to: str | None
    handled_by_name: str
    return_reasons: str
    refusal_ground: str
    registration_number: str | None
    actions: list[str]


def _out(filing: Filing, user: Any) -> dict[str, Any]:
    return {
        "id": filing.pk,
        "reference": filing.reference,
        "kind": filing.kind,
        "operation": filing.operation,
        "state": filing.state,
        "state_label": filing.get_state_display(),
        "version": filing.version,
        "region": filing.region_id,
        "organisation": filing.organisation.name,
        "application_number": filing.application_number,
        "holder_name": filing.holder_name,
        "counterparty_name": filing.counterparty_name,
        "amount": filing.amount,
        "term_start": filing.term_start,
        "term_end": filing.term_end,
        "submitted_at": filing.submitted_at,
        "due_at": filing.due_at,
        "decided_at": filing.decided_at,
        "escalated_to": filing.escalated_to_id,
        "handled_by_name": filing.handled_by_name,
        "return_reasons": filing.return_reasons,
        "refusal_ground": filing.refusal_ground,
        "registration_number": filing.registration_number,
        "actions": [t.name for t in workflow.available(user, filing)],
    }


class PledgeIn(Schema):
    application_number: str
    pledgee: str
    debt_amount: str
    debt_start: str
    debt_end: str
    debt_type: str
    guarantee_scope: str
    pledgor: str = ""
    co_owner_consent: bool = False
    has_valuation: bool = False
    draft: bool = False
    idempotency_key: str = ""
    # Where the form was opened from (e.g. "financing:<bank answer id>" for a
    # pledge following a bank's approved loan); stored, never read by filings.
    origin: str = Field(default="", max_length=50)


class LicenceIn(Schema):
    application_number: str
    licensee: str
    licence_type: str
    licence_start: str
    licence_end: str
    contract_effective: str
    fee: str = ""
    licensor: str = ""
    co_owner_consent: bool = False
    pledgee_consent: bool = False
    draft: bool = False
    idempotency_key: str = ""


class TrademarkPledgeIn(Schema):
    trademark_number: str
    trademark_name: str
    trademark_classes: str
    valid_until: str
    pledgee: str
    debt_amount: str
    debt_start: str
    debt_end: str
    debt_type: str
    pledgor: str = ""
    joint_application: bool = False
    similar_marks_included: bool = False
    draft: bool = False
    # Where the form was opened from (e.g. "financing:<bank answer id>" for a
    # pledge following a bank's approved loan); stored, never read by filings.
    origin: str = Field(default="", max_length=50)
    idempotency_key: str = ""


class TrademarkAmendIn(Schema):
    registration_number: str
    reason: str
    pledgee: str = ""
    debt_amount: str = ""
    debt_end: str = ""
    idempotency_key: str = ""


class TransferIn(Schema):
    application_number: str
    transferee: str
    contract_date: str
    price: str = ""
    transferor: str = ""
    transferee_foreign: bool = False
    co_owner_consent: bool = False
    pledgee_consent: bool = False
    draft: bool = False
    idempotency_key: str = ""


class ProductIn(Schema):
    application_number: str
    product_name: str
    relation: str
    product_model: str = ""
    annual_output: str = ""
    draft: bool = False
    idempotency_key: str = ""


class FilingStepIn(Schema):
    version: int | None = None
    reasons: str = ""
    ground: str = ""
    note: str = ""


def _key(request: HttpRequest, payload: Any) -> str:
    return str(request.headers.get("Idempotency-Key") or payload.idempotency_key or "")


def _files(request: HttpRequest) -> dict[str, list[Any]]:
    return {k: request.FILES.getlist(k) for k in request.FILES}


@router.get("/filings/catalogue", response=list[ServiceOut], summary="事项清单", auth=None)
def catalogue_list(request: HttpRequest, q: str = "", level: str = "") -> list[dict[str, Any]]:
    return [
        {
            "code": s.code,
            "name": s.name,
            "kind": s.kind,
            "operation": s.operation,
            "online": s.online,
            "legal_basis": s.legal_basis,
            "materials": [
                {"code": m.code, "name": m.name, "required": m.required} for m in s.materials
            ],
            "time_limit_days": s.time_limit_days,
            "fee": s.fee,
            "office": s.office,
            "level": s.level,
        }
        for s in catalogue.service_search(q, level=level)
    ]


def _submit(service: Any, request: HttpRequest, payload: Any) -> Status:
    """Call a ``<kind>_submit`` service with the form, files and idempotency key."""
    filing = service(
        actor=request.user,
        data=payload.dict(),
        documents=_files(request),
        idempotency_key=_key(request, payload),
        submit=not payload.draft,
    )
    return Status(201, _out(filing, request.user))


@router.post(
    "/filings/pledges",
    response={201: FilingOut},
    summary="提交专利权质押登记（设立）",
    auth=AUTH,
)
def pledge_create(request: HttpRequest, payload: Form[PledgeIn]) -> Status:
    return _submit(services.pledge_submit, request, payload)


@router.post(
    "/filings/licences", response={201: FilingOut}, summary="提交专利实施许可合同备案", auth=AUTH
)
def licence_create(request: HttpRequest, payload: Form[LicenceIn]) -> Status:
    return _submit(services.licence_submit, request, payload)


@router.post(
    "/filings/trademark-pledges",
    response={201: FilingOut},
    summary="提交商标专用权质权登记（设立）",
    auth=AUTH,
)
def trademark_pledge_create(request: HttpRequest, payload: Form[TrademarkPledgeIn]) -> Status:
    return _submit(services.trademark_pledge_submit, request, payload)


@router.post(
    "/filings/trademark-pledges/{operation}",
    response={201: FilingOut},
    summary="商标专用权质权登记变更（change）、延期（extend）、注销（cancel）",
    auth=AUTH,
)
def trademark_pledge_amend(
    request: HttpRequest, operation: str, payload: Form[TrademarkAmendIn]
) -> Status:
    filing = services.trademark_pledge_amend_submit(
        actor=request.user,
        operation=operation,
        data=payload.dict(),
        documents=_files(request),
        idempotency_key=_key(request, payload),
    )
    return Status(201, _out(filing, request.user))


@router.post(
    "/filings/transfers", response={201: FilingOut}, summary="提交专利权转让登记", auth=AUTH
)
def transfer_create(request: HttpRequest, payload: Form[TransferIn]) -> Status:
    return _submit(services.transfer_submit, request, payload)


@router.post("/filings/products", response={201: FilingOut}, summary="提交专利产品备案", auth=AUTH)
def product_create(request: HttpRequest, payload: Form[ProductIn]) -> Status:
    return _submit(services.product_submit, request, payload)


@router.post(
    "/filings/{filing_id}/draft",
    response=FilingOut,
    summary="保存草稿（表单字段与材料，同设立申请）",
    auth=AUTH,
)
def filing_draft_save(request: HttpRequest, filing_id: ObjectId) -> dict[str, Any]:
    filing = services.filing_draft_update(
        actor=request.user, filing_id=filing_id, data=request.POST, documents=_files(request)
    )
    return _out(filing, request.user)


@router.get(
    "/filings",
    response=list[FilingOut],
    summary="可见的办件（申请人：本单位；窗口：辖区）",
    auth=AUTH,
)
def filing_list(
    request: HttpRequest, state: str = "", kind: str = "", limit: Limit = 50, offset: Offset = 0
) -> list[dict[str, Any]]:
    qs = selectors.filing_list(user=request.user, state=state, kind=kind)
    return [_out(f, request.user) for f in qs[offset : offset + limit]]


@router.get("/filings/queue", response=list[FilingOut], summary="待办队列（按办理时限）", auth=AUTH)
def filing_queue(request: HttpRequest, limit: Limit = 100) -> list[dict[str, Any]]:
    qs = selectors.filing_queue(user=request.user)[:limit]
    return [_out(f, request.user) for f in qs]


@router.get("/filings/board", summary="办理时限看板", auth=AUTH)
def filing_board(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "region": r.region.code,
            "region_name": r.region.name,
            "due_today": [f.pk for f in r.due_today],
            "at_risk": [f.pk for f in r.at_risk],
            "overdue": [f.pk for f in r.overdue],
        }
        for r in selectors.filing_board(user=request.user)
    ]


@router.get("/filings/verify/{code}", summary="核验登记通知书", auth=None)
def filing_verify(request: HttpRequest, code: str) -> dict[str, Any]:
    filing = selectors.filing_by_code(code)
    return {
        "registration_number": filing.registration_number,
        "state": filing.state,
        "valid": workflow.notice_valid(filing),
        "lines": [{"label": k, "value": v} for k, v in notice_lines(filing)],
    }


@router.get("/filings/{filing_id}", response=FilingOut, summary="办件详情", auth=AUTH)
def filing_detail(request: HttpRequest, filing_id: int) -> dict[str, Any]:
    return _out(selectors.filing_get(user=request.user, filing_id=filing_id), request.user)


@router.post(
    "/filings/{filing_id}/{action}",
    response=FilingOut,
    summary="办理：accept/return/approve/refuse/withdraw；申请人提交草稿：submit",
    auth=AUTH,
)
def filing_step(
    request: HttpRequest, filing_id: int, action: str, payload: FilingStepIn
) -> dict[str, Any]:
    common: dict[str, Any] = {"actor": request.user, "filing_id": filing_id}
    version: dict[str, Any] = {"expected_version": payload.version}
    if action == "accept":
        filing = services.filing_accept(**common, **version)
    elif action == "approve":
        filing = services.filing_approve(**common, **version)
    elif action == "return":
        filing = services.filing_return(**common, **version, reasons=payload.reasons)
    elif action == "refuse":
        filing = services.filing_refuse(
            **common, **version, ground=payload.ground, note=payload.note
        )
    elif action == "withdraw":
        filing = services.filing_withdraw(**common)
    elif action == "submit":
        filing = services.filing_submit(**common)
    else:
        from iphub.core.errors import NotFound

        raise NotFound("没有该办理操作。")
    return _out(filing, request.user)
