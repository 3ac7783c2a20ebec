"""Every read of the policy library: public lists and full-text search, the
staff's region-scoped list (404 outside it) and the organisation's qualifying
policies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from iphub.core.errors import AccessDenied, NotFound
from iphub.core.models import Organisation
from iphub.core.permissions import require_login, scope_queryset
from iphub.patents.search.highlight import highlight
from iphub.policies import access
from iphub.policies.conditions import OrganisationFacts, Qualification, evaluate
from iphub.policies.models import Policy, Validity
from iphub.policies.search import policy_index_search


@dataclass
class PolicyResult:
    policies: list[Policy]
    title_html: dict[int, SafeString]
    total: int
    searched: bool


def policy_list(
    *, q: str = "", level: str = "", validity: str = "", support: bool = False
) -> PolicyResult:
    """The public library, newest first; with ``q`` the full-text search's matches,
    best first, titles highlighted (words or 文号, same engine as patent search)."""
    qs = Policy.objects.select_related("region")
    if level:
        qs = qs.filter(level=level)
    if validity:
        qs = qs.filter(validity=validity)
    if support:
        qs = qs.filter(is_support=True)
    q = (q or "").strip()[:200]
    if not q:
        items = list(qs.order_by("-issued_on", "-id")[:200])
        return PolicyResult(
            items, {p.pk: mark_safe(escape(p.title)) for p in items}, len(items), False
        )
    hits, words = policy_index_search(q)
    order = [h.id for h in hits]
    ranked = Case(*[When(pk=pk, then=i) for i, pk in enumerate(order)], output_field=IntegerField())
    items = list(qs.filter(pk__in=order).annotate(rank=ranked).order_by("rank")) if order else []
    marked = {p.pk: mark_safe(highlight(p.title, words)) for p in items}
    return PolicyResult(items, marked, len(items), True)


def policy_get(*, policy_id: int) -> Policy:
    """One document (public)."""
    policy = Policy.objects.select_related("region").filter(pk=policy_id).first()
    if policy is None:
        raise NotFound("未找到该政策。")
    return policy


def policy_keep_list(*, user: Any) -> QuerySet[Policy]:
    """The documents of the staff user's region and the regions inside it."""
    require_login(user)
    if not access.may_keep_library(user):
        raise AccessDenied("政策库由省、市（州）的工作人员维护。")
    return scope_queryset(user, Policy.objects.select_related("region")).order_by(
        "-issued_on", "-id"
    )


def policy_keep_get(*, user: Any, policy_id: int) -> Policy:
    """A document the staff user keeps; outside their region it is not found (404)."""
    policy = policy_keep_list(user=user).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound("未找到该政策。")
    return policy


def policy_check(policy: Policy, organisation: Organisation) -> Qualification:
    """``policy``'s conditions checked against ``organisation``, each explained."""
    return Qualification(policy, evaluate(policy.conditions, OrganisationFacts(organisation)))


def qualifying_policies(organisation: Organisation) -> list[Qualification]:
    """Subsidy and reward policies in force that ``organisation`` appears to qualify
    for, each with every condition checked and explained (``checks``: label, met,
    explanation). The enterprise profile shows these; the page "我可能符合的政策"
    also lists those it does not yet meet (see :func:`support_policy_checks`).

    Only policies in force (validity 有效) whose region contains the
    organisation's region are considered; the facts (patents, pledges, training
    hours) are read once for all of them.
    """
    return [q for q in support_policy_checks(organisation) if q.qualifies]


def support_policy_checks(organisation: Organisation) -> list[Qualification]:
    """Every subsidy or reward policy in force for the organisation's region, checked;
    those it meets first, then by how many conditions it meets."""
    facts = OrganisationFacts(organisation)
    path = organisation.region.path
    out = []
    policies = Policy.objects.select_related("region").filter(
        is_support=True, validity=Validity.EFFECTIVE
    )
    for policy in policies.order_by("-issued_on", "-id"):
        if not (path == policy.region.path or path.startswith(policy.region.path + "/")):
            continue
        out.append(Qualification(policy, evaluate(policy.conditions, facts)))
    return sorted(out, key=lambda q: (not q.qualifies, -q.met))


def organisation_of(user: Any) -> Organisation:
    """The organisation a signed-in public user acts for (the page of its policies)."""
    require_login(user)
    if user.organisation_id is None or getattr(user, "is_region_staff", False):
        raise AccessDenied("“我可能符合的政策”面向企业、高校和服务机构账号。")
    return user.organisation  # type: ignore[no-any-return]
