"""Who sees which form of a profile, and the names an organisation goes by.

Full profile: the organisation's own users, and window, enforcement and
supervisor staff whose region contains the organisation's (its county, its city,
the province). Staff of another region get 404 for the full profile, as for any
record outside their region (core.permissions). Everyone, signed in or not, may
open the public form (see :mod:`iphub.enterprises.selectors.figures` for what it
masks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse

from iphub.core.errors import NotFound
from iphub.core.models import Organisation
from iphub.core.permissions import has_role, in_region, signed_in
from iphub.enterprises.models import ApplicantNameVariant, VariantStatus
from iphub.enterprises.workflow import PROFILE_STAFF_ROLES
from iphub.patents.names import applicant_key, clean_applicant

NOT_FOUND = "未找到该单位的知识产权画像：请核对统一社会信用代码。"


def organisation_by_uscc(uscc: str) -> Organisation:
    """The organisation registered under ``uscc`` (404 if none)."""
    org = (
        Organisation.objects.select_related("region")
        .filter(uscc=(uscc or "").strip().upper())
        .first()
    )
    if org is None:
        raise NotFound(NOT_FOUND)
    return org


def sees_full_profile(user: Any, org: Organisation) -> bool:
    """True for the organisation's own users and its region's staff."""
    if not signed_in(user):
        return False
    if user.organisation_id is not None and user.organisation_id == org.pk:
        return True
    return has_role(user, *PROFILE_STAFF_ROLES) and in_region(user, org.region)


def is_own_organisation(user: Any, org: Organisation) -> bool:
    """True for a signed-in user acting for ``org`` itself (not its region's staff):
    the one who may open the policies it does not yet fully meet (policies app)."""
    return (
        signed_in(user)
        and user.organisation_id is not None
        and user.organisation_id == org.pk
        and not user.is_region_staff
    )


def profile_organisation(*, user: Any, uscc: str) -> Organisation:
    """The organisation whose full profile ``user`` opens; 404 for anyone else
    (out-of-region staff included: the page answers as if it did not exist)."""
    org = organisation_by_uscc(uscc)
    if not sees_full_profile(user, org):
        raise NotFound(NOT_FOUND)
    return org


def own_profile_uscc(user: Any) -> str:
    """The USCC of the signed-in user's own organisation (its profile is theirs);
    raises NotFound for staff and for accounts without an organisation or USCC."""
    if not signed_in(user) or user.organisation_id is None or user.is_region_staff:
        raise NotFound("账号未关联登记了统一社会信用代码的单位，没有本单位的画像。")
    uscc = Organisation.objects.filter(pk=user.organisation_id).values_list("uscc", flat=True)
    code = uscc.first()
    if not code:
        raise NotFound("账号所属单位未登记统一社会信用代码，没有画像。")
    return str(code)


def profile_url(user: Any, org: Organisation) -> str:
    """The profile link ``user`` should follow for ``org``: the full page if they
    may see it, else the public one ('' for an organisation without a USCC)."""
    if not org.uscc:
        return ""
    if sees_full_profile(user, org):
        return reverse("enterprises:profile", kwargs={"uscc": org.uscc})
    return reverse("enterprises:public", kwargs={"uscc": org.uscc})


@dataclass(frozen=True)
class Names:
    """The applicant keys an organisation's patents and trademarks are counted
    under, and the raw spellings that filings and cases name it by."""

    keys: tuple[str, ...]
    spellings: tuple[str, ...]
    organisation_id: int


def organisation_names(org: Organisation) -> Names:
    """The organisation's own name and its confirmed variants (one query)."""
    variants = list(
        ApplicantNameVariant.objects.filter(
            organisation=org, status=VariantStatus.CONFIRMED
        ).values_list("name", "key")
    )
    keys = dict.fromkeys([applicant_key(org.name), *(k for _n, k in variants)])
    spellings = dict.fromkeys(
        s for n in [org.name, *(n for n, _k in variants)] for s in (n, clean_applicant(n)) if s
    )
    return Names(tuple(k for k in keys if k), tuple(spellings), org.pk)


def applicant_q(names: Names, prefix: str = "") -> Q:
    """Applicant parties of the organisation: its keys, or an explicit link
    (``PatentParty.organisation``, which imports may set)."""
    return Q(**{f"{prefix}key__in": names.keys}) | Q(
        **{f"{prefix}organisation_id": names.organisation_id}
    )


def organisations_by_key(keys: list[str]) -> dict[str, Organisation]:
    """Registered organisations whose own name or confirmed variant has one of
    ``keys`` (for links from a patent's applicants)."""
    found: dict[str, Organisation] = {}
    for v in ApplicantNameVariant.objects.filter(
        key__in=keys, status=VariantStatus.CONFIRMED
    ).select_related("organisation__region"):
        found[v.key] = v.organisation
    wanted = set(keys) - set(found)
    if wanted:
        # Organisation has no key column: the names are narrowed in SQL by their
        # first characters, then keyed here (a patent names a handful of applicants).
        starts = Q()
        for k in wanted:
            starts |= Q(name__istartswith=k[:4])
        for org in Organisation.objects.filter(starts).select_related("region")[:200]:
            k = applicant_key(org.name)
            if k in wanted:
                found.setdefault(k, org)
    return found
