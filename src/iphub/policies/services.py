"""Every write of the policy library: staff of the province and the cities keep
the documents of their region (audited); each save is recorded for the search
index in the same transaction (``search.policy_index_on_commit``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Region
from iphub.core.permissions import ensure_region_access, require_login
from iphub.policies import access
from iphub.policies.audit_actions import Action
from iphub.policies.conditions import conditions_clean, describe
from iphub.policies.models import Policy, PolicyLevel, Validity
from iphub.policies.numbers import validate_number
from iphub.policies.search import policy_index_on_commit


def _date(
    value: Any, field: str, label: str, errors: dict[str, str], *, required: bool
) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            errors[field] = f"请填写{label}。"
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[field] = f"{label}格式应为 2022-01-20。"
        return None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写标题。"
    level = str(data.get("level") or "")
    if level not in PolicyLevel.values:
        errors["level"] = "请选择层级（法律、法规规章、国家政策、省级政策或地方措施）。"
    body = str(data.get("issuing_body") or "").strip()
    if not body:
        errors["issuing_body"] = "请填写发文机关。"
    number = ""
    try:
        number = validate_number(str(data.get("document_number") or ""))
    except ApplicationError as exc:
        errors.update(exc.fields)
    validity = str(data.get("validity") or Validity.EFFECTIVE)
    if validity not in Validity.values:
        errors["validity"] = "效力应为有效、已修订或已废止。"
    issued = _date(data.get("issued_on"), "issued_on", "发布日期", errors, required=True)
    effective = _date(
        data.get("effective_from"), "effective_from", "施行日期", errors, required=False
    )
    expires = _date(data.get("expires_on"), "expires_on", "失效日期", errors, required=False)
    if issued and effective and effective < issued:
        errors["effective_from"] = "施行日期不能早于发布日期。"
    if expires and (effective or issued) and expires <= (effective or issued):  # type: ignore[operator]
        errors["expires_on"] = "失效日期应晚于施行日期。"
    if validity == Validity.REPEALED and not expires:
        errors["expires_on"] = "已废止的政策请填写失效日期。"
    is_support = bool(data.get("is_support"))
    conditions: list[dict[str, Any]] = []
    try:
        conditions = conditions_clean(list(data.get("conditions") or []))
    except ApplicationError as exc:
        errors.update(exc.fields)
    if is_support and not conditions:
        errors["conditions"] = "奖补政策请至少设置一项申报条件。"
    if errors:
        raise ApplicationError("政策未保存，请按提示更正。", fields=errors)
    return {
        "title": title[:300],
        "level": level,
        "issuing_body": body[:200],
        "document_number": number,
        "issued_on": issued,
        "validity": validity,
        "effective_from": effective,
        "expires_on": expires,
        "summary": str(data.get("summary") or "").strip(),
        "full_text": str(data.get("full_text") or "").strip(),
        "is_support": is_support,
        "support_note": str(data.get("support_note") or "").strip()[:300],
        "conditions": conditions if is_support else [],
    }


def _trail(policy: Policy) -> dict[str, Any]:
    """What the audit trail keeps of a policy: its fields, the full text left out
    (long, and in the record itself), the conditions in words (the trail is read by
    people; the rule codes are not)."""
    data = snapshot(policy, exclude=("full_text", "conditions"))
    data["conditions"] = [describe(r) for r in policy.conditions]
    return data


def _region_for(actor: Any, code: str | None) -> Region:
    require_login(actor)
    if not access.may_keep_library(actor):
        raise AccessDenied("政策库由省、市（州）的工作人员维护。")
    region = Region.objects.filter(code=code or actor.region_id).first()
    if region is None:
        raise ApplicationError("请选择适用地区。", fields={"region": "请选择适用地区。"})
    ensure_region_access(actor, region)
    return region


def _duplicate_number(number: str, exclude: int | None = None) -> None:
    others = Policy.objects.filter(document_number=number)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if number and others.exists():
        message = f"文号 {number} 已在政策库中，请勿重复录入。"
        raise ApplicationError(message, fields={"document_number": message}, code="duplicate")


@transaction.atomic
def policy_create(*, actor: Any, data: dict[str, Any], is_demo: bool = False) -> Policy:
    """A new document of the library, in ``actor``'s region or one inside it."""
    region = _region_for(actor, data.get("region"))
    values = _clean(data)
    _duplicate_number(values["document_number"])
    policy = Policy.objects.create(**values, region=region, is_demo=is_demo, created_by=actor)
    audit_record(
        actor=actor,
        action=Action.POLICY_CREATE,
        obj=policy,
        region_path=region.path,
        after=_trail(policy),
    )
    policy_index_on_commit([policy.pk])
    return policy


@transaction.atomic
def policy_update(*, actor: Any, policy_id: int, data: dict[str, Any]) -> Policy:
    """Change a document (its validity when amended or repealed, its text, its conditions)."""
    policy = (
        Policy.objects.select_for_update().select_related("region").filter(pk=policy_id).first()
    )
    if policy is None or not access.may_keep(actor, policy):
        raise NotFound("未找到该政策。")
    region = _region_for(actor, data.get("region") or policy.region_id)
    values = _clean(data)
    _duplicate_number(values["document_number"], exclude=policy.pk)
    before = _trail(policy)
    for key, value in values.items():
        setattr(policy, key, value)
    policy.region = region
    policy.save()
    audit_record(
        actor=actor,
        action=Action.POLICY_UPDATE,
        obj=policy,
        region_path=region.path,
        before=before,
        after=_trail(policy),
    )
    policy_index_on_commit([policy.pk])
    return policy
