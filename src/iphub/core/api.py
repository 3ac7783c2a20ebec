"""Core endpoints: the signed-in user, regions, organisations, audit log, calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, field_validator

from iphub.core import audit_labels, calendar, selectors, services
from iphub.core.apiauth import AUTH
from iphub.core.apiparams import ObjectId, Pagination
from iphub.core.models import AuditEntry
from iphub.core.selectors import OrganisationRow

router = Router(tags=["core"])


class MeOut(Schema):
    username: str
    role: str
    role_label: str
    region_code: str | None
    organisation_id: int | None


@router.get("/me", response=MeOut, auth=AUTH, summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "username": user.username,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "region_code": user.region_id,
        "organisation_id": user.organisation_id,
    }


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None
    longitude: float | None
    latitude: float | None


@router.get("/regions", response=list[RegionOut], summary="行政区划列表")
def regions(request: HttpRequest, level: str = "", parent: str = "") -> Any:
    return list(selectors.region_list(level=level or None, parent=parent or None))


class ContainsOut(Schema):
    ancestor: str
    code: str
    contains: bool


@router.get("/regions/{ancestor}/contains/{code}", response=ContainsOut, summary="区划包含判断")
def region_contains(request: HttpRequest, ancestor: str, code: str) -> dict[str, Any]:
    selectors.region_get(ancestor)
    selectors.region_get(code)
    return {
        "ancestor": ancestor,
        "code": code,
        "contains": selectors.region_contains(ancestor, code),
    }


class OrganisationOut(Schema):
    id: int
    name: str
    uscc: str
    kind: str
    kind_label: str
    tags: list[str]
    region_code: str
    region_name: str
    contact_name: str
    contact_phone: str
    contact_id_number: str


class OrganisationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    uscc: str | None = None
    kind: str
    region: str = Field(min_length=6, max_length=6)
    tags: list[str] = []
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_id_number: str = ""

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        from iphub.core.errors import ApplicationError
        from iphub.core.validators import validate_uscc

        if not value:
            return None
        try:
            return validate_uscc(value)
        except ApplicationError as exc:
            raise ValueError(exc.message) from None


@router.get("/organisations", response=list[OrganisationOut], auth=AUTH, summary="组织列表")
@paginate(Pagination)
def organisations(
    request: HttpRequest, q: str = "", kind: str = "", region: str = "", tag: str = ""
) -> list[OrganisationRow]:
    qs = selectors.organisation_list(user=request.user, q=q, kind=kind, region=region, tag=tag)
    return [selectors.organisation_row(o) for o in qs[:1000]]


@router.get("/organisations/{org_id}", response=OrganisationOut, auth=AUTH, summary="组织详情")
def organisation_detail(request: HttpRequest, org_id: int) -> OrganisationRow:
    org = selectors.organisation_get(user=request.user, organisation_id=org_id)
    return selectors.organisation_row(org)


@router.post("/organisations", response={201: OrganisationOut}, auth=AUTH, summary="登记组织")
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Any:
    from iphub.core.permissions import require_roles

    require_roles(request.user, "window", "supervisor")
    org = services.organisation_create(
        actor=request.user,  # type: ignore[arg-type]
        data=payload.dict(),
    )
    return Status(201, selectors.organisation_row(org))


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor_name: str
    ip: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    outcome: str
    action_label: str

    # Codes stay codes for programs; personal data is masked as on every page (PIPL).
    @staticmethod
    def resolve_object_repr(obj: AuditEntry) -> str:
        return audit_labels.mask_text(obj.object_repr)

    @staticmethod
    def resolve_before(obj: AuditEntry) -> Any:
        return audit_labels.masked(obj.before)

    @staticmethod
    def resolve_after(obj: AuditEntry) -> Any:
        return audit_labels.masked(obj.after)

    @staticmethod
    def resolve_action_label(obj: AuditEntry) -> str:
        return audit_labels.action_label(obj.action, obj.object_type)


@router.get("/audit", response=list[AuditOut], auth=AUTH, summary="审计日志")
@paginate(Pagination)
def audit(request: HttpRequest, q: str = "", action: str = "", actor: str = "") -> Any:
    return selectors.audit_list(
        user=request.user,
        q=q,
        action=action,
        actor=actor,
    )


class WorkingDaysOut(Schema):
    start: dt.date
    days: int
    result: dt.date
    authoritative: bool


@router.get("/calendar/add-working-days", response=WorkingDaysOut, summary="工作日推算")
def add_working_days(request: HttpRequest, start: dt.date, days: int) -> dict[str, Any]:
    from iphub.core.errors import ApplicationError

    if not 0 <= days <= 365:
        raise ApplicationError(
            "工作日天数应在 0 到 365 之间。", fields={"days": "工作日天数应在 0 到 365 之间。"}
        )
    result = calendar.add_working_days(start, days)
    return {
        "start": start,
        "days": days,
        "result": result,
        "authoritative": calendar.is_authoritative(result),
    }


class TokenOut(Schema):
    id: int
    name: str
    scope: str
    scope_label: str
    status: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_scope_label(obj: Any) -> str:
        return str(obj.get_scope_display())

    @staticmethod
    def resolve_status(obj: Any) -> str:
        from iphub.core.tokens import api_token_status

        return api_token_status(obj)


class TokenCreatedOut(TokenOut):
    token: str = Field(description="令牌本身，只在创建时返回这一次，请立即保存。")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="用途，例如“数据同步脚本”")
    scope: str = Field("read", description="read（只读）或 write（读写）")
    days: int | None = Field(None, description="有效天数，默认 90，最长 365")


@router.get("/tokens", response=list[TokenOut], auth=AUTH, summary="我的 API 令牌")
def token_list(request: HttpRequest) -> Any:
    from iphub.core.tokens import api_token_list

    return list(api_token_list(user=request.user))


@router.post("/tokens", response={201: TokenCreatedOut}, auth=AUTH, summary="创建 API 令牌")
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    from iphub.core.tokens import api_token_create

    # A token issued through a token never outlives it: otherwise one leaked token
    # could keep renewing itself past any expiry.
    issuer = getattr(request, "api_token", None)
    token, raw = api_token_create(
        user=request.user,  # type: ignore[arg-type]
        name=payload.name,
        scope=payload.scope,
        days=payload.days,
        not_after=issuer.expires_at if issuer is not None else None,
    )
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=TokenOut, auth=AUTH, summary="撤销 API 令牌")
def token_revoke(request: HttpRequest, token_id: ObjectId) -> Any:
    from iphub.core.tokens import api_token_revoke

    return api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
