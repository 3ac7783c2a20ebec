"""Overseas dispute cases: opening, the workflow steps, guidance notices and the
experts assigned (never one who declared a conflict with either party)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Organisation
from iphub.core.permissions import ensure_in_region, ensure_region_access, has_role, require_login
from iphub.overseas import workflow
from iphub.overseas.audit_actions import Action
from iphub.overseas.models import (
    CaseExpert,
    DisputeCase,
    DisputeKind,
    Expert,
    ExpertConflict,
    GuidanceNotice,
)
from iphub.overseas.services import _input
from iphub.patents.names import applicant_key


@transaction.atomic
def case_open(*, actor: Any, data: dict[str, Any]) -> DisputeCase:
    """An enterprise opens a case for itself, or staff open one for an enterprise
    of their region."""
    require_login(actor)
    if has_role(actor, *workflow.STAFF_ROLES):
        org = (
            Organisation.objects.select_related("region")
            .filter(pk=int(data.get("organisation") or 0))
            .first()
        )
        if org is None:
            raise field_error("organisation", "请选择企业。")
        ensure_region_access(actor, org.region)
    elif has_role(actor, *workflow.APPLICANT_ROLES) and actor.organisation_id:
        org = actor.organisation
    else:
        raise AccessDenied("海外纠纷由企业账号登记，或由执法（保护）人员代为登记。")
    kind = str(data.get("kind") or "")
    if kind not in DisputeKind.values:
        raise field_error("kind", "请选择纠纷类型。")
    opposing = _input.text(data, "opposing_party", "对方当事人", limit=200)
    case = DisputeCase.objects.create(
        organisation=org,
        region=org.region,
        country=_input.country(data.get("country")),
        kind=kind,
        opposing_party=opposing,
        opposing_key=applicant_key(opposing)[:200],
        summary=_input.text(data, "summary", "案情简述", limit=5000),
        opened_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CASE_OPEN,
        obj=case,
        region_path=org.region.path,
        after=snapshot(case),
    )
    return case


def _lock_case(actor: Any, case_id: int) -> DisputeCase:
    case = (
        DisputeCase.objects.select_for_update()
        .select_related("region", "organisation")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("未找到该案件。")
    if not workflow.is_own(actor, case):
        ensure_in_region(actor, case.region, message="未找到该案件。")
    return case


@transaction.atomic
def case_step(*, actor: Any, case_id: int, step: str, text: str = "") -> DisputeCase:
    """Accept, close (saying what came of it) or withdraw a case."""
    case = _lock_case(actor, case_id)
    move = workflow.step(step)
    workflow.ensure_may(actor, move, case)
    text = text.strip()
    if move.needs_text and not text:
        raise field_error("text", "请填写办结情况。")
    before = case.state
    case.state = move.target
    if move.name == "close":
        case.outcome = text[:5000]
        case.closed_at = timezone.now()
    case.save()
    audit_record(
        actor=actor,
        action=Action(f"overseas.case_{move.name}"),
        obj=case,
        region_path=case.region.path,
        before={"state": before},
        after={"state": case.state, **({"outcome": text} if text else {})},
    )
    return case


@transaction.atomic
def case_guidance_add(*, actor: Any, case_id: int, data: dict[str, Any]) -> GuidanceNotice:
    """Staff write a guidance notice (纠纷应对指导) on a case of their region."""
    case = _lock_case(actor, case_id)
    workflow.ensure_can_work(actor, case)
    notice = GuidanceNotice.objects.create(
        case=case,
        title=_input.text(data, "title", "标题", limit=200),
        body=_input.text(data, "body", "指导意见", limit=20000),
        author=actor,
    )
    audit_record(
        actor=actor,
        action=Action.GUIDANCE_ADD,
        obj=notice,
        region_path=case.region.path,
        after={"title": notice.title},
    )
    return notice


def conflict_with(expert: Expert, case: DisputeCase) -> ExpertConflict | None:
    """The expert's declared conflict with the case's opposing party or its
    enterprise, if any (names compared by their normalised key)."""
    keys = {case.opposing_key, applicant_key(case.organisation.name)[:200]} - {""}
    return ExpertConflict.objects.filter(expert=expert, party_key__in=keys).first()


@transaction.atomic
def case_expert_assign(*, actor: Any, case_id: int, expert_id: int) -> CaseExpert:
    """Assign a pool expert to a case. Refused, saying why, when the expert
    declared a conflict with the opposing party or the enterprise, is already on
    the case, or the case has its ``MAX_EXPERTS``. The case row and the expert row
    are locked first: two staff assigning at once are serialised, and so are an
    assignment and a conflict declaration of the same expert."""
    case = _lock_case(actor, case_id)
    workflow.ensure_can_work(actor, case)
    expert = Expert.objects.select_for_update().filter(pk=expert_id, active=True).first()
    if expert is None:
        raise field_error("expert", "请从专家库中选择专家。")
    conflict = conflict_with(expert, case)
    if conflict is not None:
        raise ApplicationError(
            f"{expert.name}已声明与“{conflict.party_name}”存在利益冲突，不能指派到本案。",
            code="expert_conflict",
            fields={"expert": "该专家存在利益冲突。"},
            status=409,
        )
    if CaseExpert.objects.filter(case=case, expert=expert).exists():
        raise ApplicationError(f"{expert.name}已是本案专家。", code="duplicate", status=409)
    if CaseExpert.objects.filter(case=case).count() >= workflow.MAX_EXPERTS:
        raise ApplicationError(
            f"每个案件最多指派 {workflow.MAX_EXPERTS} 名专家。", code="too_many", status=409
        )
    try:
        with transaction.atomic():
            assignment = CaseExpert.objects.create(case=case, expert=expert, assigned_by=actor)
    except IntegrityError:
        raise ApplicationError(
            f"{expert.name}已是本案专家。", code="duplicate", status=409
        ) from None
    audit_record(
        actor=actor,
        action=Action.EXPERT_ASSIGN,
        obj=assignment,
        region_path=case.region.path,
        after=snapshot(assignment),
    )
    return assignment
