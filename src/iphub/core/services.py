"""Writes of the core app: regions, organisations, accounts, API tokens.

Every function here runs in one transaction and leaves an audit entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iphub.core.audit import audit_record, snapshot
from iphub.core.audit_actions import Action
from iphub.core.errors import ApplicationError, ErrorCode
from iphub.core.models import (
    STAFF_ROLES,
    Organisation,
    OrganisationKind,
    OrganisationTag,
    Region,
    Role,
    User,
)
from iphub.core.permissions import ensure_region_access, has_role, region_path_of
from iphub.core.regions import hubei_region_rows

# API tokens live in core.tokens (issue, revoke, check), re-exported for callers
# that know them as core services.
from iphub.core.tokens import api_token_authenticate as api_token_authenticate
from iphub.core.tokens import api_token_create as api_token_create
from iphub.core.validators import validate_mobile, validate_resident_id, validate_uscc

_REGION_FIELDS = ("name", "level", "parent_id", "path", "longitude", "latitude")


def regions_load() -> int:
    """Create or update Hubei's regions from the package table; returns how many exist.

    One read of what is there, then one INSERT of the missing and one UPDATE of the
    changed (about 120 rows): every test's database and every demo set-up loads
    them, and a statement per region cost PostgreSQL test runs ~0.15 s per test.
    """
    paths: dict[str, str] = {}
    wanted: dict[str, Region] = {}
    for row in hubei_region_rows():
        path = row.code if row.parent is None else f"{paths[row.parent]}/{row.code}"
        paths[row.code] = path
        wanted[row.code] = Region(
            code=row.code,
            name=row.name,
            level=row.level,
            parent_id=row.parent,
            path=path,
            longitude=row.longitude,
            latitude=row.latitude,
        )
    with transaction.atomic():
        existing = Region.objects.select_for_update().in_bulk(list(wanted))
        # Parents come before children in the table, so each INSERT finds its parent.
        Region.objects.bulk_create([r for c, r in wanted.items() if c not in existing])
        changed = [
            r
            for c, r in wanted.items()
            if c in existing
            and any(getattr(existing[c], f) != getattr(r, f) for f in _REGION_FIELDS)
        ]
        Region.objects.bulk_update(changed, [f.removesuffix("_id") for f in _REGION_FIELDS])
    return Region.objects.count()


def _region(code: str, field: str = "region") -> Region:
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        msg = f"行政区划代码“{code}”不存在，请选择湖北省内的市（州）或县（市、区）。"
        raise ApplicationError(msg, code=ErrorCode.UNKNOWN_REGION, fields={field: msg}) from None


ORG_EDITABLE = (
    "name",
    "uscc",
    "kind",
    "tags",
    "address",
    "contact_name",
    "contact_phone",
    "contact_id_number",
)


def _clean_organisation(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    name = str(data.get("name", "")).strip()
    if not name:
        errors["name"] = "请填写组织名称。"
    clean["name"] = name
    if data.get("uscc"):
        try:
            clean["uscc"] = validate_uscc(str(data["uscc"]))
        except ApplicationError as exc:
            errors["uscc"] = exc.message
    else:
        clean["uscc"] = None
    kind = data.get("kind")
    if kind not in OrganisationKind.values:
        errors["kind"] = "请选择组织类型：" + "、".join(str(c.label) for c in OrganisationKind)
    clean["kind"] = kind
    tags = list(data.get("tags") or [])
    unknown = [t for t in tags if t not in OrganisationTag.values]
    if unknown:
        errors["tags"] = f"未知标签：{'、'.join(map(str, unknown))}。"
    clean["tags"] = tags
    clean["address"] = str(data.get("address", "")).strip()
    clean["contact_name"] = str(data.get("contact_name", "")).strip()
    for field, validator in (
        ("contact_phone", validate_mobile),
        ("contact_id_number", validate_resident_id),
    ):
        value = str(data.get(field) or "").strip()
        if value:
            try:
                value = validator(value)
            except ApplicationError as exc:
                errors[field] = exc.message
        clean[field] = value
    if errors:
        raise ApplicationError("组织信息有误，请按提示修改。", fields=errors)
    return clean


@transaction.atomic
def organisation_create(*, actor: User | None, data: dict[str, Any]) -> Organisation:
    """Register an organisation after validating its USCC, kind, tags and contact."""
    region = _region(str(data.get("region", "")))
    if has_role(actor, *STAFF_ROLES):
        ensure_region_access(actor, region)
    clean = _clean_organisation(data)
    if clean["uscc"] and Organisation.objects.filter(uscc=clean["uscc"]).exists():
        msg = "该统一社会信用代码已登记，请勿重复创建。"
        raise ApplicationError(msg, code=ErrorCode.DUPLICATE, fields={"uscc": msg})
    org = Organisation.objects.create(region=region, **clean)
    audit_record(
        actor=actor,
        action=Action.ORGANISATION_CREATE,
        obj=org,
        region_path=region.path,
        after=snapshot(org),
    )
    return org


@transaction.atomic
def organisation_update(*, actor: User, organisation_id: int, data: dict[str, Any]) -> Organisation:
    """Change an organisation; staff only within their region, members only their own."""
    org = Organisation.objects.select_for_update().select_related("region").get(pk=organisation_id)
    if has_role(actor, *STAFF_ROLES):
        ensure_region_access(actor, org.region)
    elif actor.organisation_id != org.pk:
        raise ApplicationError(
            "只能修改本单位的信息。", code=ErrorCode.PERMISSION_DENIED, status=403
        )
    before = snapshot(org)
    merged = {f: getattr(org, f) for f in ORG_EDITABLE} | {
        k: v for k, v in data.items() if k in ORG_EDITABLE
    }
    clean = _clean_organisation(merged)
    if (
        clean["uscc"]
        and Organisation.objects.filter(uscc=clean["uscc"]).exclude(pk=org.pk).exists()
    ):
        msg = "该统一社会信用代码已被其他组织使用。"
        raise ApplicationError(msg, code=ErrorCode.DUPLICATE, fields={"uscc": msg})
    if "region" in data:
        org.region = _region(str(data["region"]))
        if has_role(actor, *STAFF_ROLES):
            ensure_region_access(actor, org.region)
    for key, value in clean.items():
        setattr(org, key, value)
    org.save()
    audit_record(
        actor=actor,
        action=Action.ORGANISATION_UPDATE,
        obj=org,
        region_path=org.region.path,
        before=before,
        after=snapshot(org),
    )
    return org


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    region_code: str | None = None,
    organisation: Organisation | None = None,
    display_name: str = "",
    phone: str = "",
) -> User:
    """Create an account. Staff roles need a region; public roles an organisation."""
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = "未知角色。"
    if User.objects.filter(username=username).exists():
        errors["username"] = f"用户名“{username}”已被使用。"
    region = _region(region_code, "region_code") if region_code else None
    if role in STAFF_ROLES and region is None:
        errors["region_code"] = "工作人员账号必须指定管辖地区。"
    if role in (Role.ENTERPRISE, Role.AGENCY) and organisation is None:
        errors["organisation"] = "企业/服务机构用户必须关联一个组织。"
    user = User(
        username=username,
        role=role,
        region=region,
        organisation=organisation,
        first_name=display_name,
        phone=phone,
        # The system administrator works in the admin site (core.permissions
        # decides there what he may touch); no other role enters it.
        is_staff=role == Role.SYSADMIN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = " ".join(str(m) for m in exc.messages)
    if errors:
        raise ApplicationError("账号信息有误，请按提示修改。", fields=errors)
    if actor is not None and region is not None and region_path_of(actor) is not None:
        ensure_region_access(actor, region)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit_record(
        actor=actor,
        action=Action.USER_CREATE,
        obj=user,
        region_path=region.path if region else "",
        after=snapshot(user),
    )
    return user


@transaction.atomic
def user_password_change(*, user: Any, old_password: str, new_password: str) -> None:
    """Change one's own password: the old one must match, the new one meets the policy."""
    errors: dict[str, str] = {}
    if not user.check_password(old_password):
        errors["old_password"] = "原密码不正确。"
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        errors["new_password"] = " ".join(str(m) for m in exc.messages)
    if old_password and old_password == new_password:
        errors["new_password"] = "新密码不能与原密码相同。"
    if errors:
        raise ApplicationError("密码未修改，请按提示更正。", fields=errors)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(actor=user, action=Action.USER_PASSWORD_CHANGE, obj=user)
