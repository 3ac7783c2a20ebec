"""Writes of 揭榜挂帅: a call's life (create, publish, cancel), proposals (submit
with attachments, withdraw), the caller's scores, declines and the award, which
becomes a transfer deal. Every step is looked up in ``workflow.TRANSITIONS``;
steps on one call lock the call's row first, so two people acting at once are
taken one after the other (two awards: the second finds the call awarded)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iphub.brokerage import workflow
from iphub.brokerage.audit_actions import Action
from iphub.brokerage.errors import BrokerageError
from iphub.brokerage.models import (
    Call,
    CallState,
    Proposal,
    ProposalFile,
    ProposalState,
)
from iphub.brokerage.workflow import field
from iphub.core.amounts import YUAN_14, NumberRange, parse_number
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.uploads import CheckedUpload, check_upload
from iphub.patents.models import PartyRole, Patent, PatentParty
from iphub.patents.names import applicant_key
from iphub.transfer import services as transfer_services
from iphub.transfer.access import own_organisation
from iphub.transfer.models import NeedStatus, TechnologyNeed

CALL_BUDGET = NumberRange("榜单金额", maximum=YUAN_14)
PROPOSAL_AMOUNT = NumberRange("报价", maximum=YUAN_14)
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
DECLINED_BY_AWARD = "榜单已由其他方案揭榜。"


def _clean_call(data: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, label, size in (("title", "榜单名称", 200), ("description", "技术需求与目标", 5000)):
        value = str(data.get(name) or "").strip()
        if not value:
            errors[name] = f"请填写{label}。"
        elif len(value) > size:
            errors[name] = f"{label}不能超过 {size} 字。"
        out[name] = value
    try:
        out["deadline"] = dt.date.fromisoformat(str(data.get("deadline") or ""))
        if out["deadline"] <= today:
            errors["deadline"] = "揭榜截止日期应晚于今天。"
    except ValueError:
        errors["deadline"] = "请填写揭榜截止日期（YYYY-MM-DD）。"
    try:
        out["budget"] = parse_number(data.get("budget"), CALL_BUDGET, field="budget")
    except ApplicationError as exc:
        errors.update(exc.fields)
    try:
        out["criteria"] = workflow.criteria_clean(data.get("criteria"))
    except ApplicationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ApplicationError(
            f"榜单信息有误：{next(iter(errors.values()))}",
            code=BrokerageError.INVALID,
            fields=errors,
        )
    return out


@transaction.atomic
def call_create(*, actor: Any, data: Mapping[str, Any], publish: bool = False) -> Call:
    """An organisation drafts a call (and publishes it at once with ``publish``);
    ``need`` may name one of its open technology needs the call is about."""
    org = own_organisation(actor)
    clean = _clean_call(data, timezone.localdate())
    need = None
    if data.get("need"):
        need = TechnologyNeed.objects.filter(
            pk=int(data["need"]), organisation=org, status=NeedStatus.OPEN
        ).first()
        if need is None:
            raise field("need", "请选择本单位征集中的技术需求。")
    call = Call.objects.create(
        organisation=org, region=org.region, need=need, created_by=actor, **clean
    )
    audit_record(
        actor=actor, action=Action.CALL_CREATE, obj=call, region_path=call.region.path,
        after=snapshot(call),
    )  # fmt: skip
    if publish:
        call = call_publish(actor=actor, call_id=call.pk)
    return call


def _locked(call_id: int) -> Call:
    call = (
        Call.objects.select_for_update(of=("self",))
        .select_related("organisation", "region")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        raise NotFound("未找到该榜单。")
    return call


def _move_call(actor: Any, call_id: int, name: str) -> Call:
    call = _locked(call_id)
    today = timezone.localdate()
    t = workflow.check(name, user=actor, call=call, today=today)
    if name == "publish" and call.deadline <= today:
        raise field("deadline", "揭榜截止日期已到，请修改截止日期后再发布。")
    before = call.state
    call.state = t.target
    fields = ["state"]
    if name == "publish":
        call.published_at = timezone.now()
        fields.append("published_at")
    call.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=Action(f"call_{name}"),
        obj=call,
        region_path=call.region.path,
        before={"state": before},
        after={"state": call.state},
    )
    return call


@transaction.atomic
def call_publish(*, actor: Any, call_id: int) -> Call:
    """The caller publishes a draft: proposals may come until the deadline."""
    return _move_call(actor, call_id, "publish")


@transaction.atomic
def call_cancel(*, actor: Any, call_id: int) -> Call:
    """The caller (or window staff of its region) takes the call down; proposers are told."""
    call = _move_call(actor, call_id, "cancel")
    orgs = [p.organisation for p in call.proposals.select_related("organisation")]
    if orgs:
        transfer_services.notify(
            organisations=orgs,
            title=f"榜单“{call.title}”已撤榜",
            body="",
            link=reverse("brokerage:call_detail", args=[call.pk]),
        )
    return call


def _proposal_patents(org_name: str, raw: Any) -> list[Patent]:
    """The proposer's own patents its proposal names (by id or application number)."""
    tokens = raw if isinstance(raw, list) else str(raw or "").replace("，", ",").split(",")
    tokens = [str(t).strip() for t in tokens if str(t).strip()]
    if not tokens:
        raise field("patents", "请列明方案所依托的本单位专利（至少一件）。")
    ids = [int(t) for t in tokens if t.isdigit() and len(t) < 10]
    numbers = [t for t in tokens if not (t.isdigit() and len(t) < 10)]
    found = list(Patent.objects.filter(pk__in=ids)) + list(
        Patent.objects.filter(application_number__in=numbers)
    )
    own = set(
        PatentParty.objects.filter(
            role=PartyRole.APPLICANT,
            key=applicant_key(org_name),
            patent_id__in=[p.pk for p in found],
        ).values_list("patent_id", flat=True)
    )
    if len(found) != len(tokens) or any(p.pk not in own for p in found):
        raise field("patents", "所列专利须为本单位作为申请人/专利权人的专利，请核对申请号。")
    return found


