"""Reads of insurance: policies and claims as the user may see them (staff their
region's; the insured and the registering organisation their own)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from iphub.core.errors import ApplicationError, NotFound
from iphub.core.permissions import region_path_of, scope_queryset
from iphub.finance.models import InsuranceClaim, InsurancePolicy
from iphub.protection.models import AssistanceRequest


def policy_list(*, user: Any, kind: str = "") -> QuerySet[InsurancePolicy]:
    """Policies ``user`` may see, newest period first."""
    if user is None or not user.is_authenticated:
        raise ApplicationError("请先登录。", code="not_authenticated", status=401)
    qs = InsurancePolicy.objects.select_related("region", "insured", "registered_by_org")
    if region_path_of(user) is not None:
        qs = scope_queryset(user, qs)
    elif user.organisation_id is not None:
        org = user.organisation_id
        # The insured its own; an insurer its company's (registered by it or naming it).
        qs = qs.filter(Q(insured=org) | Q(registered_by_org=org) | Q(insurer_org=org))
    else:
        qs = qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-starts_on", "-id")


def policy_get(*, user: Any, policy_id: int) -> InsurancePolicy:
    """One policy ``user`` may see (404 otherwise)."""
    policy = (
        policy_list(user=user)
        .prefetch_related("patents", "trademarks")
        .filter(pk=policy_id)
        .first()
    )
    if policy is None:
        raise NotFound("未找到该保单。")
    return policy


def claim_list(policy: InsurancePolicy) -> QuerySet[InsuranceClaim]:
    """A visible policy's claims with the case each arises from."""
    return policy.claims.select_related("case", "assistance").order_by("-filed_on", "-id")


def may_register(user: Any, policy: InsurancePolicy) -> bool:
    """Whether ``user`` files claims and records outcomes on ``policy`` (its
    insured or the organisation that registered it; staff only watch)."""
    return bool(
        user.is_authenticated
        and region_path_of(user) is None
        and user.organisation_id
        in (policy.insured_id, policy.registered_by_org_id, policy.insurer_org_id)
    )


def assistance_choices(policy: InsurancePolicy) -> QuerySet[AssistanceRequest]:
    """The insured's own assistance cases, for a claim's case choice."""
    return AssistanceRequest.objects.filter(organisation=policy.insured_id).order_by(
        "-submitted_at"
    )
