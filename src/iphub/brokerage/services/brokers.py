"""Writes of 技术经理人: registration and verification by window staff, assigning
a match or a call to a broker, and the broker's contact log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from iphub.brokerage.audit_actions import Action
from iphub.brokerage.errors import BrokerageError
from iphub.brokerage.models import (
    Assignment,
    Broker,
    BrokerStatus,
    Call,
    ContactChannel,
    ContactLog,
    ContactOutcome,
)
from iphub.brokerage.workflow import field
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Role, User
from iphub.core.permissions import ensure_region_access, has_role, in_region, require_roles
from iphub.transfer.access import PUBLIC_ROLES, is_member, signed_in
from iphub.transfer.models import Match
from iphub.transfer.services.matches import patent_holders

IPC_SECTIONS = ("A", "B", "C", "D", "E", "F", "G", "H")


def _clean(data: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, label, size in (
        ("name", "姓名", 50),
        ("certificate_number", "证书编号", 60),
        ("certifying_body", "发证机构", 100),
    ):
        value = str(data.get(name) or "").strip()
        if not value:
            errors[name] = f"请填写{label}。"
        elif len(value) > size:
            errors[name] = f"{label}不能超过 {size} 字。"
        out[name] = value
    try:
        out["valid_until"] = dt.date.fromisoformat(str(data.get("valid_until") or ""))
        if out["valid_until"] < today:
            errors["valid_until"] = "证书已过有效期，不能登记。"
    except ValueError:
        errors["valid_until"] = "请填写证书有效期（YYYY-MM-DD）。"
    raw = data.get("ipc_sections") or []
    sections = re.findall(r"[A-Ha-h]", raw) if isinstance(raw, str) else list(raw)
    out["ipc_sections"] = sorted({str(s).upper() for s in sections} & set(IPC_SECTIONS))
    raw_ind = data.get("industries") or []
    industries = re.split(r"[，,、;；\n]", raw_ind) if isinstance(raw_ind, str) else list(raw_ind)
    out["industries"] = [i.strip()[:40] for i in industries if i and i.strip()][:10]
    if not out["ipc_sections"] and not out["industries"]:
        errors["ipc_sections"] = "请至少选择一个技术领域（IPC 部）或填写服务产业。"
    if errors:
        raise ApplicationError(
            f"技术经理人信息有误：{next(iter(errors.values()))}",
            code=BrokerageError.INVALID,
            fields=errors,
        )
    return out


@transaction.atomic
def broker_register(*, actor: Any, data: Mapping[str, Any], username: str = "") -> Broker:
    """Register a broker. Window staff register an account of their region
    (``username``; enterprise or agency) and the registration is verified at
    once; an enterprise or agency user registers itself, pending verification."""
    signed_in(actor)
    staff = has_role(actor, Role.WINDOW)
    if staff:
        user = User.objects.select_related("organisation__region").filter(username=username).first()
        if user is None or user.role not in PUBLIC_ROLES or user.organisation is None:
            raise field("username", "请填写企业或服务机构的登录账号。")
        ensure_region_access(actor, user.organisation.region)
    elif actor.role in PUBLIC_ROLES and actor.organisation_id is not None:
        user = actor
    else:
        raise AccessDenied("只有窗口人员或企业、服务机构账号可以登记技术经理人。")
    if Broker.objects.filter(user=user).exists():
        raise field("username", "该账号已登记为技术经理人。")
    clean = _clean(data, today=timezone.localdate())
    if Broker.objects.filter(certificate_number=clean["certificate_number"]).exists():
        raise field("certificate_number", "该证书编号已被登记。")
    now = timezone.now()
    broker = Broker.objects.create(
        user=user,
        region=user.organisation.region,  # type: ignore[union-attr]
        registered_by=actor,
        status=BrokerStatus.VERIFIED if staff else BrokerStatus.PENDING,
        verified_by=actor if staff else None,
        verified_at=now if staff else None,
        **clean,
    )
    audit_record(
        actor=actor,
        action=Action.BROKER_REGISTER,
        obj=broker,
        region_path=broker.region.path,
        after=snapshot(broker),
    )
    return broker


def _staff_broker(actor: Any, broker_id: int) -> Broker:
    require_roles(actor, Role.WINDOW)
    broker = (
        Broker.objects.select_for_update().select_related("region").filter(pk=broker_id).first()
    )
    if broker is None or not in_region(actor, broker.region):
        raise NotFound("未找到该技术经理人。")
    return broker


@transaction.atomic
def broker_verify(*, actor: Any, broker_id: int) -> Broker:
    """Window staff confirm a pending registration against the certificate."""
    broker = _staff_broker(actor, broker_id)
    if broker.status != BrokerStatus.PENDING:
        raise ApplicationError(
            f"该技术经理人{broker.get_status_display()}，无需核验。",
            code=BrokerageError.STATE,
            status=409,
        )
    broker.status, broker.verified_by, broker.verified_at = (
        BrokerStatus.VERIFIED,
        actor,
        timezone.now(),
    )
    broker.save(update_fields=["status", "verified_by", "verified_at"])
    audit_record(
        actor=actor,
        action=Action.BROKER_VERIFY,
        obj=broker,
        region_path=broker.region.path,
        before={"status": BrokerStatus.PENDING},
        after={"status": broker.status},
    )
    return broker


@transaction.atomic
def broker_revoke(*, actor: Any, broker_id: int) -> Broker:
    """Window staff withdraw a broker (certificate lapsed or misconduct); its
    assignments stay for the record but no new one may be made."""
    broker = _staff_broker(actor, broker_id)
    if broker.status == BrokerStatus.REVOKED:
        raise ApplicationError("该技术经理人已撤销。", code=BrokerageError.STATE, status=409)
    before = broker.status
    broker.status = BrokerStatus.REVOKED
    broker.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=Action.BROKER_REVOKE,
        obj=broker,
        region_path=broker.region.path,
        before={"status": before},
        after={"status": broker.status},
    )
    return broker


def broker_active(broker: Broker, today: dt.date) -> bool:
    """May take new assignments: verified and the certificate still valid."""
    return broker.status == BrokerStatus.VERIFIED and broker.valid_until >= today


def match_owners(m: Match) -> list[int]:
    """Organisations that may assign a match to a broker: the need's and the holder's."""
    holders = (
        [m.listing.organisation_id] if m.listing else [o.pk for o in patent_holders(m.patent_id)]
    )
    return [m.need.organisation_id, *holders]


@transaction.atomic
def assignment_set(
    *, actor: Any, broker_id: int, match_id: int | None = None, call_id: int | None = None
) -> Assignment:
    """Hand a match or a call to a broker (or to another one): window staff of
    its region, or a party to it (the need's or the patent holder's
    organisation; the caller). The broker is told in the inbox."""
    signed_in(actor)
    if (match_id is None) == (call_id is None):
        raise field("subject", "请选择要指派的匹配或榜单。")
    broker = Broker.objects.select_related("user", "region").filter(pk=broker_id).first()
    if broker is None or not broker_active(broker, timezone.localdate()):
        raise field("broker", "请选择已核验且证书在有效期内的技术经理人。")
    if match_id is not None:
        m = (
            Match.objects.select_related("need__region", "listing", "patent")
            .filter(pk=match_id)
            .first()
        )
        if m is None:
            raise NotFound("未找到该匹配。")
        region, owners = m.need.region, match_owners(m)
        subject: dict[str, Any] = {"match": m}
        title = f"匹配：{m.need.title} ↔ {m.patent.title}"
    else:
        call = Call.objects.select_related("region").filter(pk=call_id or 0).first()
        if call is None:
            raise NotFound("未找到该榜单。")
        region, owners = call.region, [call.organisation_id]
        subject = {"call": call}
        title = f"榜单：{call.title}"
    staff = has_role(actor, Role.WINDOW) and in_region(actor, region)
    if not staff and not any(is_member(actor, o) for o in owners):
        raise AccessDenied("只有相关单位或本地区窗口人员可以指派技术经理人。")
    existing = Assignment.objects.select_for_update().filter(**subject).first()
    before = existing.broker_id if existing else None
    if existing is None:
        a = Assignment.objects.create(
            broker=broker, region=region, assigned_by=actor, assigned_at=timezone.now(), **subject
        )
    else:
        existing.broker, existing.assigned_by = broker, actor
        existing.assigned_at = timezone.now()
        existing.save(update_fields=["broker", "assigned_by", "assigned_at"])
        a = existing
    audit_record(
        actor=actor,
        action=Action.ASSIGNMENT_SET,
        obj=a,
        region_path=region.path,
        before={"broker": before},
        after={"broker": broker.pk},
    )
    from django.urls import reverse

    from iphub.transfer.models import Notification

    Notification.objects.create(
        user=broker.user,
        title=f"您被指派为技术经理人：{title}"[:200],
        link=reverse("brokerage:assignment_detail", args=[a.pk]),
    )
    return a


def _clean_log(data: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    try:
        date = dt.date.fromisoformat(str(data.get("date") or ""))
        if date > today:
            errors["date"] = "联络日期不能晚于今天。"
    except ValueError:
        errors["date"] = "请填写联络日期（YYYY-MM-DD）。"
        date = today
    party = str(data.get("party") or "").strip()[:100]
    if not party:
        errors["party"] = "请填写联系对象（单位或人员）。"
    channel = str(data.get("channel") or "")
    if channel not in ContactChannel.values:
        errors["channel"] = "请选择联络方式。"
    outcome = str(data.get("outcome") or "")
    if outcome not in ContactOutcome.values:
        errors["outcome"] = "请选择联络结果。"
    if errors:
        raise ApplicationError(
            f"联络记录有误：{next(iter(errors.values()))}",
            code=BrokerageError.INVALID,
            fields=errors,
        )
    note = str(data.get("note") or "").strip()[:500]
    return {"date": date, "party": party, "channel": channel, "outcome": outcome, "note": note}


@transaction.atomic
def contact_log_add(*, actor: Any, assignment_id: int, data: Mapping[str, Any]) -> ContactLog:
    """The assigned broker records a contact (date, party, channel, note, outcome)."""
    signed_in(actor)
    a = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("broker", "region")
        .filter(pk=assignment_id)
        .first()
    )
    if a is None:
        raise NotFound("未找到该指派。")
    if a.broker.user_id != actor.pk:
        raise AccessDenied("只有被指派的技术经理人可以记录联络情况。")
    log = ContactLog.objects.create(
        assignment=a, recorded_by=actor, **_clean_log(data, timezone.localdate())
    )
    audit_record(
        actor=actor,
        action=Action.CONTACT_LOG_ADD,
        obj=log,
        region_path=a.region.path,
        after=snapshot(log),
    )
    return log