def _checked_files(files: Sequence[Any]) -> list[CheckedUpload]:
    if len(files) > MAX_FILES:
        raise field("files", f"最多上传 {MAX_FILES} 个附件。")
    return [
        check_upload(f, field="files", limit=MAX_FILE_BYTES, code=BrokerageError.BAD_FILE)
        for f in files
    ]


@transaction.atomic
def proposal_submit(
    *, actor: Any, call_id: int, data: Mapping[str, Any], files: Sequence[Any] = ()
) -> Proposal:
    """A university, institute or firm answers an open call before its deadline,
    with its plan, the patents it rests on and attachments (PDF/JPEG/PNG)."""
    call = _locked(call_id)
    today = timezone.localdate()
    workflow.submit_check(user=actor, call=call, today=today)
    org = actor.organisation
    if Proposal.objects.filter(call=call, organisation=org).exists():
        raise field("text", "贵单位已提交过方案；如需修改，请先撤回原方案后重新提交。")
    text = str(data.get("text") or "").strip()
    if len(text) < 20:
        raise field("text", "请用至少 20 个字说明揭榜方案（技术路线、进度与预期成果）。")
    amount = parse_number(data.get("amount"), PROPOSAL_AMOUNT, field="amount")
    patents = _proposal_patents(org.name, data.get("patents"))
    checked = _checked_files(files)
    proposal = Proposal.objects.create(
        call=call,
        organisation=org,
        text=text[:10000],
        amount=amount,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    proposal.patents.set(patents)
    for up in checked:
        ProposalFile.objects.create(
            proposal=proposal,
            file=ContentFile(up.content, name=f"{uuid.uuid4().hex}.{up.extension}"),
            original_name=up.original_name,
            content_type=up.content_type,
            size=len(up.content),
            sha256=up.sha256,
        )
    audit_record(
        actor=actor,
        action=Action.PROPOSAL_SUBMIT,
        obj=proposal,
        region_path=call.region.path,
        after={"patents": [p.pk for p in patents], "files": [u.sha256 for u in checked]},
    )
    transfer_services.notify(
        organisations=[call.organisation],
        title=f"{org.name}揭榜“{call.title}”",
        body=text[:200],
        link=reverse("brokerage:call_detail", args=[call.pk]),
    )
    return proposal


def _proposal(call: Call, proposal_id: int) -> Proposal:
    p = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=proposal_id, call=call)
        .first()
    )
    if p is None:
        raise NotFound("未找到该揭榜方案。")
    return p


def _call_of(proposal_id: int) -> Call:
    call_id = Proposal.objects.filter(pk=proposal_id).values_list("call_id", flat=True).first()
    if call_id is None:
        raise NotFound("未找到该揭榜方案。")
    return _locked(call_id)


@transaction.atomic
def proposal_withdraw(*, actor: Any, proposal_id: int) -> Proposal:
    """The proposer takes its proposal back before the deadline."""
    call = _call_of(proposal_id)
    p = _proposal(call, proposal_id)
    workflow.check("withdraw", user=actor, call=call, proposal=p, today=timezone.localdate())
    p.state = ProposalState.WITHDRAWN
    p.save(update_fields=["state"])
    # Withdrawn, the organisation may submit again: the old row goes.
    audit_record(
        actor=actor, action=Action.PROPOSAL_WITHDRAW, obj=p, region_path=call.region.path,
        before={"state": ProposalState.SUBMITTED}, after={"state": p.state},
    )  # fmt: skip
    p.delete()
    return p


