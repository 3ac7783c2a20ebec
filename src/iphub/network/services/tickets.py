"""Service tickets: a user asks an outlet for one of its services, the outlet's
staff accept and answer with a result, the requester rates the answer; the
hourly sweep marks tickets whose time limit has passed.

Two staff members pressing "受理" or "办结" at once: the row lock makes the
second wait for the first to commit; it then finds the state moved (and the
version bumped) and is told who handled it. The conditional
``UPDATE ... WHERE version`` is the same guarantee again for a database without
row locks (SQLite).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Role
from iphub.core.permissions import has_role, in_region, require_login
from iphub.core.uploads import CheckedUpload, check_upload
from iphub.network import workflow
from iphub.network.audit_actions import Action
from iphub.network.models import Outlet, ServiceKind, ServiceTicket, TicketEvent, TicketState

REQUESTER_ROLES = (Role.ENTERPRISE, Role.AGENCY)
RESULT_FILE_LIMIT = 10 * 1024 * 1024


def display_name(user: Any) -> str:
    """How a person is named to others: 姓名 if recorded, else the account name."""
    if user is None:
        return "系统"
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def may_open_ticket(user: Any) -> bool:
    """Enterprise and agency accounts that act for an organisation open tickets."""
    return has_role(user, *REQUESTER_ROLES) and getattr(user, "organisation_id", None) is not None


@transaction.atomic
def ticket_open(
    *, actor: Any, outlet_id: int, data: Mapping[str, Any], now: dt.datetime | None = None
) -> ServiceTicket:
    """Open a ticket to an outlet for one of the services it offers. The outlet
    must answer within ``workflow.ticket_days()`` working days; audited."""
    now = now or timezone.now()
    require_login(actor)
    if not may_open_ticket(actor):
        raise AccessDenied("服务工单由企业或服务机构账号提交；请以单位账号登录。")
    outlet = Outlet.objects.select_related("region").filter(pk=outlet_id, active=True).first()
    if outlet is None:
        raise NotFound("未找到该信息服务网点，或网点已停止运行。")
    service = str(data.get("service") or "")
    if service not in outlet.services:
        offered = "、".join(str(ServiceKind(s).label) for s in outlet.services)
        raise field_error("service", f"请选择该网点提供的服务：{offered}。")
    subject = str(data.get("subject") or "").strip()
    if len(subject) < 2:
        raise field_error("subject", "请用一句话写明事项（至少 2 个字）。")
    if len(subject) > 200:
        raise field_error("subject", "事项不能超过 200 个字，详细情况请写在需求说明中。")
    question = str(data.get("question") or "").strip()
    if len(question) < 5:
        raise field_error("question", "请写明需求（至少 5 个字），网点据此办理。")
    if len(question) > 4000:
        raise field_error("question", "需求说明不能超过 4000 个字。")
    ticket = ServiceTicket.objects.create(
        outlet=outlet,
        service=service,
        requester=actor,
        organisation_id=actor.organisation_id,
        region=outlet.region,
        subject=subject,
        question=question,
        due_at=workflow.deadline(at=now),
        created_at=now,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        action="create",
        to_state=ticket.state,
        actor_name=display_name(actor),
        at=now,
    )
    audit_record(
        actor=actor,
        action=Action.TICKET_OPEN,
        obj=ticket,
        region_path=outlet.region.path,
        after={"outlet": outlet.pk, "service": service, "due_at": ticket.due_at},
    )
    return ticket


def lock_ticket(ticket_id: int) -> ServiceTicket:
    """The ticket, row-locked until the transaction ends (its outlet loaded)."""
    ticket = (
        ServiceTicket.objects.select_for_update(of=("self",))
        .select_related("outlet", "region")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound("未找到该服务工单。")
    return ticket


def _visible_or_404(actor: Any, ticket: ServiceTicket) -> None:
    """A ticket exists only for its requester's organisation, the outlet's staff
    and the staff of the outlet's region."""
    require_login(actor)
    if (
        actor.organisation_id == ticket.organisation_id
        or in_region(actor, ticket.region)
        or workflow.is_outlet_staff(actor, ticket.outlet_id)
    ):
        return
    raise NotFound("未找到该服务工单。")


def conflict(ticket: ServiceTicket, label: str) -> ApplicationError:
    """The message for a step that lost the race, or came too late."""
    state = TicketState(ticket.state).label
    if ticket.handled_by_name:
        msg = f"该工单已由 {ticket.handled_by_name} 处理（当前状态：{state}），请刷新后查看。"
        return ApplicationError(msg, code="already_handled", status=409)
    return ApplicationError(f"当前状态为“{state}”，不能{label}。", code="wrong_state", status=409)


def _step_values(
    t: workflow.Transition, data: Mapping[str, Any], file: Any
) -> tuple[dict[str, Any], CheckedUpload | None]:
    """What the step records beyond its state, checked before anything changes."""
    if t.name == "decline":
        reason = str(data.get("reason") or "").strip()
        if len(reason) < 2:
            raise field_error(
                "reason", "请写明不予受理的理由（如不属于本网点服务范围），申请人据此改投。"
            )
        return {"decline_reason": reason[:500]}, None
    if t.name == "close":
        result = str(data.get("result") or "").strip()
        if len(result) < 5:
            raise field_error("result", "请写明办理结果（至少 5 个字）；报告可作为附件上传。")
        checked = None
        if file:
            checked = check_upload(file, field="file", limit=RESULT_FILE_LIMIT, code="bad_file")
        return {"result": result[:8000]}, checked
    if t.name == "rate":
        raw = str(data.get("rating") or "").strip()
        if raw not in {"1", "2", "3", "4", "5"}:
            raise field_error("rating", "请选择 1～5 分的满意度。")
        comment = str(data.get("comment") or "").strip()
        if int(raw) <= 2 and not comment:
            raise field_error("comment", "评分为 1 或 2 分时请写明不满意的原因，网点据此改进。")
        if len(comment) > 500:
            raise field_error("comment", "评价不能超过 500 个字。")
        return {"rating": int(raw), "rating_comment": comment}, None
    return {}, None


