"""The one permission layer every service and selector uses.

Staff roles carry a region and see only records inside it: a county clerk the
county, a city clerk the city and its counties, the province everything.
Public roles (enterprise, agency) see their own organisation's records. A
record's region is compared by its ``path`` (``420000/420100/420111``), so the
check is a prefix test in Python and a ``startswith`` in SQL.

The questions every app asks, asked here and nowhere else: is the user signed
in (:func:`signed_in`, :func:`require_login`), do they hold a role
(:func:`has_role`, :func:`require_roles`), are they provincial staff
(:func:`is_province`), does their region reach a record (:func:`in_region`,
:func:`ensure_in_region`). Templates ask none of these: views pass the answers
(flags, or the permitted actions of the app's ``workflow.py``).

**One answer for a record outside the user's region: 404 Not Found.** A clerk of
Yichang who opens a Wuhan filing's address is told "未找到" exactly as for an
address that never existed, on every page and API endpoint. A 403 would confirm
that the record exists, and its number already says something (who filed, how
many filings a city has, whether an enterprise is in a dispute); the platform
gives a person outside the region no way to learn that by trying numbers. A
refusal that reveals nothing stays 403: the wrong role for an action on a
record one can see, or choosing a region outside one's own when creating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from iphub.core.errors import AccessDenied, ApplicationError, ErrorCode, NotFound
from iphub.core.regions import HUBEI

if TYPE_CHECKING:
    from iphub.core.models import Region, User


def signed_in(user: Any) -> bool:
    """True if ``user`` is a signed-in account (not a visitor)."""
    return user is not None and bool(user.is_authenticated)


def require_login(user: Any) -> None:
    """Raise the platform's 401 unless ``user`` is signed in."""
    if not signed_in(user):
        raise ApplicationError("请先登录。", code=ErrorCode.NOT_AUTHENTICATED, status=401)


def has_role(user: Any, *roles: str) -> bool:
    """True if ``user`` is signed in and holds one of ``roles`` (a superuser holds all)."""
    return signed_in(user) and bool(user.is_superuser or user.role in roles)


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


def is_province(user: Any) -> bool:
    """True for provincial staff (region 湖北省) and superusers: their scope is the
    whole province, and some acts (the plan, the scoring scheme) are theirs alone."""
    return region_path_of(user) in ("", HUBEI)


def in_region(user: Any, region: Region | str) -> bool:
    """True if ``user`` is staff whose region contains ``region`` (a Region or its path)."""
    scope = region_path_of(user)
    path = region if isinstance(region, str) else region.path
    return scope is not None and path_within(path, scope)


def require_roles(user: Any, *roles: str) -> None:
    """Raise unless the user is signed in and holds one of ``roles``."""
    require_login(user)
    if has_role(user, *roles):
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
    """Raise :class:`AccessDenied` unless a staff user's region contains ``region``
    (a Region or its path): for a region the user chose, such as where to create
    a record. For an existing record use :func:`ensure_in_region` (404)."""
    if not in_region(user, region):
        raise AccessDenied()


def ensure_in_region(user: Any, region: Region | str, *, message: str = "") -> None:
    """Raise :class:`NotFound` unless a staff user's region contains ``region``: a
    record outside the region answers as if it did not exist (see the module)."""
    if not in_region(user, region):
        raise NotFound(message or "未找到该记录。")


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
    """:func:`in_region` for a Region (kept for its callers)."""
    return in_region(user, region)


# --- The platform's administrators: 三员分立 and two-factor login -------------------
# GB/T 22239-2019 (level 3) 8.1.4.2: system, security and audit administration are
# three powers held by three accounts, none of which holds another's.
#
# * system administrator (role ``sysadmin``, and Django superusers, the installation's
#   own accounts): users, regions, organisations and configuration, in the admin;
#   never the audit log, never account security.
# * security administrator (``secadmin``): the security of accounts (lock, unlock,
#   reset two-factor login, revoke API tokens) and a view of the password policy;
#   no business configuration, no audit log.
# * audit administrator (``auditor``): reads, exports and verifies the audit log;
#   changes nothing.


def _role(user: Any) -> str:
    return str(getattr(user, "role", "")) if user is not None and user.is_authenticated else ""


