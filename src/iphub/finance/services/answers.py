"""The steps on a bank's answer slot (``finance/workflow.py``), the enterprise's
withdrawal of a whole request, and what a registered pledge does to the request
it was filed for (closes it with the real amount).

Two users of one bank pressing "受理" at once: the row lock makes the second
wait for the first to commit; it then finds the state moved (and the version
bumped) and is told who answered. The conditional ``UPDATE ... WHERE version``
is the same guarantee again for a database without row locks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from iphub.core.amounts import YUAN_16, NumberRange, parse_count, parse_required
from iphub.core.audit import audit_record
from iphub.core.errors import ApplicationError, NotFound, field_error
from iphub.core.uploads import CheckedUpload
from iphub.filings.uploads import check_upload
from iphub.finance import workflow
from iphub.finance.audit_actions import Action
from iphub.finance.models import (
    AnswerEvent,
    AnswerState,
    BankAnswer,
    DeclineReason,
    FinancingRequest,
    RequestState,
    SupplementFile,
)
from iphub.finance.services import notices
from iphub.finance.services.requests import ensure_enterprise

APPROVED_AMOUNT = NumberRange("批贷金额", maximum=YUAN_16, positive=True)
APPROVED_RATE = NumberRange("批贷年利率", unit="%", maximum=Decimal(36), places=3, positive=True)
APPROVED_TERM = NumberRange(
    "批贷期限", unit="个月", minimum=Decimal(1), maximum=Decimal(360), places=0
)
FINAL = frozenset({AnswerState.DECLINED, AnswerState.WITHDRAWN, AnswerState.CLOSED})


def display_name(user: Any) -> str:
    """How a person is named to others: 姓名 if recorded, else the account name."""
    if user is None:
        return "系统"
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def lock_answer(answer_id: int) -> BankAnswer:
    """The slot, row-locked until the transaction ends (its request and bank loaded)."""
    answer = (
        BankAnswer.objects.select_for_update(of=("self",))
        .select_related("request__organisation", "request__region", "bank")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        raise NotFound("未找到该银行答复。")
    return answer


def conflict(answer: BankAnswer, label: str) -> ApplicationError:
    """The message for a step that lost the race, or came too late."""
    state = AnswerState(answer.state).label
    if answer.answered_by_name:
        msg = f"该需求已由 {answer.answered_by_name} 处理（当前状态：{state}），请刷新后查看。"
        return ApplicationError(msg, code="already_handled", status=409)
    return ApplicationError(f"当前状态为“{state}”，不能{label}。", code="wrong_state", status=409)


def _visible_or_404(actor: Any, answer: BankAnswer) -> None:
    """Another bank's slot, or another enterprise's request, does not exist for them."""
    if actor is None or not actor.is_authenticated:
        raise ApplicationError("请先登录。", code="not_authenticated", status=401)
    if actor.organisation_id not in (answer.bank_id, answer.request.organisation_id):
        raise NotFound("未找到该银行答复。")


def _step_values(name: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """What the step records beyond its state (validated before anything changes)."""
    note = str(data.get("note", "")).strip()[:2000]
    if name == "decline":
        reason = str(data.get("reason", ""))
        if reason not in DeclineReason.values:
            raise field_error("reason", "请从列表中选择婉拒理由。")
        if reason == DeclineReason.OTHER and not note:
            raise field_error("note", "选择“其他”时请写明理由。")
        return {"decline_reason": reason, "note": note}
    if name == "need_more":
        if not note:
            raise field_error("note", "请写明需要企业补充的材料。")
        return {"note": note}
    if name == "approve":
        term = parse_count(
            data.get("term_months"), APPROVED_TERM, field="term_months", required=True
        )
        return {
            "approved_amount": parse_required(data.get("amount"), APPROVED_AMOUNT, field="amount"),
            "approved_rate": parse_required(data.get("rate"), APPROVED_RATE, field="rate"),
            "approved_term_months": term,
            "note": note,
        }
    return {"note": note} if note else {}


def _apply(
    *,
    actor: Any,
    answer: BankAnswer,
    t: workflow.Transition,
    now: dt.datetime,
    values: dict[str, Any],
    expected_version: int | None = None,
) -> BankAnswer:
    """Move a locked ``answer`` along ``t``: guarded UPDATE, history row, audit entry."""
    if answer.state not in t.sources or (
        expected_version is not None and answer.version != expected_version
    ):
        raise conflict(answer, str(t.label))
    old_state, old_version = answer.state, answer.version
    changes: dict[str, Any] = {"state": t.target, "version": old_version + 1, **values}
    if t.party == "bank":
        if answer.due_at is not None and now > answer.due_at:
            changes["late"] = True
        if answer.first_answer_at is None:
            changes["first_answer_at"] = now
        changes["answered_by"] = actor
        changes["answered_by_name"] = display_name(actor)
    if t.due is not None or t.target not in workflow.WAITING_ON_BANK:
        changes["due_at"] = workflow.deadline(t, at=now)
        # A new deadline may be flagged overdue again (services.notices).
        changes["overdue_flagged_at"] = None
    updated = BankAnswer.objects.filter(pk=answer.pk, version=old_version, state=old_state).update(
        **changes, updated_at=now
    )
    if updated != 1:
        answer.refresh_from_db()
        raise conflict(answer, str(t.label))
    for key, value in changes.items():
        setattr(answer, key, value)
    AnswerEvent.objects.create(
        answer=answer,
        action=t.name,
        from_state=old_state,
        to_state=t.target,
        actor_name=display_name(actor),
        note=_event_note(values),
        at=now,
    )
    audit_record(
        actor=actor,
        action=Action.answer_step(t.name),
        obj=answer,
        region_path=answer.request.region.path,
        before={"state": old_state},
        after={"state": t.target, **{k: v for k, v in values.items() if k != "note"}},
    )
    return answer


def _event_note(values: dict[str, Any]) -> str:
    """What the history row says: the decline reason in words, then the note."""
    reason = values.get("decline_reason")
    words = [str(DeclineReason(reason).label)] if reason else []
    if values.get("note"):
        words.append(str(values["note"]))
    return "：".join(words)


def _settle_request(request: FinancingRequest, now: dt.datetime) -> None:
    """An open request with no slot left open ends: 未获贷款, or 已撤回 when the
    enterprise withdrew from every bank that had not declined."""
    if request.state != RequestState.OPEN:
        return
    states = set(request.answers.values_list("state", flat=True))
    if states & workflow.OPEN_STATES:
        return
    request.state = (
        RequestState.DECLINED if AnswerState.DECLINED in states else RequestState.WITHDRAWN
    )
    request.closed_at = now
    request.save(update_fields=["state", "closed_at"])


MAX_SUPPLEMENT_FILES = 10


def _checked_files(name: str, files: Sequence[Any], note: str) -> list[CheckedUpload]:
    """The supplement's files, each checked by content and size before anything
    changes; a supplement needs at least a file or a note saying what was sent."""
    if name != "supplement":
        return []
    if len(files) > MAX_SUPPLEMENT_FILES:
        most = MAX_SUPPLEMENT_FILES
        raise field_error("files", f"一次最多上传 {most} 个文件，请合并或分次补充。")
    if not files and not note:
        raise field_error("files", "请上传银行要求补充的材料，或在说明中写明补充的内容。")
    return [check_upload(f, field="files") for f in files]


def _store_files(
    actor: Any, answer: BankAnswer, checked: list[CheckedUpload], now: dt.datetime
) -> list[SupplementFile]:
    """Save the checked files with the supplement's history row; audited. A full
    disk fails the write, the transaction rolls back and the page says 507."""
    if not checked:
        return []
    event = answer.events.order_by("-id").first()
    stored = [
        SupplementFile.objects.create(
            answer=answer,
            event=event,
            file=ContentFile(up.content, name=f"{uuid.uuid4().hex}.{up.extension}"),
            original_name=up.original_name,
            content_type=up.content_type,
            size=len(up.content),
            sha256=up.sha256,
            uploaded_by_name=display_name(actor),
            uploaded_at=now,
        )
        for up in checked
    ]
    audit_record(
        actor=actor,
        action=Action.ANSWER_FILES,
        obj=answer,
        region_path=answer.request.region.path,
        after={"files": [{"name": f.original_name, "sha256": f.sha256} for f in stored]},
    )
    return stored


def _tell(actor: Any, answer: BankAnswer, t: workflow.Transition, now: dt.datetime) -> None:
    """The inbox messages a step sends: a bank's answer to the enterprise; a
    supplement (the request back for review) to the bank."""
    r = answer.request
    link = notices.request_link(r.pk)
    state = AnswerState(answer.state).label
    if t.party == "bank":
        notices.notify_organisations(
            [r.organisation_id],
            title=f"{answer.bank.name} 答复了融资需求 {r.reference}：{t.label}",
            body=f"当前状态：{state}。{answer.note}".strip(),
            link=link,
            now=now,
        )
    elif t.name == "supplement":
        notices.notify_organisations(
            [answer.bank_id],
            title=f"{r.organisation.name} 已为融资需求 {r.reference} 补充材料",
            body=f"请重新审查并答复。{answer.note}".strip(),
            link=link,
            now=now,
        )


@transaction.atomic
def answer_step(
    *,
    actor: Any,
    answer_id: int,
    name: str,
    data: Mapping[str, Any] | None = None,
    files: Sequence[Any] = (),
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> BankAnswer:
    """Take step ``name`` (accept, need_more, decline, approve, supplement,
    withdraw) on one bank's slot; ``data`` carries the step's fields (reason and
    note, or the approved amount, rate and term); ``files`` the materials a
    supplement sends (PDF, JPEG or PNG, checked by content, as filing
    materials). The other side is told in its financing inbox."""
    now = now or timezone.now()
    t = workflow.transition(name)
    if t.automatic:
        raise ApplicationError(f"“{t.label}”由质押登记自动完成，不能手动办理。")
    answer = lock_answer(answer_id)
    _visible_or_404(actor, answer)
    workflow.ensure_may(actor, t, answer)
    values = _step_values(name, data or {})
    checked = _checked_files(name, files, values.get("note", ""))
    answer = _apply(
        actor=actor, answer=answer, t=t, now=now, values=values, expected_version=expected_version
    )
    _store_files(actor, answer, checked, now)
    _tell(actor, answer, t, now)
    _settle_request(answer.request, now)
    return answer


@transaction.atomic
def request_withdraw(
    *, actor: Any, request_id: int, now: dt.datetime | None = None
) -> FinancingRequest:
    """The enterprise withdraws its whole request: every open slot is withdrawn."""
    now = now or timezone.now()
    org = ensure_enterprise(actor)
    request = (
        FinancingRequest.objects.select_for_update().filter(pk=request_id, organisation=org).first()
    )
    if request is None:
        raise NotFound("未找到该融资需求。")
    if request.state != RequestState.OPEN:
        raise ApplicationError(
            f"该需求已{RequestState(request.state).label}，不能撤回。", status=409
        )
    t = workflow.transition("withdraw")
    for slot_id in request.answers.filter(state__in=workflow.OPEN_STATES).values_list(
        "pk", flat=True
    ):
        _apply(actor=actor, answer=lock_answer(slot_id), t=t, now=now, values={})
    request.state = RequestState.WITHDRAWN
    request.closed_at = now
    request.save(update_fields=["state", "closed_at"])
    return request


ORIGIN_PREFIX = "financing:"


def pledge_origin(answer: BankAnswer) -> str:
    """The reference a pre-filled pledge filing carries back (``financing:<slot id>``)."""
    return f"{ORIGIN_PREFIX}{answer.pk}"


def _origin_slot_id(filing: Any) -> int | None:
    """The approved slot a filing was pre-filled from, or ``None`` (filed by hand)."""
    origin = str((filing.details or {}).get("origin", ""))
    if not origin.startswith(ORIGIN_PREFIX):
        return None
    tail = origin.removeprefix(ORIGIN_PREFIX)
    return int(tail) if tail.isdigit() else None


def pledge_registered(*, filing: Any, actor: Any, now: dt.datetime) -> FinancingRequest | None:
    """A patent or trademark pledge was registered (called by filings inside its
    approval's transaction). Only a filing pre-filled from a bank's approval
    (its ``details['origin']`` names that slot) closes a request: the slot's
    request must be the filer's own and still open, the slot approved, and the
    pledged right one the request offered. The request closes as 已放款 with the
    registered debt amount as the real loan; the other banks' slots close. A
    pledge filed by hand — even to the same bank, for the same patent — is
    another loan and closes nothing."""
    slot_id = _origin_slot_id(filing)
    if slot_id is None:
        return None
    slot = lock_answer_or_none(slot_id)
    if slot is None or slot.state != AnswerState.APPROVED:
        return None
    request = FinancingRequest.objects.select_for_update().filter(pk=slot.request_id).first()
    if (
        request is None
        or request.state != RequestState.OPEN
        or request.organisation_id != filing.organisation_id
        or not _offers(request, filing)
    ):
        return None
    loan, close = workflow.transition("loan"), workflow.transition("close")
    _apply(actor=actor, answer=slot, t=loan, now=now, values={})
    for other in request.answers.filter(state__in=workflow.OPEN_STATES).values_list(
        "pk", flat=True
    ):
        _apply(actor=actor, answer=lock_answer(other), t=close, now=now, values={})
    request.state = RequestState.LOANED
    request.loan_amount = filing.amount
    request.loan_bank = slot.bank
    request.pledge_filing = filing
    request.closed_at = now
    request.save(update_fields=["state", "loan_amount", "loan_bank", "pledge_filing", "closed_at"])
    audit_record(
        actor=actor,
        action=Action.REQUEST_LOANED,
        obj=request,
        region_path=request.region.path,
        after={
            "loan_amount": filing.amount,
            "bank": slot.bank.name,
            "registration_number": filing.registration_number,
        },
    )
    return request


def lock_answer_or_none(answer_id: int) -> BankAnswer | None:
    """:func:`lock_answer` that answers ``None`` for a slot that no longer exists."""
    try:
        return lock_answer(answer_id)
    except NotFound:
        return None


def _offers(request: FinancingRequest, filing: Any) -> bool:
    """The filing pledges a patent or mark the request offered."""
    if filing.patent_id is not None:
        return request.patents.filter(pk=filing.patent_id).exists()
    mark = str((filing.details or {}).get("trademark_number", ""))
    return bool(mark) and request.trademarks.filter(registration_number=mark).exists()
