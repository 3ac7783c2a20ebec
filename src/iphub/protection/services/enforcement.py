"""Enforcement writes: campaigns, cases and their state machine, evidence,
cooperation requests between regions and mutual recognition of evidence."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from iphub.core.amounts import YUAN_14, NumberRange, parse_number
from iphub.core.audit import audit_record, snapshot
from iphub.core.calendar import add_working_days
from iphub.core.errors import ApplicationError
from iphub.core.models import Region, Role
from iphub.core.permissions import ensure_region_access, has_role, region_path_of, require_roles
from iphub.protection.audit_actions import Action
from iphub.protection.errors import ProtectionErrorCode
from iphub.protection.models import (
    Campaign,
    Case,
    CaseEvent,
    CaseParty,
    CaseState,
    CaseType,
    CooperationRequest,
    CooperationStatus,
    EvidenceFile,
    GroupStatus,
)
from iphub.protection.uploads import evidence_check
from iphub.protection.workflow import find_transition, transitions_from

# Days a region has to answer a cooperation request unless the requester says
# otherwise. *Unverified*: no rule found fixing it, so it is a default, not a law.
COOPERATION_WORKING_DAYS = 10


def _region(code: str, field: str = "region") -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ApplicationError("未知的行政区划代码。", fields={field: "未知的行政区划代码。"})
    return region


def _campaign_check(
    *, name: str, starts_on: dt.date, ends_on: dt.date, case_types: list[str] | None
) -> None:
    if not name.strip():
        raise ApplicationError("请填写名称。", fields={"name": "请填写名称。"})
    if ends_on < starts_on:
        raise ApplicationError(
            "结束日期不能早于开始日期。", fields={"ends_on": "结束日期不能早于开始日期。"}
        )
    bad = [t for t in case_types or [] if t not in CaseType.values]
    if bad:
        raise ApplicationError(
            "案件类型无效。", fields={"case_types": f"无效的类型：{', '.join(bad)}"}
        )


def campaign_create(
    *,
    actor: Any,
    name: str,
    region_code: str,
    starts_on: dt.date,
    ends_on: dt.date,
    scope: str = "",
    case_types: list[str] | None = None,
) -> Campaign:
    """Launch a 专项行动 in the actor's region (or a region inside it)."""
    require_roles(actor, Role.ENFORCEMENT)
    region = _region(region_code)
    ensure_region_access(actor, region)
    _campaign_check(name=name, starts_on=starts_on, ends_on=ends_on, case_types=case_types)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name.strip(),
            scope=scope,
            case_types=case_types or [],
            region=region,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.CAMPAIGN_CREATE,
            obj=campaign,
            region_path=region.path,
            after=snapshot(campaign),
        )
    return campaign


def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    region_code: str,
    starts_on: dt.date,
    ends_on: dt.date,
    scope: str = "",
    case_types: list[str] | None = None,
) -> Campaign:
    """Change a campaign's name, scope, case types, region or period.

    The officer must reach both the campaign's current region and the new one,
    so a campaign cannot be moved out of (or pulled into) someone's region.
    """
    require_roles(actor, Role.ENFORCEMENT)
    ensure_region_access(actor, campaign.region)
    region = _region(region_code)
    ensure_region_access(actor, region)
    _campaign_check(name=name, starts_on=starts_on, ends_on=ends_on, case_types=case_types)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = snapshot(locked)
        locked.name, locked.scope = name.strip(), scope
        locked.case_types, locked.region = case_types or [], region
        locked.starts_on, locked.ends_on = starts_on, ends_on
        locked.save()
        audit_record(
            actor=actor,
            action=Action.CAMPAIGN_UPDATE,
            obj=locked,
            region_path=region.path,
            before=before,
            after=snapshot(locked),
        )
    return locked


