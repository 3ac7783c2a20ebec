"""Who keeps the policy library: window staff and supervisors of the province or
a city (a county's staff read it like everyone). A document is kept by the
staff whose region contains its region (a province document: the province)."""

from __future__ import annotations

from typing import Any

from iphub.core.models import RegionLevel, Role
from iphub.core.permissions import can_edit_owned, has_role

KEEPER_ROLES = (Role.WINDOW, Role.SUPERVISOR)
KEEPER_LEVELS = (RegionLevel.PROVINCE, RegionLevel.PREFECTURE)


def may_keep_library(user: Any) -> bool:
    """Province and city staff add documents for their own region."""
    if not has_role(user, *KEEPER_ROLES):
        return False
    return bool(user.is_superuser or (user.region_id and user.region.level in KEEPER_LEVELS))


def may_keep(user: Any, policy: Any) -> bool:
    """Whether ``user`` may change ``policy``."""
    return may_keep_library(user) and can_edit_owned(user, policy.region.path)
