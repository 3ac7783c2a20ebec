"""Brands endpoints: trademark search and the public GI register (reads)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from iphub.brands import selectors
from iphub.brands.models import IndicationKind
from iphub.brands.search_index import TrademarkQuery
from iphub.core.apiparams import ObjectId
from iphub.core.errors import field_error

router = Router(tags=["brands"])

NiceClass = Annotated[int, Field(ge=1, le=45, description="尼斯分类类号，1 到 45")]
Page = Annotated[int, Field(ge=1, le=500, description="页码，1 到 500")]


class TrademarkOut(Schema):
    registration_number: str
    name: str
    nice_classes: list[int]
    owner: str
    mark_type: str
    status: str
    reg_date: dt.date | None


class TrademarkSearchOut(Schema):
    total: int
    page: int
    num_pages: int
    marks: list[TrademarkOut]


@router.get(
    "/brands/trademarks",
    response=TrademarkSearchOut,
    summary="商标检索",
    description="name、owner 按中文词语检索（各词须同时出现）；number 为完整注册号；"
    "mark_type：ordinary 普通、collective 集体、certification 证明、gi 地理标志。",
)
def trademark_search(
    request: HttpRequest,
    name: Annotated[str, Field(max_length=100)] = "",
    number: Annotated[str, Field(max_length=20)] = "",
    nice_class: NiceClass | None = None,
    owner: Annotated[str, Field(max_length=100)] = "",
    mark_type: Annotated[str, Field(max_length=16)] = "",
    page: Page = 1,
) -> dict[str, Any]:
    from iphub.patents.models import TrademarkType

    if mark_type and mark_type not in TrademarkType.values:
        raise field_error("mark_type", "商标类型应为 ordinary、collective、certification 或 gi。")
    query = TrademarkQuery(name, number, nice_class, owner, mark_type)
    if query.empty:
        raise field_error("name", "请至少填写一个检索条件。")
    result = selectors.trademark_search(query, page=page)
    return {
        "total": result.total,
        "page": result.page,
        "num_pages": result.num_pages,
        "marks": result.marks,
    }


class UserOut(Schema):
    organisation: str
    region: str
    valid_from: dt.date
    valid_until: dt.date


class IndicationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    product: str
    region: str
    approval_number: str
    approval_date: dt.date


class IndicationDetailOut(IndicationOut):
    holder: str
    areas: list[str]
    area_note: str
    rules: str
    current_users: list[UserOut]


def _entry(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.name,
        "kind": e.kind,
        "kind_label": str(e.get_kind_display()),
        "product": e.product,
        "region": e.region.name,
        "approval_number": e.approval_number,
        "approval_date": e.approval_date,
    }


@router.get("/brands/indications", response=list[IndicationOut], summary="地理标志与集体、证明商标")
def indication_list(
    request: HttpRequest, kind: Annotated[str, Field(max_length=16)] = ""
) -> list[dict[str, Any]]:
    if kind and kind not in IndicationKind.values:
        raise field_error("kind", "类别应为 gi_product、gi_mark、collective 或 certification。")
    return [_entry(e) for e in selectors.indication_public_list(kind=kind)]


@router.get(
    "/brands/indications/{indication_id}",
    response=IndicationDetailOut,
    summary="地理标志详情及当前使用单位",
)
def indication_detail(request: HttpRequest, indication_id: ObjectId) -> dict[str, Any]:
    e = selectors.indication_get(user=request.user, indication_id=indication_id)
    return {
        **_entry(e),
        "holder": e.holder,
        "areas": [a.name for a in e.areas.all()],
        "area_note": e.area_note,
        "rules": e.rules,
        "current_users": [
            {
                "organisation": u.organisation.name,
                "region": u.organisation.region.name,
                "valid_from": u.valid_from,
                "valid_until": u.valid_until,
            }
            for u in selectors.current_users(indication=e)
        ],
    }
