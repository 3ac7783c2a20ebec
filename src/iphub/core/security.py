"""The security administrator's work (安全管理员, 三员分立): the security state of
accounts, and the password policy in force. Every act here is the security
administrator's alone (``core.permissions.ensure_security_admin``) and audited,
so the audit administrator sees who locked, unlocked, reset or revoked what.

Business configuration (users' roles and regions, organisations) is the system
administrator's, in the admin site; the audit log is the audit administrator's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from iphub.core import ratelimit
from iphub.core.audit import audit_record
from iphub.core.audit_actions import Action
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import ApiToken, User
from iphub.core.permissions import ensure_security_admin
from iphub.core.twofactor import two_factor_reset  # noqa: F401  (the fourth act, re-exported)


@dataclass(frozen=True)
class AccountSecurity:
    """One account as the security administrator's list shows it."""

    user: User
    active: bool
    locked: bool
    two_factor: bool
    live_tokens: int


def account_security_list(*, actor: Any, q: str = "") -> list[AccountSecurity]:
    """Accounts (at most 200, matching ``q`` in the username or name) with their
    security state: active, locked by failed logins, two-factor enrolled, live
    API tokens."""
    from axes.models import AccessAttempt

    ensure_security_admin(actor)
    now = timezone.now()
    qs: QuerySet[User] = User.objects.all()
    if q.strip():
        qs = qs.filter(Q(username__icontains=q.strip()) | Q(first_name__icontains=q.strip()))
    qs = qs.annotate(
        live_tokens=Count(
            "api_tokens",
            filter=Q(api_tokens__revoked=False, api_tokens__expires_at__gt=now),
            distinct=True,
        ),
        otp_devices=Count("totpdevice", filter=Q(totpdevice__confirmed=True), distinct=True),
    ).order_by("username")[:200]
    users = list(qs)
    since = now - settings.AXES_COOLOFF_TIME
    failures: dict[str, int] = {}
    for name, n in AccessAttempt.objects.filter(
        username__in=[u.username for u in users], attempt_time__gte=since
    ).values_list("username", "failures_since_start"):
        failures[name] = failures.get(name, 0) + n
    return [
        AccountSecurity(
            user=u,
            active=u.is_active,
            locked=failures.get(u.username, 0) >= settings.AXES_FAILURE_LIMIT
            or ratelimit.exceeded("otp_account", str(u.pk)) is not None,
            two_factor=bool(u.otp_devices),  # type: ignore[attr-defined]
            live_tokens=u.live_tokens,  # type: ignore[attr-defined]
        )
        for u in users
    ]


def _account(actor: User, user_id: int) -> User:
    ensure_security_admin(actor)
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound("未找到该账号。")
    return user


@transaction.atomic
def account_lock(*, actor: User, user_id: int) -> User:
    """Disable an account (it cannot sign in, nor use its tokens) until unlocked."""
    user = _account(actor, user_id)
    if user.pk == actor.pk:
        raise ApplicationError("不能锁定自己的账号。")
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action=Action.ACCOUNT_LOCK, obj=user, after={"is_active": False})
    return user


@transaction.atomic
def account_unlock(*, actor: User, user_id: int) -> User:
    """Enable an account and clear its failed logins and wrong codes, so it can sign
    in again at once."""
    from axes.models import AccessAttempt

    user = _account(actor, user_id)
    cleared = AccessAttempt.objects.filter(username=user.username).delete()[0]
    changed = not user.is_active
    user.is_active = True
    user.save(update_fields=["is_active"])
    # The wrong-code window of core.twofactor: its counters are in the cache.
    _limit, seconds = settings.RATELIMITS["otp_account"]
    cache.delete_many(
        [ratelimit._counter("otp_account", str(user.pk), t)[0] for t in _window_starts(seconds)]
    )
    audit_record(
        actor=actor,
        action=Action.ACCOUNT_UNLOCK,
        obj=user,
        after={"is_active": True, "reactivated": changed, "failures_cleared": cleared},
    )
    return user


def _window_starts(seconds: int) -> list[float]:
    now = timezone.now().timestamp()
    return [now, now - seconds]


@transaction.atomic
def account_tokens_revoke(*, actor: User, user_id: int) -> int:
    """Revoke every live API token of an account; returns how many."""
    user = _account(actor, user_id)
    now = timezone.now()
    n = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True, revoked_at=now)
    audit_record(actor=actor, action=Action.ACCOUNT_TOKENS_REVOKE, obj=user, after={"revoked": n})
    return n


@dataclass(frozen=True)
class PolicyLine:
    label: str
    value: str


def password_policy(*, actor: Any) -> list[PolicyLine]:
    """The password and session policy in force, read from the settings (changed by
    deployment, not from a page)."""
    ensure_security_admin(actor)
    validators: list[Any] = list(settings.AUTH_PASSWORD_VALIDATORS)
    min_length = next(
        (
            v["OPTIONS"]["min_length"]
            for v in validators
            if str(v["NAME"]).endswith("MinimumLengthValidator")
        ),
        8,
    )
    lockout_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    otp_limit, otp_seconds = settings.RATELIMITS["otp_account"]
    return [
        PolicyLine("密码最短长度", f"{min_length} 个字符"),
        PolicyLine("密码复杂度", "须同时包含大写字母、小写字母、数字和符号"),
        PolicyLine("密码有效期", f"{settings.PASSWORD_MAX_AGE_DAYS} 天"),
        PolicyLine(
            "登录失败锁定",
            f"连续 {settings.AXES_FAILURE_LIMIT} 次错误锁定 {lockout_minutes} 分钟",
        ),
        PolicyLine("验证码错误锁定", f"{otp_limit} 次错误锁定 {otp_seconds // 60} 分钟"),
        PolicyLine("会话空闲超时", f"{settings.SESSION_COOKIE_AGE // 60} 分钟"),
        PolicyLine("双因素认证", "系统管理员、安全管理员、审计管理员、超级用户和省级工作人员"),
        PolicyLine(
            "API 令牌有效期",
            f"默认 {settings.API_TOKEN_DEFAULT_DAYS} 天，最长 {settings.API_TOKEN_MAX_DAYS} 天",
        ),
    ]
