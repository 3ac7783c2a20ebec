"""Who may act on a need, a listing or a match, on top of ``core.permissions``.

A need or listing has two kinds of people who may change it: members of the
organisation that owns it (enterprise and agency accounts act for one
organisation), and window staff or supervisors whose region contains it.
"""

from __future__ import annotations

from typing import Any

from iphub.core.errors import AccessDenied
from iphub.core.models import Organisation, Role
from iphub.core.permissions import has_role, in_region, require_login
from iphub.core.permissions import signed_in as signed_in_user

STAFF_ROLES = (Role.WINDOW, Role.SUPERVISOR)
PUBLIC_ROLES = (Role.ENTERPRISE, Role.AGENCY)


signed_in = require_login


def is_member(user: Any, organisation_id: int | None) -> bool:
    """True if ``user`` acts for the organisation ``organisation_id``."""
    return (
        signed_in_user(user)
        and user.role in PUBLIC_ROLES
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def is_staff_over(user: Any, region_path: str) -> bool:
    """True if ``user`` is window staff or a supervisor whose region contains ``region_path``."""
    return has_role(user, *STAFF_ROLES) and in_region(user, region_path)


def side_of(user: Any, *, organisation_id: int | None, region_path: str) -> str:
    """``owner`` or ``staff`` for a user who may change the record, else raise."""
    signed_in(user)
    if is_member(user, organisation_id):
        return "owner"
    if is_staff_over(user, region_path):
        return "staff"
    raise AccessDenied("您无权操作该记录：它不属于您的单位，也不在您的管辖范围内。")


def own_organisation(user: Any) -> Organisation:
    """The organisation an enterprise or agency user acts for."""
    signed_in(user)
    if user.role not in PUBLIC_ROLES or user.organisation_id is None:
        raise AccessDenied("只有企业、高校或服务机构账号才能以本单位名义发布。")
    org: Organisation = user.organisation
    return org


def ensure_holder(user: Any, organisation: Organisation, what: str) -> None:
    """Raise unless ``user`` acts for ``organisation``: some acts are the holder's own
    declaration (withdrawing a listing, revoking an open licence, Patent Law Art. 50)
    and staff cannot make them on its behalf. ``what`` names the act for the message."""
    signed_in(user)
    if not is_member(user, organisation.pk):
        raise AccessDenied(f"只有挂牌单位“{organisation.name}”的账号可以{what}。")
