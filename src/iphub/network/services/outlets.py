"""Keeping the outlet registry: the province's staff create and edit outlets
and name the accounts that answer an outlet's tickets. Every write is audited."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Organisation, Region, Role, User
from iphub.core.permissions import has_role, is_province, require_login
from iphub.network.audit_actions import Action
from iphub.network.models import Outlet, OutletKind, OutletLevel, OutletStaff, ServiceKind

# Hubei's extent, with a margin (the province spans about 108.3-116.2 E, 29.0-33.3 N):
# a coordinate outside it is a typing error (swapped or missing digits).
LNG_RANGE = (108.0, 116.5)
LAT_RANGE = (28.8, 33.5)
PHONE = re.compile(r"^[0-9+\-() ]{7,30}$")
KEEPER_ROLES = (Role.WINDOW, Role.SUPERVISOR)
_BOOKKEEPING = ("created_at", "updated_at")


def may_keep_outlets(user: Any) -> bool:
    """The registry is the province's: provincial window staff and supervisors."""
    return has_role(user, *KEEPER_ROLES) and is_province(user)


def ensure_keeper(user: Any) -> None:
    """Raise unless ``user`` keeps the outlet registry."""
    require_login(user)
    if not may_keep_outlets(user):
        raise AccessDenied("信息服务网点名录由省级知识产权管理部门维护，仅省级工作人员可以修改。")


def _text(data: Mapping[str, Any], key: str, label: str, limit: int, *, required: bool) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise field_error(key, f"请填写{label}。")
    if len(value) > limit:
        raise field_error(key, f"{label}不能超过 {limit} 个字。")
    return value


def _coordinate(
    data: Mapping[str, Any], key: str, label: str, bounds: tuple[float, float]
) -> float:
    raw = str(data.get(key) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise field_error(key, f"请填写{label}（十进制度数，如 114.36）。") from None
    if not bounds[0] <= value <= bounds[1]:
        raise field_error(
            key,
            f"{label} {raw} 不在湖北省范围内（{bounds[0]}～{bounds[1]}），请核对是否填反或漏位。",
        )
    return round(value, 6)


def _values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check an outlet form; the field values, or a refusal naming the field."""
    kind = str(data.get("kind") or "")
    if kind not in OutletKind.values:
        raise field_error("kind", "请从列表中选择网点类型。")
    level = str(data.get("level") or "")
    if level not in OutletLevel.values:
        raise field_error("level", "请从列表中选择网点级别。")
    code = str(data.get("region") or "").strip()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise field_error("region", "请选择网点所在的县（市、区）或市（州）。")
    raw_services = data.getlist("services") if hasattr(data, "getlist") else data.get("services")
    services = [s for s in ServiceKind.values if s in set(raw_services or [])]
    if not services:
        raise field_error("services", "请至少勾选一项服务内容。")
    host: Organisation | None = None
    host_id = str(data.get("host") or "").strip()
    if host_id:
        host = Organisation.objects.filter(pk=int(host_id) if host_id.isdigit() else -1).first()
        if host is None:
            raise field_error("host", "依托单位不存在，请从列表中选择或留空后填写名称。")
    host_name = _text(data, "host_name", "依托单位名称", 200, required=host is None)
    phone = _text(data, "phone", "咨询电话", 30, required=False)
    if phone and not PHONE.match(phone):
        raise field_error("phone", "咨询电话只能包含数字、空格和 + - ( )，如 027-87654321。")
    email = _text(data, "email", "电子邮箱", 254, required=False)
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise field_error("email", "电子邮箱格式不正确。")
    return {
        "name": _text(data, "name", "网点名称", 200, required=True),
        "kind": kind,
        "level": level,
        "region": region,
        "host": host,
        "host_name": host_name or (host.name if host else ""),
        "address": _text(data, "address", "地址", 300, required=True),
        "longitude": _coordinate(data, "longitude", "经度", LNG_RANGE),
        "latitude": _coordinate(data, "latitude", "纬度", LAT_RANGE),
        "services": services,
        "opening_hours": _text(data, "opening_hours", "开放时间", 200, required=True),
        "phone": phone,
        "email": email,
        "active": str(data.get("active", "1")) in ("1", "on", "true", "True"),
    }


@transaction.atomic
def outlet_create(*, actor: Any, data: Mapping[str, Any]) -> Outlet:
    """Add an outlet to the registry (province staff only); audited."""
    ensure_keeper(actor)
    outlet = Outlet.objects.create(**_values(data))
    audit_record(
        actor=actor,
        action=Action.OUTLET_CREATE,
        obj=outlet,
        region_path=outlet.region.path,
        after=snapshot(outlet, exclude=_BOOKKEEPING),
    )
    return outlet


@transaction.atomic
def outlet_update(*, actor: Any, outlet_id: int, data: Mapping[str, Any]) -> Outlet:
    """Change an outlet's record (province staff only); audited with before and after."""
    ensure_keeper(actor)
    outlet = Outlet.objects.select_for_update().filter(pk=outlet_id).first()
    if outlet is None:
        raise NotFound("未找到该信息服务网点。")
    before = snapshot(outlet, exclude=_BOOKKEEPING)
    for key, value in _values(data).items():
        setattr(outlet, key, value)
    outlet.save()
    audit_record(
        actor=actor,
        action=Action.OUTLET_UPDATE,
        obj=outlet,
        region_path=outlet.region.path,
        before=before,
        after=snapshot(outlet, exclude=_BOOKKEEPING),
    )
    return outlet


@transaction.atomic
def outlet_staff_add(*, actor: Any, outlet_id: int, username: str) -> OutletStaff:
    """Name an account as one of the outlet's staff (province staff only). The
    account must act for an organisation (enterprise or agency account, usually
    of the host): region staff supervise outlets, they do not answer tickets."""
    ensure_keeper(actor)
    outlet = Outlet.objects.filter(pk=outlet_id).select_related("region").first()
    if outlet is None:
        raise NotFound("未找到该信息服务网点。")
    name = str(username or "").strip()
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise field_error("username", f"账号“{name}”不存在或已停用。")
    if user.role not in (Role.ENTERPRISE, Role.AGENCY) or user.organisation_id is None:
        raise field_error(
            "username", f"账号“{name}”不是单位账号：网点服务人员须为依托单位的企业或服务机构账号。"
        )
    try:
        with transaction.atomic():
            member = OutletStaff.objects.create(outlet=outlet, user=user)
    except IntegrityError:
        raise ApplicationError(
            f"账号“{name}”已是该网点的服务人员。", code="duplicate", status=409
        ) from None
    audit_record(
        actor=actor,
        action=Action.OUTLET_STAFF_ADD,
        obj=outlet,
        region_path=outlet.region.path,
        after={"username": user.username},
    )
    return member


@transaction.atomic
def outlet_staff_remove(*, actor: Any, outlet_id: int, member_id: int) -> None:
    """Take an account off the outlet's staff (province staff only); audited."""
    ensure_keeper(actor)
    member = (
        OutletStaff.objects.select_related("outlet__region", "user")
        .filter(pk=member_id, outlet_id=outlet_id)
        .first()
    )
    if member is None:
        raise NotFound("未找到该服务人员。")
    outlet, username = member.outlet, member.user.username
    member.delete()
    audit_record(
        actor=actor,
        action=Action.OUTLET_STAFF_REMOVE,
        obj=outlet,
        region_path=outlet.region.path,
        before={"username": username},
    )
