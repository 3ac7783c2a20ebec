"""IP insurance: policies registered by the insured enterprise or by the insurer,
and claims tied to the enforcement or assistance case they arise from.

An insurer is an organisation of kind 保险公司: its staff register policies for
their own company only (the insurer's name is the company's), for an insured
named by its USCC, and see only their company's policies. The insured may still
register its own, naming the insurer; a name that is an insurer on the platform
links the policy to it. A bank or service organisation may still register for a
client (as before the kind existed); the policy keeps the name written on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iphub.core.amounts import YUAN_16, NumberRange, parse_number, parse_required
from iphub.core.audit import audit_record, snapshot
from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Organisation, OrganisationKind, Role
from iphub.core.validators import is_valid_uscc, validate_uscc
from iphub.filings import checks
from iphub.finance.audit_actions import Action
from iphub.finance.models import ClaimOutcome, InsuranceClaim, InsurancePolicy, PolicyKind
from iphub.finance.services.products import _list
from iphub.patents.names import applicant_key
from iphub.protection.models import AssistanceRequest, Case

PREMIUM = NumberRange("保费", maximum=YUAN_16, positive=True)
SUM_INSURED = NumberRange("保险金额", maximum=YUAN_16, positive=True)
SUBSIDY = NumberRange("保费补贴", maximum=YUAN_16)
CLAIMED = NumberRange("索赔金额", maximum=YUAN_16, positive=True)
PAID = NumberRange("赔付金额", maximum=YUAN_16)
INSURER_KINDS = (OrganisationKind.INSURER, OrganisationKind.BANK, OrganisationKind.AGENCY)


def _actor_org(actor: Any) -> Organisation:
    if actor is None or not actor.is_authenticated:
        raise ApplicationError("请先登录。", code="not_authenticated", status=401)
    if actor.role not in (Role.ENTERPRISE, Role.AGENCY) or actor.organisation_id is None:
        raise AccessDenied("保单由被保险企业或保险机构的用户登记。")
    return actor.organisation  # type: ignore[no-any-return]


def _date(raw: Any, field: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise field_error(field, f"请按 YYYY-MM-DD 填写{label}。") from None


def _insured(actor_org: Organisation, raw: Any) -> Organisation:
    """The insured: the actor's own organisation (blank), or — when the insurer
    registers — the organisation with that USCC."""
    text = str(raw or "").strip()
    if actor_org.kind == OrganisationKind.INSURER:
        # An insurer does not insure itself: it names the insured.
        if not text or text == str(actor_org.pk) or text.upper() == (actor_org.uscc or ""):
            raise field_error("insured", "请填写被保险人的统一社会信用代码。")
    elif not text or text == str(actor_org.pk) or text.upper() == (actor_org.uscc or ""):
        return actor_org
    if actor_org.kind not in INSURER_KINDS:
        raise field_error(
            "insured", "企业只能为本单位登记保单；由保险机构代为登记时请使用保险机构账号。"
        )
    if not is_valid_uscc(text):
        raise field_error("insured", f"统一社会信用代码“{text}”有误，请核对。")
    found = Organisation.objects.filter(uscc=validate_uscc(text)).first()
    if found is None:
        raise field_error("insured", f"平台上没有统一社会信用代码为 {text} 的单位。")
    return found


def _insurer_org(actor_org: Organisation, insurer_name: str) -> Organisation | None:
    """The insurer on the platform: the actor's own company when an insurer
    registers; else the one insurer whose name is the name written (or none)."""
    if actor_org.kind == OrganisationKind.INSURER:
        return actor_org
    key = applicant_key(insurer_name)
    found = [
        o
        for o in Organisation.objects.filter(kind=OrganisationKind.INSURER, name=insurer_name)
        if applicant_key(o.name) == key
    ]
    return found[0] if len(found) == 1 else None


@transaction.atomic
def policy_create(*, actor: Any, data: Mapping[str, Any]) -> InsurancePolicy:
    """Register a policy: kind, number, insurer, insured, the patents and marks it
    covers (the insured's own, in force), premium, sum insured, period, subsidy."""
    org = _actor_org(actor)
    insured = _insured(org, data.get("insured"))
    insurer_name = (
        str(data.get("insurer_name", "")).strip()[:200] if insured.pk == org.pk else org.name
    )
    if not insurer_name:
        raise field_error("insurer_name", "请填写保险公司名称。")
    insurer_org = _insurer_org(org, insurer_name)
    kind = str(data.get("kind", ""))
    if kind not in PolicyKind.values:
        raise field_error("kind", "请从列表中选择险种。")
    number = str(data.get("number", "")).strip()[:60]
    if not number:
        raise field_error("number", "请填写保单号。")
    premium = parse_required(data.get("premium"), PREMIUM, field="premium")
    sum_insured = parse_required(data.get("sum_insured"), SUM_INSURED, field="sum_insured")
    subsidy = parse_number(
        data.get("subsidy_claimed"), SUBSIDY, field="subsidy_claimed"
    ) or Decimal(0)
    if subsidy > premium:
        raise field_error("subsidy_claimed", "申请的保费补贴不能超过保费。")
    start = _date(data.get("starts_on"), "starts_on", "保险期间起")
    end = _date(data.get("ends_on"), "ends_on", "保险期间止")
    if end <= start:
        raise field_error("ends_on", "保险期间止须晚于保险期间起。")
    today = timezone.now().astimezone(LOCAL_TZ).date()
    patents = []
    for raw in _list(data, "patents"):
        patent = checks.patent_for(checks.canonical_number(raw, field="patents"), field="patents")
        checks.ensure_in_force(patent, today=today, field="patents")
        if applicant_key(insured.name) not in checks.patentee_keys(patent):
            raise field_error(
                "patents", f"专利 {patent.application_number} 的专利权人不是被保险人。"
            )
        patents.append(patent)
    marks = []
    for raw in _list(data, "trademarks"):
        mark = checks.trademark_for(checks.trademark_number(raw, field="trademarks"))
        if mark is None or mark.owner_key != applicant_key(insured.name):
            raise field_error("trademarks", f"商标 {raw} 不是被保险人的注册商标。")
        marks.append(mark)
    if not patents and not marks and kind != PolicyKind.OVERSEAS:
        raise field_error("patents", "请填写保单承保的专利或商标。")
    if InsurancePolicy.objects.filter(insurer_name=insurer_name, number=number).exists():
        raise field_error("number", f"{insurer_name}的保单 {number} 已登记。")
    policy = InsurancePolicy.objects.create(
        kind=kind,
        number=number,
        insurer_name=insurer_name,
        insurer_org=insurer_org,
        insured=insured,
        region=insured.region,
        premium=premium,
        sum_insured=sum_insured,
        subsidy_claimed=subsidy,
        starts_on=start,
        ends_on=end,
        registered_by=actor,
        registered_by_org=org,
    )
    policy.patents.set(patents)
    policy.trademarks.set(marks)
    audit_record(
        actor=actor,
        action=Action.POLICY_CREATE,
        obj=policy,
        region_path=insured.region.path,
        after=snapshot(policy) | {"patents": [p.application_number for p in patents]},
    )
    return policy


def _own_policy(actor: Any, policy_id: int, *, lock: bool = False) -> InsurancePolicy:
    """A policy of the actor's organisation (as insured, as the one that registered
    it, or as its insurer on the platform)."""
    org = _actor_org(actor)
    qs = InsurancePolicy.objects.select_related("region", "insured")
    if lock:
        qs = qs.select_for_update(of=("self",))
    mine = Q(insured=org) | Q(registered_by_org=org) | Q(insurer_org=org)
    policy = qs.filter(mine, pk=policy_id).first()
    if policy is None:
        raise NotFound("未找到该保单。")
    return policy


def _case(policy: InsurancePolicy, data: Mapping[str, Any]) -> tuple[Case | None, Any]:
    """The case the claim arises from: an enforcement case (by its number) in which
    the insured is a party, or an assistance case the insured asked for."""
    number = str(data.get("case_number", "")).strip()
    assistance = str(data.get("assistance", "")).strip()
    if bool(number) == bool(assistance):
        raise field_error(
            "case_number", "请填写理赔所涉的执法案件号，或选择维权援助案件（二选一）。"
        )
    if number:
        case = Case.objects.filter(number=number).first()
        if case is None:
            raise field_error("case_number", f"没有案号为 {number} 的执法案件。")
        key = applicant_key(policy.insured.name)
        if not any(
            p.organisation_id == policy.insured_id or applicant_key(p.name) == key
            for p in case.parties.all()
        ):
            raise field_error("case_number", f"被保险人不是案件 {number} 的当事人。")
        return case, None
    found = AssistanceRequest.objects.filter(
        pk=int(assistance) if assistance.isdigit() else 0, organisation=policy.insured
    ).first()
    if found is None:
        raise field_error("assistance", "请选择被保险人自己的维权援助案件。")
    return None, found


@transaction.atomic
def claim_file(*, actor: Any, policy_id: int, data: Mapping[str, Any]) -> InsuranceClaim:
    """Report a claim on a policy, linked to the case it arises from (:func:`_case`)."""
    policy = _own_policy(actor, policy_id)
    case, assistance = _case(policy, data)
    amount = parse_required(data.get("amount_claimed"), CLAIMED, field="amount_claimed")
    if amount > policy.sum_insured:
        raise field_error(
            "amount_claimed", f"索赔金额不能超过保险金额 {policy.sum_insured:,.2f} 元。"
        )
    filed_on = _date(data.get("filed_on"), "filed_on", "报案日期")
    if not policy.starts_on <= filed_on:
        raise field_error("filed_on", "报案日期早于保险期间。")
    claim = InsuranceClaim.objects.create(
        policy=policy,
        case=case,
        assistance=assistance,
        amount_claimed=amount,
        filed_on=filed_on,
        description=str(data.get("description", "")).strip()[:500],
    )
    audit_record(
        actor=actor,
        action=Action.INSURANCE_CLAIM_FILE,
        obj=claim,
        region_path=policy.region.path,
        after=snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_settle(
    *, actor: Any, claim_id: int, outcome: str, amount_paid: Any = None, on: Any = None
) -> InsuranceClaim:
    """Record a claim's outcome (paid with the amount, or refused), once."""
    claim = (
        InsuranceClaim.objects.select_for_update(of=("self",))
        .select_related("policy")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound("未找到该理赔。")
    policy = _own_policy(actor, claim.policy_id)
    if claim.outcome != ClaimOutcome.PENDING:
        raise ApplicationError(
            f"该理赔已{ClaimOutcome(claim.outcome).label}，不能再改。", status=409
        )
    if outcome not in (ClaimOutcome.PAID, ClaimOutcome.REFUSED):
        raise field_error("outcome", "理赔结果应为已赔付或拒赔。")
    paid = None
    if outcome == ClaimOutcome.PAID:
        paid = parse_required(amount_paid, PAID, field="amount_paid")
        if paid > claim.amount_claimed:
            raise field_error("amount_paid", "赔付金额不能超过索赔金额。")
    claim.outcome = outcome
    claim.amount_paid = paid
    claim.decided_on = _date(on, "decided_on", "结案日期") if on else timezone.localdate()
    claim.save(update_fields=["outcome", "amount_paid", "decided_on"])
    audit_record(
        actor=actor,
        action=Action.INSURANCE_CLAIM_SETTLE,
        obj=claim,
        region_path=policy.region.path,
        after={"outcome": outcome, "amount_paid": paid},
    )
    return claim
