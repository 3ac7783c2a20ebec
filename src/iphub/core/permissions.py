"""The one permission layer every service and selector uses.

Staff roles carry a region and see only records inside it: a county clerk the
county, a city clerk the city and its counties, the province everything.
Public roles (enterprise, agency) see their own organisation's records. A
record's region is compared by its ``path`` (``420000/420100/420111``), so the
check is a prefix test in Python and a ``startswith`` in SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from iphub.core.errors import AccessDenied, ApplicationError, ErrorCode

if TYPE_CHECKING:
    from iphub.core.models import Region, User


def region_path_of(user: Any) -> str | None:
    """The path a staff user's scope covers, or ``None`` if they have no region scope."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return ""
    if not getattr(user, "is_region_staff", False) or user.region_id is None:
        return None
    return str(user.region.path)


def path_within(path: str, scope: str) -> bool:
    """True if a record at ``path`` lies inside ``scope`` ('' is everywhere)."""
    return scope == "" or path == scope or path.startswith(scope + "/")


def require_roles(user: Any, *roles: str) -> None:
    """Raise unless the user is signed in and holds one of ``roles``."""
    if user is None or not user.is_authenticated:
        raise ApplicationError("请先登录。", code=ErrorCode.NOT_AUTHENTICATED, status=401)
    if user.is_superuser or user.role in roles:
        return
    raise AccessDenied(role_refusal(user, roles))


def role_refusal(user: Any, roles: tuple[str, ...]) -> str:
    """The refusal a user reads: who may do this, and who they are signed in as."""
    from iphub.core.models import Role

    allowed = _("、").join(str(Role(r).label) for r in roles if r in Role.values)
    return _("此操作仅限%(allowed)s；您当前的身份是%(role)s。") % {
        "allowed": allowed,
        "role": user.get_role_display(),
    }


def ensure_region_access(user: Any, region: Region | str) -> None:
    """Raise :class:`AccessDenied` unless a staff user's region contains ``region``.

    ``region`` is a Region or its path.
    """
    scope = region_path_of(user)
    path = region if isinstance(region, str) else region.path
    if scope is None or not path_within(path, scope):
        raise AccessDenied()


def scope_queryset(
    user: Any,
    queryset: QuerySet[Any],
    *,
    region_path_field: str = "region__path",
    organisation_field: str | None = None,
) -> QuerySet[Any]:
    """Restrict ``queryset`` to the rows ``user`` may see.

    Staff see rows whose region lies inside theirs; public users see the rows of
    their own organisation when ``organisation_field`` is given, else nothing.
    """
    scope = region_path_of(user)
    if scope == "":
        return queryset
    if scope is not None:
        return queryset.filter(
            Q(**{region_path_field: scope}) | Q(**{f"{region_path_field}__startswith": scope + "/"})
        )
    if (
        organisation_field
        and user is not None
        and user.is_authenticated
        and user.organisation_id is not None
    ):
        return queryset.filter(**{organisation_field: user.organisation_id})
    return queryset.none()


def can_edit_owned(user: Any, owner_path: str) -> bool:
    """Object-level write check: a record owned by a region is edited by staff
    whose scope contains that region. A province-owned record (owner path
    ``420000``) is therefore the province's own: city staff, whose scope lies
    inside the province, and public users, who have no region scope, may read
    it but not change it."""
    scope = region_path_of(user)
    return scope is not None and path_within(owner_path, scope)


def ensure_can_edit_owned(user: Any, owner_path: str, *, what: str) -> None:
    """Raise :class:`AccessDenied` naming who may edit ``what`` unless
    :func:`can_edit_owned`."""
    if can_edit_owned(user, owner_path):
        return
    if "/" not in owner_path:
        raise AccessDenied(
            _("%(what)s由省级管理部门维护，仅省级工作人员可以修改。") % {"what": what}
        )
    raise AccessDenied(_("%(what)s仅限其所属地区的工作人员修改。") % {"what": what})


def can_see_region(user: User, region: Region) -> bool:
    scope = region_path_of(user)
    return scope is not None and path_within(region.path, scope)
