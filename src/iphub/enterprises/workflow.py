"""Who may do what with an applicant-name variant, in one table.

* ``propose`` — any signed-in user: the organisation's own users first of all
  ("这些专利的申请人名称也是我们"), but anyone who knows better may point it out;
  a proposal changes no figure until staff confirm it.
* ``confirm``, ``reject`` (with a reason), ``revoke`` (a confirmed variant found
  wrong, with a reason) — window and supervisor staff whose region contains the
  organisation's region: the county or city that registers and serves it, or the
  province. A reviewer outside the region does not see the proposal at all (404).

Nothing else compares a variant's status: views ask :func:`available`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from iphub.core.models import Role
from iphub.core.permissions import has_role, in_region
from iphub.enterprises.models import ApplicantNameVariant
from iphub.enterprises.models import VariantStatus as S

REVIEW_ROLES = (Role.WINDOW, Role.SUPERVISOR)
# Staff who read an organisation's full profile (their region's organisations).
PROFILE_STAFF_ROLES = (Role.WINDOW, Role.ENFORCEMENT, Role.SUPERVISOR)


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    needs_reason: bool


TRANSITIONS: tuple[Transition, ...] = (
    Transition("confirm", gettext_lazy("确认归并"), frozenset({S.PROPOSED}), S.CONFIRMED, False),
    Transition("reject", gettext_lazy("不予确认"), frozenset({S.PROPOSED}), S.REJECTED, True),
    Transition("revoke", gettext_lazy("撤销归并"), frozenset({S.CONFIRMED}), S.REVOKED, True),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def may_review(user: Any, variant: ApplicantNameVariant) -> bool:
    """Staff of a review role whose region contains the organisation's."""
    return has_role(user, *REVIEW_ROLES) and in_region(user, variant.organisation.region)


def available(user: Any, variant: ApplicantNameVariant) -> list[Transition]:
    """The steps ``user`` may take on ``variant`` now (the buttons to show)."""
    if not may_review(user, variant):
        return []
    return [t for t in TRANSITIONS if variant.status in t.sources]


def counts(variant_status: str) -> bool:
    """True if a variant in this status adds its patents to the organisation."""
    return variant_status == S.CONFIRMED