def is_system_admin(user: Any) -> bool:
    """Manages users, regions, organisations and configuration (the admin site)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or _role(user) == "sysadmin")
    )


def is_security_admin(user: Any) -> bool:
    """Manages the security of accounts. Not a superuser's power: the separation
    means the system administrator cannot also unlock or reset accounts."""
    return _role(user) == "secadmin" and bool(user.is_active)


def can_read_audit(user: Any) -> bool:
    """Reads (and exports) the audit log: the audit administrator, and supervisors
    for their region's business trail. Neither the system nor the security
    administrator (nor a superuser, who is a system administrator) reads it."""
    return _role(user) in ("auditor", "supervisor")


def can_verify_audit(user: Any) -> bool:
    """Verifies the audit hash chain: the audit administrator only (the chain covers
    every region's entries)."""
    return _role(user) == "auditor"


def ensure_security_admin(user: Any) -> None:
    """Raise unless ``user`` is the security administrator."""
    if user is None or not user.is_authenticated:
        raise ApplicationError("请先登录。", code=ErrorCode.NOT_AUTHENTICATED, status=401)
    if not is_security_admin(user):
        raise AccessDenied(_("此操作仅限安全管理员。"))


def ensure_system_admin(user: Any) -> None:
    """Raise unless ``user`` is the system administrator (or a superuser)."""
    if user is None or not user.is_authenticated:
        raise ApplicationError("请先登录。", code=ErrorCode.NOT_AUTHENTICATED, status=401)
    if not is_system_admin(user):
        raise AccessDenied(_("此操作仅限系统管理员。"))


def ensure_can_read_audit(user: Any) -> None:
    """Raise unless ``user`` may read the audit log."""
    if user is None or not user.is_authenticated:
        raise ApplicationError("请先登录。", code=ErrorCode.NOT_AUTHENTICATED, status=401)
    if not can_read_audit(user):
        raise AccessDenied(_("审计日志仅限审计管理员和督导人员查看。"))


def admin_model_permission(user: Any, app_label: str, model: str, action: str) -> bool:
    """What the admin site lets an administrator do with a model (``action`` is
    view, add, change or delete): the system administrator the business tables,
    nobody the security tables (the security administrator has his own page) and
    the audit log only to read, for its readers."""
    if (app_label, model) == ("core", "auditentry"):
        return action == "view" and can_read_audit(user)
    if app_label in SECURITY_APPS or (app_label, model) in SECURITY_MODELS:
        return False
    return is_system_admin(user)


# Account-security records: kept out of the system administrator's admin site.
SECURITY_APPS = frozenset({"auth", "axes", "otp_totp", "otp_static", "otp_email", "otp_hotp"})
SECURITY_MODELS = frozenset({("core", "apitoken"), ("core", "auditchainhead")})


def admin_may_edit_account(user: Any, account: Any) -> bool:
    """The system administrator edits business accounts, never an administrator's
    (superuser or one of the three roles): those are set up by the installation,
    so that one administrator cannot make himself another."""
    if not is_system_admin(user):
        return False
    if account is None:
        return True
    if user.is_superuser:
        return True
    return not (account.is_superuser or _role(account) in ("sysadmin", "secadmin", "auditor"))


class AdminRoleBackend:
    """An authentication backend that authenticates nobody and answers the admin
    site's model permissions from the role (:func:`admin_model_permission`), so the
    admin obeys the same separation as the pages and the API."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        app_label, _dot, codename = perm.partition(".")
        action, _sep, model = codename.partition("_")
        return admin_model_permission(user_obj, app_label, model, action)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if app_label == "core" and can_read_audit(user_obj):
            return True
        return app_label not in SECURITY_APPS and is_system_admin(user_obj)


def requires_two_factor(user: Any) -> bool:
    """Who signs in with a second factor (TOTP): superusers, the three administrators
    and the province's own staff, whose accounts reach every region."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or _role(user) in ("sysadmin", "secadmin", "auditor"):
        return True
    if not getattr(user, "is_region_staff", False) or user.region_id is None:
        return False
    # The province is the root of the region tree: its path has no parent part.
    return "/" not in str(user.region.path)