def case_create(
    *,
    actor: Any,
    title: str,
    case_type: str,
    region_code: str,
    description: str = "",
    source: str = "",
    campaign: Campaign | None = None,
    parties: list[dict[str, str]] | None = None,
    flagged_group_id: int | None = None,
) -> Case:
    """Register a clue (线索) as a new case in the actor's region."""
    require_roles(actor, Role.ENFORCEMENT)
    if case_type not in CaseType.values:
        msg = "案件类型只能是：" + "、".join(str(c.label) for c in CaseType) + "。"
        raise ApplicationError(msg, fields={"case_type": msg})
    region = _region(region_code)
    ensure_region_access(actor, region)
    if campaign is not None and not (
        campaign.starts_on <= timezone.localdate() <= campaign.ends_on
    ):
        raise ApplicationError(
            "专项行动不在进行期间。", fields={"campaign": "专项行动不在进行期间。"}
        )
    with transaction.atomic():
        year = timezone.localdate().year
        # The number is region + year + a uuid fragment: readable, and unique without
        # a counter row every concurrent creator would have to lock.
        number = f"{region.code}-{year}-{uuid.uuid4().hex[:6].upper()}"
        case = Case.objects.create(
            number=number,
            title=title.strip(),
            case_type=case_type,
            region=region,
            description=description,
            source=source,
            campaign=campaign,
            handler=actor,
            flagged_group_id=flagged_group_id,
        )
        for party in parties or []:
            role = party.get("role", CaseParty.PartyRole.RESPONDENT)
            if role not in CaseParty.PartyRole.values or not party.get("name", "").strip():
                raise ApplicationError(
                    "当事人信息不完整。", fields={"parties": "当事人信息不完整。"}
                )
            CaseParty.objects.create(case=case, role=role, name=party["name"].strip())
        audit_record(
            actor=actor,
            action=Action.CASE_CREATE,
            obj=case,
            region_path=region.path,
            after=snapshot(case),
        )
    return case


PENALTY_AMOUNT = NumberRange("罚没金额", maximum=YUAN_14)


def flagged_group_case_open(*, actor: Any, group: Any) -> Case:
    """Open an abnormal-filing case (立案查处) from a 蓝天 group confirmed as abnormal
    filing, naming up to three agencies and three applicants as respondents."""
    if group.status != GroupStatus.CONFIRMED:
        raise ApplicationError("只有确认为非正常申请的组才能立案。")
    return case_create(
        actor=actor,
        title=f"非正常专利申请：{group.summary}"[:200],
        case_type=CaseType.ABNORMAL_FILING,
        region_code=group.region.code,
        source=f"蓝天筛查 #{group.pk}",
        flagged_group_id=group.pk,
        parties=[
            {"role": "respondent", "name": n} for n in [*group.agencies[:3], *group.applicants[:3]]
        ],
    )


def case_transition(
    *,
    actor: Any,
    case: Case,
    target: str,
    note: str = "",
    expected_state: str | None = None,
    penalty_amount: Decimal | str | None = None,
    penalty_detail: str = "",
) -> Case:
    """Move a case along the state machine (``workflow.TRANSITIONS``).

    The row is locked for the check and the write: two officers moving the same
    case at once are served one after the other, and the second finds the case
    already moved. ``expected_state`` is the state the officer's page showed;
    if it changed meanwhile, the move is refused rather than applied blind.
    """
    require_roles(actor, Role.ENFORCEMENT)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        ensure_region_access(actor, locked.region)
        if expected_state is not None and locked.state != expected_state:
            raise ApplicationError(
                f"案件状态已变为“{locked.get_state_display()}”，请刷新后再操作。",
                code=ProtectionErrorCode.STALE_STATE,
                status=409,
            )
        move = find_transition(locked.state, target)
        if move is None:
            allowed = "、".join(t.action for t in transitions_from(locked.state)) or "无"
            raise ApplicationError(
                f"案件处于“{locked.get_state_display()}”状态，不能执行该操作（可执行：{allowed}）。",
                code=ProtectionErrorCode.TRANSITION_NOT_ALLOWED,
                status=409,
            )
        if not has_role(actor, *move.roles):
            raise ApplicationError(
                "您的角色不能执行该操作。",
                code=ProtectionErrorCode.TRANSITION_NOT_ALLOWED,
                status=403,
            )
        before = snapshot(locked)
        if penalty_detail:
            locked.penalty_detail = penalty_detail.strip()[:500]
        amount = parse_number(penalty_amount, PENALTY_AMOUNT, field="penalty_amount")
        if amount is not None:
            locked.penalty_amount = amount
        missing = [f for f in move.requires if not getattr(locked, f)]
        if missing:
            raise ApplicationError(
                "请先填写处理决定内容。", fields={f: "此项为必填项。" for f in missing}
            )
        today = timezone.localdate()
        locked.state = target
        if target == CaseState.FILED:
            locked.filed_on = today
        elif target == CaseState.DECIDED:
            locked.decided_on = today
        elif target == CaseState.CLOSED:
            locked.closed_on = today
        locked.save()
        CaseEvent.objects.create(
            case=locked, from_state=move.source, to_state=target, actor=actor, note=note[:500]
        )
        audit_record(
            actor=actor,
            action=Action.CASE_TRANSITION,
            obj=locked,
            region_path=locked.region.path,
            before=before,
            after=snapshot(locked),
        )
    return locked