@transaction.atomic
def proposal_score(*, actor: Any, proposal_id: int, scores: Mapping[str, Any]) -> Proposal:
    """The caller scores a proposal 0-100 on each of the call's criteria; the
    weighted total orders the proposals."""
    call = _call_of(proposal_id)
    p = _proposal(call, proposal_id)
    # Scoring is the caller's review step: the same rule as awarding.
    workflow.check("award", user=actor, call=call, proposal=p, today=timezone.localdate())
    clean: dict[str, float] = {}
    for c in call.criteria:
        raw = str(scores.get(c["name"], "")).strip()
        try:
            value = float(raw)
        except ValueError:
            raise field("scores", f"请为“{c['name']}”打分（0-100）。") from None
        if not 0 <= value <= 100:
            raise field("scores", f"“{c['name']}”的得分应在 0-100 之间。")
        clean[c["name"]] = value
    before = {"scores": p.scores, "total_score": p.total_score}
    p.scores = clean
    p.total_score = Decimal(str(workflow.weighted_total(call.criteria, clean)))
    p.save(update_fields=["scores", "total_score"])
    audit_record(
        actor=actor, action=Action.PROPOSAL_SCORE, obj=p, region_path=call.region.path,
        before=before, after={"scores": p.scores, "total_score": p.total_score},
    )  # fmt: skip
    return p


@transaction.atomic
def proposal_decline(*, actor: Any, proposal_id: int, reason: str) -> Proposal:
    """The caller declines a proposal with a reason the proposer reads."""
    call = _call_of(proposal_id)
    p = _proposal(call, proposal_id)
    workflow.check("decline", user=actor, call=call, proposal=p, today=timezone.localdate())
    reason = reason.strip()
    if len(reason) < 4:
        raise field("reason", "请写明未入选的原因（至少 4 个字），揭榜方会看到。")
    p.state, p.decline_reason = ProposalState.DECLINED, reason[:300]
    p.save(update_fields=["state", "decline_reason"])
    audit_record(
        actor=actor, action=Action.PROPOSAL_DECLINE, obj=p, region_path=call.region.path,
        before={"state": ProposalState.SUBMITTED}, after={"state": p.state, "reason": reason},
    )  # fmt: skip
    transfer_services.notify(
        organisations=[p.organisation],
        title=f"您对“{call.title}”的揭榜方案未入选",
        body=p.decline_reason,
        link=reverse("brokerage:call_detail", args=[call.pk]),
    )
    return p


@transaction.atomic
def proposal_award(*, actor: Any, proposal_id: int, deal: Mapping[str, Any]) -> Proposal:
    """The caller awards one proposal: the call is 已揭榜, the other proposals are
    declined (they read why), and the deal — the proposer's named patents to
    the caller, of the kind and amount given — is recorded through transfer.
    The call's row is locked first: of two awards at once, the second finds
    the call awarded and is refused."""
    call = _call_of(proposal_id)
    p = _proposal(call, proposal_id)
    workflow.check("award", user=actor, call=call, proposal=p, today=timezone.localdate())
    made = transfer_services.deal_record_awarded(
        actor=actor,
        data=deal,
        seller_id=p.organisation_id,
        buyer_id=call.organisation_id,
        patent_ids=list(p.patents.values_list("pk", flat=True)),
    )
    p.state = ProposalState.AWARDED
    p.save(update_fields=["state"])
    others = list(
        call.proposals.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(state=ProposalState.SUBMITTED)
        .exclude(pk=p.pk)
    )
    for other in others:
        other.state, other.decline_reason = ProposalState.DECLINED, DECLINED_BY_AWARD
        other.save(update_fields=["state", "decline_reason"])
    call.state, call.awarded_at, call.deal = CallState.AWARDED, timezone.now(), made
    call.save(update_fields=["state", "awarded_at", "deal"])
    audit_record(
        actor=actor, action=Action.CALL_AWARD, obj=call, region_path=call.region.path,
        before={"state": CallState.OPEN},
        after={"state": call.state, "proposal": p.pk, "deal": made.pk},
    )  # fmt: skip
    link = reverse("brokerage:call_detail", args=[call.pk])
    transfer_services.notify(
        organisations=[p.organisation], title=f"您的方案揭榜“{call.title}”", body="", link=link
    )
    if others:
        transfer_services.notify(
            organisations=[o.organisation for o in others],
            title=f"您对“{call.title}”的揭榜方案未入选",
            body=DECLINED_BY_AWARD,
            link=link,
        )
    return p