@transaction.atomic
def ticket_step(
    *,
    actor: Any,
    ticket_id: int,
    name: str,
    data: Mapping[str, Any] | None = None,
    file: Any = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ServiceTicket:
    """Take step ``name`` (accept, decline, close, withdraw, rate) on a ticket:
    ``data`` carries the step's fields (reason; result; rating and comment),
    ``file`` an optional result report (PDF, JPEG or PNG, checked by content).
    Closing after the due time marks the ticket late; audited."""
    now = now or timezone.now()
    t = workflow.transition(name)
    ticket = lock_ticket(ticket_id)
    _visible_or_404(actor, ticket)
    workflow.ensure_may(actor, t, ticket)
    values, checked = _step_values(t, data or {}, file)
    if ticket.state not in t.sources or (
        expected_version is not None and ticket.version != expected_version
    ):
        raise conflict(ticket, str(t.label))
    old_state, old_version = ticket.state, ticket.version
    changes: dict[str, Any] = {"state": t.target, "version": old_version + 1, **values}
    if t.party == "outlet":
        changes["handled_by"] = actor
        changes["handled_by_name"] = display_name(actor)
    if t.name == "accept":
        changes["accepted_at"] = now
    if t.name in ("close", "decline"):
        changes["closed_at"] = now
        changes["late"] = ticket.due_at is not None and now > ticket.due_at
    if t.name == "rate":
        changes["rated_at"] = now
    if checked is not None:
        name = f"{uuid.uuid4().hex}.{checked.extension}"
        ticket.result_file.save(name, ContentFile(checked.content, name=name), save=False)
        changes |= {
            "result_file": ticket.result_file.name,
            "result_file_name": checked.original_name,
            "result_file_type": checked.content_type,
            "result_file_sha256": checked.sha256,
        }
    updated = ServiceTicket.objects.filter(
        pk=ticket.pk, version=old_version, state=old_state
    ).update(**changes, updated_at=now)
    if updated != 1:
        ticket.refresh_from_db()
        raise conflict(ticket, str(t.label))
    for key, value in changes.items():
        setattr(ticket, key, value)
    note = values.get("decline_reason") or values.get("result") or values.get("rating_comment")
    if t.name == "rate":
        note = f"{values['rating']} 分" + (f"：{values['rating_comment']}" if note else "")
    TicketEvent.objects.create(
        ticket=ticket,
        action=t.name,
        from_state=old_state,
        to_state=t.target,
        actor_name=display_name(actor),
        note=str(note or "")[:2000],
        at=now,
    )
    audit_record(
        actor=actor,
        action=_AUDIT_ACTIONS[t.name],
        obj=ticket,
        region_path=ticket.region.path,
        before={"state": old_state},
        after={"state": t.target, **{k: v for k, v in changes.items() if k in _AUDITED}},
    )
    return ticket


_AUDITED = ("late", "rating", "result_file_name", "result_file_sha256")
# One literal code per step, so the audit log names each in words (core.audit_labels).
_AUDIT_ACTIONS = {
    "accept": Action.TICKET_ACCEPT,
    "decline": Action.TICKET_DECLINE,
    "close": Action.TICKET_CLOSE,
    "withdraw": Action.TICKET_WITHDRAW,
    "rate": Action.TICKET_RATE,
}


def tickets_flag_overdue(*, now: dt.datetime | None = None) -> list[ServiceTicket]:
    """Mark every ticket whose time limit passed while the outlet still owes the
    answer, once per ticket: a history row and an audit entry. Each ticket is
    claimed with a conditional update, so two sweeps at once mark it once."""
    now = now or timezone.now()
    candidates = list(
        ServiceTicket.objects.filter(
            state__in=workflow.WAITING_ON_OUTLET, due_at__lt=now, overdue_flagged_at__isnull=True
        ).select_related("region", "outlet")
    )
    done: list[ServiceTicket] = []
    for ticket in candidates:
        with transaction.atomic():
            claimed = ServiceTicket.objects.filter(
                pk=ticket.pk, version=ticket.version, overdue_flagged_at__isnull=True
            ).update(overdue_flagged_at=now)
            if claimed != 1:
                continue
            ticket.overdue_flagged_at = now
            assert ticket.due_at is not None
            due = timezone.localtime(ticket.due_at)
            TicketEvent.objects.create(
                ticket=ticket,
                action="overdue",
                from_state=ticket.state,
                to_state=ticket.state,
                actor_name="系统",
                note=f"应于 {due:%Y-%m-%d %H:%M} 前办结",
                at=now,
            )
            audit_record(
                actor=None,
                action=Action.TICKET_OVERDUE,
                obj=ticket,
                region_path=ticket.region.path,
                after={"outlet": ticket.outlet_id, "due_at": ticket.due_at},
            )
        done.append(ticket)
    return done
