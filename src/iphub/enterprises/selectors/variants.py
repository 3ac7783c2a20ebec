"""Applicant-name variants: the organisation's list, the staff queue, and the
applicant names a proposer may pick from."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from iphub.core.errors import NotFound
from iphub.core.models import Organisation
from iphub.core.permissions import has_role, region_path_of
from iphub.enterprises.models import ApplicantNameVariant, VariantStatus
from iphub.enterprises.workflow import REVIEW_ROLES, available, may_review
from iphub.patents.models import PartyRole, PatentParty
from iphub.patents.names import applicant_key


def variant_list(*, organisation: Organisation, full: bool) -> QuerySet[ApplicantNameVariant]:
    """The organisation's variants: every one for the full profile, the confirmed
    ones for the public form."""
    qs = ApplicantNameVariant.objects.filter(organisation=organisation).select_related(
        "organisation__region", "proposed_by", "decided_by"
    )
    return qs if full else qs.filter(status=VariantStatus.CONFIRMED)


def variant_queue(*, user: Any) -> QuerySet[ApplicantNameVariant]:
    """Proposals waiting for the reviewer's decision, inside their region (empty,
    via ``.none()``, for anyone who does not review)."""
    qs = ApplicantNameVariant.objects.select_related("organisation__region", "proposed_by")
    scope = region_path_of(user)
    if not has_role(user, *REVIEW_ROLES) or scope is None:
        return qs.none()
    qs = qs.filter(status=VariantStatus.PROPOSED)
    if scope:
        qs = qs.filter(
            Q(organisation__region__path=scope)
            | Q(organisation__region__path__startswith=scope + "/")
        )
    return qs.order_by("proposed_at", "pk")


def variant_get(*, user: Any, variant_id: int) -> ApplicantNameVariant:
    """One variant for review; 404 unless the user reviews the organisation's region."""
    v = (
        ApplicantNameVariant.objects.select_related("organisation__region")
        .filter(pk=variant_id)
        .first()
    )
    if v is None or not may_review(user, v):
        raise NotFound("未找到该名称归并申请。")
    return v


def variant_rows(user: Any, variants: QuerySet[ApplicantNameVariant]) -> list[dict[str, Any]]:
    """Rows for the page: the variant and the steps the user may take on it."""
    return [{"v": v, "actions": available(user, v)} for v in variants]


def name_patent_count(name: str) -> int:
    """How many patents name an applicant with ``name``'s key."""
    return (
        PatentParty.objects.filter(role=PartyRole.APPLICANT, key=applicant_key(name))
        .values("patent_id")
        .distinct()
        .count()
    )


def similar_applicant_names(org: Organisation, *, limit: int = 8) -> list[tuple[str, int]]:
    """Applicant names that start like the organisation's and are not yet its own
    (hints for a proposal: former names, branch spellings), with patent counts."""
    own = {applicant_key(org.name)} | set(
        ApplicantNameVariant.objects.filter(organisation=org).values_list("key", flat=True)
    )
    stem = applicant_key(org.name)[:4]
    if len(stem) < 4:
        return []
    # A key range, not LIKE: the (role, key) index answers it.
    rows = (
        PatentParty.objects.filter(role=PartyRole.APPLICANT, key__gte=stem, key__lt=stem + "\uffff")
        .exclude(key__in=own)
        .values("key")
        .annotate(n=Count("patent_id", distinct=True))
        .order_by("-n")[:limit]
    )
    keys = [r["key"] for r in rows]
    names = dict(
        PatentParty.objects.filter(role=PartyRole.APPLICANT, key__in=keys).values_list(
            "key", "name"
        )
    )
    return [(names.get(r["key"], r["key"]), r["n"]) for r in rows]