def evidence_add(*, actor: Any, case: Case, upload: Any, description: str = "") -> EvidenceFile:
    """Attach a checked PDF/JPEG/PNG to a case that is not closed."""
    require_roles(actor, Role.ENFORCEMENT)
    ensure_region_access(actor, case.region)
    if case.state == CaseState.CLOSED:
        raise ApplicationError("案件已结案，不能再添加证据。", code=ProtectionErrorCode.CASE_CLOSED)
    checked = evidence_check(upload)
    with transaction.atomic():
        evidence = EvidenceFile(
            case=case,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            description=description[:300],
            uploaded_by=actor,
        )
        evidence.file.save(
            f"{checked.sha256[:16]}.{checked.extension}", ContentFile(checked.content), save=False
        )
        evidence.save()
        audit_record(
            actor=actor,
            action=Action.EVIDENCE_ADD,
            obj=evidence,
            region_path=case.region.path,
            after=snapshot(evidence, exclude=("file",)) | {"file": evidence.file.name},
        )
    return evidence


def cooperation_request_create(
    *,
    actor: Any,
    case: Case,
    to_region_code: str,
    subject: str,
    to_department: str = "",
    working_days: int = COOPERATION_WORKING_DAYS,
) -> CooperationRequest:
    """Ask another region (or department) for help; due in ``working_days`` working days."""
    require_roles(actor, Role.ENFORCEMENT)
    ensure_region_access(actor, case.region)
    to_region = _region(to_region_code, "to_region")
    if not subject.strip():
        raise ApplicationError("请填写协作事项。", fields={"subject": "此项为必填项。"})
    with transaction.atomic():
        request = CooperationRequest.objects.create(
            case=case,
            to_region=to_region,
            to_department=to_department,
            subject=subject.strip(),
            due_on=add_working_days(timezone.localdate(), working_days),
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.COOPERATION_REQUEST_CREATE,
            obj=request,
            region_path=case.region.path,
            after=snapshot(request),
        )
    return request


def cooperation_request_answer(
    *, actor: Any, request: CooperationRequest, status: str, response: str = ""
) -> CooperationRequest:
    """The receiving region accepts, completes or declines a cooperation request."""
    require_roles(actor, Role.ENFORCEMENT)
    ensure_region_access(actor, request.to_region)
    if status not in (
        CooperationStatus.ACCEPTED,
        CooperationStatus.COMPLETED,
        CooperationStatus.DECLINED,
    ):
        raise ApplicationError("答复状态无效。", fields={"status": "答复状态无效。"})
    with transaction.atomic():
        locked = CooperationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status in (CooperationStatus.COMPLETED, CooperationStatus.DECLINED):
            raise ApplicationError(
                "该协作请求已办结。", code=ProtectionErrorCode.STALE_STATE, status=409
            )
        before = snapshot(locked)
        locked.status, locked.response, locked.answered_at = status, response, timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action=Action.COOPERATION_REQUEST_ANSWER,
            obj=locked,
            region_path=locked.to_region.path,
            before=before,
            after=snapshot(locked),
        )
    return locked


def evidence_recognise(*, actor: Any, case: Case, evidence: EvidenceFile) -> EvidenceFile:
    """Record that ``case`` accepts evidence another region collected (证据互认).

    Allowed when ``case`` has a completed cooperation request to the region of
    the evidence's case: recognition follows cooperation, it does not open
    another region's files to anyone who asks.
    """
    require_roles(actor, Role.ENFORCEMENT)
    ensure_region_access(actor, case.region)
    source_path = evidence.case.region.path
    linked = any(
        source_path == r.to_region.path or source_path.startswith(r.to_region.path + "/")
        for r in case.cooperation_requests.filter(
            status=CooperationStatus.COMPLETED
        ).select_related("to_region")
    )
    if not linked or region_path_of(actor) is None:
        raise ApplicationError(
            "只能互认已办结协作请求所涉地区的证据。",
            code=ProtectionErrorCode.NOT_RECOGNISABLE,
            status=403,
        )
    with transaction.atomic():
        copy = EvidenceFile.objects.create(
            case=case,
            file=evidence.file.name,
            original_name=evidence.original_name,
            content_type=evidence.content_type,
            size=evidence.size,
            sha256=evidence.sha256,
            description=evidence.description,
            recognised_from=evidence,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.EVIDENCE_RECOGNISE,
            obj=copy,
            region_path=case.region.path,
            after=snapshot(copy, exclude=("file",)) | {"file": copy.file.name},
        )
    return copy
