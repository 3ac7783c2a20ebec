"""The one permission question the transfer menu (``transfer/_nav.html``) asks on
every page that includes it, answered by core.permissions rather than by a role
compared in the template."""

from __future__ import annotations

from typing import Any

from django import template

from iphub.core.permissions import has_role
from iphub.transfer.access import STAFF_ROLES

register = template.Library()


@register.filter
def transfer_staff(user: Any) -> bool:
    """True for window staff and supervisors: they import needs, run events, record deals."""
    return has_role(user, *STAFF_ROLES)
