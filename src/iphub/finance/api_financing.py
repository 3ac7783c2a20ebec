"""Financing endpoints: products, financing requests (an enterprise asks), and the
banks' answers (each bank its own slot). Thin: schema in, service or selector
call, schema out; the services validate every field with a Chinese message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Form, Router, Schema, Status
from pydantic import Field

from iphub.core.apiauth import AUTH
from iphub.core.apiparams import Limit, ObjectId
from iphub.core.downloads import protected_file_response
from iphub.finance.models import (
    BankAnswer,
    FinancingRequest,
    LoanProduct,
    RequestState,
    SupplementFile,
)
from iphub.finance.selectors import financing as sel
from iphub.finance.services import answers, requests

router = Router(tags=["finance"])

Text = Annotated[str, Field(max_length=40)]
Numbers = Annotated[list[Annotated[str, Field(max_length=30)]], Field(max_length=20)]
Ids = Annotated[list[ObjectId], Field(max_length=20)]


class ProductOut(Schema):
    id: int
    bank: str
    name: str
    rate_min: Decimal
    rate_max: Decimal
    amount_min: Decimal
    amount_max: Decimal
    term_min_months: int
    term_max_months: int
    collateral: list[str]
    regions: list[str]
    materials: str


def _product(p: LoanProduct) -> dict[str, Any]:
    return {
        "id": p.pk,
        "bank": p.bank.name,
        "name": p.name,
        "rate_min": p.rate_min,
        "rate_max": p.rate_max,
        "amount_min": p.amount_min,
        "amount_max": p.amount_max,
        "term_min_months": p.term_min_months,
        "term_max_months": p.term_max_months,
        "collateral": list(p.collateral),
        "regions": list(p.region_codes),
        "materials": p.materials,
    }


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    url: str


def _file(f: SupplementFile) -> dict[str, Any]:
    return {
        "id": f.pk,
        "name": f.original_name,
        "content_type": f.content_type,
        "size": f.size,
        "sha256": f.sha256,
        "uploaded_at": f.uploaded_at,
        "url": f"/api/v1/finance/answers/{f.answer_id}/files/{f.pk}",
    }


class AnswerOut(Schema):
    id: int
    bank: str
    product: str | None
    state: str
    state_label: str
    version: int
    due_at: dt.datetime | None
    late: bool
    first_answer_at: dt.datetime | None
    decline_reason: str
    note: str
    approved_amount: Decimal | None
    approved_rate: Decimal | None
    approved_term_months: int | None
    asked_for: str
    files: list[FileOut]
    actions: list[str]


class RequestOut(Schema):
    id: int
    reference: str
    organisation: str
    region: str
    whitelisted: bool
    amount: Decimal
    term_months: int
    purpose: str
    patents: list[str]
    trademarks: list[str]
    state: str
    state_label: str
    loan_amount: Decimal | None
    loan_bank: str | None
    created_at: dt.datetime
    answers: list[AnswerOut]


def _answer(a: BankAnswer, user: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "bank": a.bank.name,
        "product": a.product.name if a.product else None,
        "state": a.state,
        "state_label": a.get_state_display(),
        "version": a.version,
        "due_at": a.due_at,
        "late": a.late,
        "first_answer_at": a.first_answer_at,
        "decline_reason": a.decline_reason,
        "note": a.note,
        "approved_amount": a.approved_amount,
        "approved_rate": a.approved_rate,
        "approved_term_months": a.approved_term_months,
        "asked_for": sel.asked_for(a),
        "files": [_file(f) for f in sel.slot_files(a)],
        "actions": [x["name"] for x in sel.answer_actions(user, a)],
    }


def _request(r: FinancingRequest, user: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reference": r.reference,
        "organisation": r.organisation.name,
        "region": r.region_id,
        "whitelisted": bool(getattr(r, "whitelisted", False)),
        "amount": r.amount,
        "term_months": r.term_months,
        "purpose": r.purpose,
        "patents": [p.application_number for p in r.patents.all()],
        "trademarks": [m.registration_number for m in r.trademarks.all()],
        "state": r.state,
        "state_label": r.get_state_display(),
        "loan_amount": r.loan_amount,
        "loan_bank": r.loan_bank.name if r.loan_bank else None,
        "created_at": r.created_at,
        "answers": [_answer(a, user) for a in sel.visible_answers(user, r)],
    }


class RequestIn(Schema):
    amount: Text = Field(description="融资金额（元），最多两位小数")
    term_months: Text = Field(description="期限（月），1 到 360")
    purpose: Annotated[str, Field(max_length=300)] = ""
    patents: Numbers = Field(default_factory=list, description="本单位专利的申请号")
    trademarks: Numbers = Field(default_factory=list, description="本单位商标的注册号")
    co_owner_consent: bool = False
    products: Ids = Field(default_factory=list, description="选择的产品编号")
    banks: Ids = Field(default_factory=list, description="选择的银行（组织编号）；都不选时平台推荐")


class AnswerStepIn(Schema):
    version: int | None = Field(default=None, ge=0, le=2**31 - 1)
    reason: Annotated[str, Field(max_length=20)] = ""
    note: Annotated[str, Field(max_length=2000)] = ""
    amount: Text = ""
    rate: Text = ""
    term_months: Text = ""


Action = Literal["accept", "need_more", "decline", "approve", "supplement", "withdraw"]


@router.get("/finance/products", response=list[ProductOut], summary="在售的质押贷款产品", auth=AUTH)
def product_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_product(p) for p in sel.product_list()]


@router.get("/finance/requests", response=list[RequestOut], summary="融资需求", auth=AUTH)
def request_list(
    request: HttpRequest, state: RequestState | None = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    rows = sel.request_list(user=request.user, state=state or "")[:limit]
    return [_request(r, request.user) for r in rows]


@router.post(
    "/finance/requests", response={201: RequestOut}, summary="提出融资需求（企业）", auth=AUTH
)
def request_create(request: HttpRequest, payload: RequestIn) -> Status:
    data = payload.dict()
    data["products"] = [str(i) for i in payload.products]
    data["banks"] = [str(i) for i in payload.banks]
    made = requests.request_create(actor=request.user, data=data)
    return Status(
        201, _request(sel.request_get(user=request.user, request_id=made.pk), request.user)
    )


@router.get(
    "/finance/requests/{request_id}", response=RequestOut, summary="融资需求详情", auth=AUTH
)
def request_detail(request: HttpRequest, request_id: ObjectId) -> dict[str, Any]:
    return _request(sel.request_get(user=request.user, request_id=request_id), request.user)


@router.post(
    "/finance/answers/{answer_id}/{action}",
    response=AnswerOut,
    summary="银行答复：accept/need_more/decline/approve；企业：supplement/withdraw",
    auth=AUTH,
)
def answer_step(
    request: HttpRequest, answer_id: ObjectId, action: Action, payload: AnswerStepIn
) -> dict[str, Any]:
    a = answers.answer_step(
        actor=request.user,
        answer_id=answer_id,
        name=action,
        data=payload.dict(),
        expected_version=payload.version,
    )
    return _answer(a, request.user)


class SupplementIn(Schema):
    version: int | None = Field(default=None, ge=0, le=2**31 - 1)
    note: Annotated[str, Field(max_length=2000)] = ""


@router.post(
    "/finance/answers/{answer_id}/supplement/files",
    response=AnswerOut,
    summary="企业补充材料（multipart：files 可多个，PDF/JPEG/PNG；note 说明），退回银行重新审查",
    auth=AUTH,
)
def answer_supplement(
    request: HttpRequest, answer_id: ObjectId, payload: Form[SupplementIn]
) -> dict[str, Any]:
    a = answers.answer_step(
        actor=request.user,
        answer_id=answer_id,
        name="supplement",
        data=payload.dict(),
        files=request.FILES.getlist("files"),
        expected_version=payload.version,
    )
    return _answer(a, request.user)


@router.get(
    "/finance/answers/{answer_id}/files/{file_id}",
    summary="下载补充材料（该银行、融资企业与所在地区工作人员）",
    auth=AUTH,
)
def answer_file(request: HttpRequest, answer_id: ObjectId, file_id: ObjectId) -> HttpResponseBase:
    f = sel.supplement_file_get(user=request.user, answer_id=answer_id, file_id=file_id)
    return protected_file_response(
        f.file, filename=f.original_name, content_type=f.content_type, as_attachment=True
    )
