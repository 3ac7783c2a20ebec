"""Writes of the enterprises app: proposing an applicant-name variant and the
region staff's decision on it. Each is one transaction, audited; the decision
locks the row so that two reviewers cannot both decide it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.core.errors import ApplicationError, ErrorCode, field_error
from iphub.core.models import Organisation
from iphub.core.permissions import require_login
from iphub.core.validators import strip_invisible
from iphub.enterprises.audit_actions import Action
from iphub.enterprises.models import ApplicantNameVariant, VariantStatus
from iphub.enterprises.selectors.variants import name_patent_count, variant_get
from iphub.enterprises.workflow import BY_NAME, available
from iphub.patents.names import applicant_key, clean_applicant

NAME_MAX = 200
REASON_MAX = 500


def _variant_after(v: ApplicantNameVariant) -> dict[str, Any]:
    return {
        "organisation": v.organisation_id,
        "name": v.name,
        "status": v.status,
        "patent_count": v.patent_count,
        "note": v.note,
        "decision_reason": v.decision_reason,
    }


@transaction.atomic
def variant_propose(
    *, actor: Any, organisation: Organisation, name: str, note: str = ""
) -> ApplicantNameVariant:
    """Propose that patents whose applicant is ``name`` are ``organisation``'s
    (any signed-in user). Refused when the name folds to the organisation's own,
    is already confirmed (for it or another organisation), is another registered
    organisation's own name, is already proposed, or names no patent."""
    require_login(actor)
    text = clean_applicant(strip_invisible(name or ""))
    note = strip_invisible(note or "").strip()[:REASON_MAX]
    if not text:
        raise field_error("name", "请填写专利上的申请人名称。")
    if len(text) > NAME_MAX:
        raise field_error("name", f"申请人名称不超过 {NAME_MAX} 个字。")
    key = applicant_key(text)[:200]
    if key == applicant_key(organisation.name):
        raise field_error("name", "这就是本单位的名称，其专利已计入画像，无需归并。")
    taken = (
        ApplicantNameVariant.objects.filter(key=key, status=VariantStatus.CONFIRMED)
        .select_related("organisation")
        .first()
    )
    if taken is not None:
        if taken.organisation_id == organisation.pk:
            raise field_error("name", "该名称已确认归并到本单位。")
        raise field_error(
            "name",
            f"该名称已确认属于“{taken.organisation.name}”；如有误，请联系其所在地工作人员撤销后再申请。",
        )
    other = (
        Organisation.objects.exclude(pk=organisation.pk)
        .filter(name__istartswith=text[:4])
        .only("name")
    )
    for o in other:
        if applicant_key(o.name) == key:
            raise field_error("name", f"“{o.name}”是另一家已登记单位的名称，不能归并到本单位。")
    if ApplicantNameVariant.objects.filter(
        organisation=organisation, key=key, status=VariantStatus.PROPOSED
    ).exists():
        raise field_error("name", "该名称已提出归并申请，正在等待工作人员确认。")
    count = name_patent_count(text)
    if count == 0:
        raise field_error("name", "没有以该名称申请的专利：请按专利上的写法填写申请人名称。")
    variant = ApplicantNameVariant.objects.create(
        organisation=organisation,
        name=text,
        key=key,
        note=note,
        patent_count=count,
        proposed_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.VARIANT_PROPOSE,
        obj=variant,
        region_path=organisation.region.path,
        after=_variant_after(variant),
    )
    return variant


@transaction.atomic
def variant_decide(
    *, actor: Any, variant_id: int, step: str, reason: str = ""
) -> ApplicantNameVariant:
    """Take ``step`` (confirm, reject, revoke) on a variant, as :mod:`workflow`
    allows; reject and revoke need a reason, which the proposer reads."""
    require_login(actor)
    variant_get(user=actor, variant_id=variant_id)  # 404 outside the reviewer's region
    variant = (
        ApplicantNameVariant.objects.select_for_update()
        .select_related("organisation__region")
        .get(pk=variant_id)
    )
    transition = BY_NAME.get(step)
    if transition is None or transition not in available(actor, variant):
        raise ApplicationError(
            f"该申请当前为“{variant.get_status_display()}”，不能执行此操作；请刷新页面后再试。",
            code=ErrorCode.CONFLICT,
            status=409,
        )
    reason = strip_invisible(reason or "").strip()
    if transition.needs_reason and not reason:
        raise field_error("reason", "请填写理由，申请人会看到它。")
    if len(reason) > REASON_MAX:
        raise field_error("reason", f"理由不超过 {REASON_MAX} 个字。")
    before = _variant_after(variant)
    variant.status = transition.target
    variant.decision_reason = reason
    variant.decided_by = actor
    variant.decided_at = timezone.now()
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "该名称已确认属于另一家单位，不能再确认归并到本单位。", code=ErrorCode.CONFLICT
        ) from exc
    audit_record(
        actor=actor,
        action=Action(f"enterprises.variant_{transition.name}"),
        obj=variant,
        region_path=variant.organisation.region.path,
        before=before,
        after=_variant_after(variant),
    )
    return variant
