"""API tokens: issued, listed and revoked by their owner, and checked on each
bearer request.

A token acts for its owner under the same rules as the owner's session: an
account locked by failed logins (django-axes) or with a password past its age
cannot use its tokens either, until the lock ends or the password is changed.
A token also has its own end: it expires (``API_TOKEN_DEFAULT_DAYS``, at most
``API_TOKEN_MAX_DAYS``) or is revoked, and a read-only token only reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.core.audit_actions import Action
from iphub.core.errors import ApplicationError, ErrorCode, NotFound
from iphub.core.joined import JoinedLoader
from iphub.core.middleware_password import PASSWORD_EXPIRED_MESSAGE, password_expired
from iphub.core.models import ApiToken, Role, TokenScope, User
from iphub.core.permissions import require_roles

PREFIX = "iph_"
# To the minute: writing (and committing) the row on every request cost a busy
# client one disk flush per call and serialised its requests on the row.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenRefused(ApplicationError):
    """A bearer token that does not let its request in: 401 for the token itself
    (unknown, revoked, expired), 403 for its owner's state (locked, password expired)."""

    status = 401


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _days(days: int | None) -> int:
    wanted = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    most = settings.API_TOKEN_MAX_DAYS
    if not 1 <= wanted <= most:
        message = f"有效期应在 1 到 {most} 天之间。"
        raise ApplicationError(message, fields={"days": message})
    return int(wanted)


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scope: str = TokenScope.WRITE,
    days: int | None = None,
    not_after: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; the raw value is returned once and never stored.

    ``days`` of validity (default ``API_TOKEN_DEFAULT_DAYS``, at most
    ``API_TOKEN_MAX_DAYS``); ``not_after`` caps it, so a token issued through
    another token never outlives the one that issued it.
    """
    require_roles(user, *Role.values)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = "请填写令牌名称，写明用途，例如“数据同步脚本”。"
    elif len(name) > 100:
        errors["name"] = "令牌名称最多 100 个字。"
    if scope not in TokenScope.values:
        errors["scope"] = "权限范围应为“只读”（read）或“读写”（write）。"
    try:
        valid_days = _days(days)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ApplicationError("令牌未创建，请按提示更正。", fields=errors)
    expires_at = timezone.now() + dt.timedelta(days=valid_days)
    if not_after is not None:
        expires_at = min(expires_at, not_after)
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, digest=_digest(raw), scope=scope, expires_at=expires_at
    )
    audit_record(
        actor=user,
        action=Action.API_TOKEN_CREATE,
        obj=token,
        after={"name": token.name, "scope": scope, "expires_at": expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens; it answers 401 from then on.

    Another user's token is "not found", so its existence is not revealed.
    """
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("未找到该令牌，或它不属于您。")
    if not token.revoked:
        token.revoked = True
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked", "revoked_at"])
        audit_record(
            actor=user, action=Action.API_TOKEN_REVOKE, obj=token, after={"name": token.name}
        )
    return token


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones included, so
    the owner sees what happened to each)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_status(token: ApiToken, *, now: dt.datetime | None = None) -> str:
    """有效 / 已过期 / 已撤销, as the owner reads it."""
    if token.revoked:
        return "revoked"
    if token.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


# The organisation and its region chain come along: an applicant's request reads
# them (filer name, handling office) and would fetch each lazily. Built once
# (core.joined): compiling this select_related afresh cost 3.4 ms a request.
# The same statement refuses revoked and expired tokens, inactive users and
# accounts locked by django-axes (failures within the cool-off, counted as axes
# counts them with AXES_LOCKOUT_PARAMETERS = ["username"]), so the usual request
# pays no extra query for those rules; only a refused one asks why.
_TOKEN_LOADER = JoinedLoader(
    ApiToken,
    ["user__region", "user__organisation__region__parent__parent"],
    '"t0"."digest" = %s AND "t0"."revoked" = %s AND "t0"."expires_at" > %s'
    ' AND "user"."is_active" = %s AND (SELECT COALESCE(SUM("a"."failures_since_start"), 0)'
    ' FROM "axes_accessattempt" "a" WHERE "a"."username" = "user"."username"'
    ' AND "a"."attempt_time" >= %s) < %s',
)


def _db_time(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _lockout_threshold(now: dt.datetime) -> dt.datetime:
    return now - settings.AXES_COOLOFF_TIME


def account_locked(user: User, *, now: dt.datetime | None = None) -> bool:
    """Whether django-axes holds ``user``'s account locked right now."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    since = _lockout_threshold(now or timezone.now())
    failures = AccessAttempt.objects.filter(
        username=user.username, attempt_time__gte=since
    ).aggregate(n=Sum("failures_since_start"))["n"]
    return (failures or 0) >= settings.AXES_FAILURE_LIMIT


def api_token_check(raw: str) -> ApiToken:
    """The usable token ``raw`` names, with its user loaded; raises
    :class:`TokenRefused` saying why not (the message tells the owner what to do)."""
    now = timezone.now()
    digest = _digest(raw)
    token = _TOKEN_LOADER.first(
        [
            digest,
            False,
            _db_time(now),
            True,
            _db_time(_lockout_threshold(now)),
            settings.AXES_FAILURE_LIMIT,
        ]
    )
    if token is None:
        raise _refusal(digest, now)
    if password_expired(token.user):
        raise TokenRefused(PASSWORD_EXPIRED_MESSAGE, code="password_expired", status=403)
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _refusal(digest: str, now: dt.datetime) -> TokenRefused:
    token = ApiToken.objects.select_related("user").filter(digest=digest).first()
    if token is None or not token.user.is_active:
        return TokenRefused(
            "API 令牌无效：请检查请求头 Authorization: Bearer 后的令牌是否完整。",
            code=ErrorCode.NOT_AUTHENTICATED,
        )
    if token.revoked:
        return TokenRefused(
            "该 API 令牌已撤销，请在“API 令牌”页面创建新令牌。", code="token_revoked"
        )
    if token.expires_at <= now:
        return TokenRefused(
            "该 API 令牌已过期，请在“API 令牌”页面创建新令牌。", code="token_expired"
        )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return TokenRefused(
        f"账号因密码连续输错已锁定，锁定期间 API 令牌同样不能使用。请 {minutes} 分钟后再试，"
        "或联系管理员解锁。",
        code="account_locked",
        status=403,
    )


def api_token_authenticate(raw: str) -> User | None:
    """The user a usable raw token acts for, or ``None``."""
    try:
        return api_token_check(raw).user
    except TokenRefused:
        return None


def api_token_scope_check(token: ApiToken, method: str) -> None:
    """A read-only token may only read."""
    if token.scope == TokenScope.READ and method.upper() not in SAFE_METHODS:
        raise ApplicationError(
            "该 API 令牌为只读令牌，不能提交或修改数据；请使用读写令牌。",
            code="token_read_only",
            status=403,
        )
