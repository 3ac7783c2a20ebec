"""Rate limits: how many times one client, account or token may do something in a
window of time, counted in Django's cache (Redis in production, the in-process
cache in the embedded mode and in tests).

Each rule in ``settings.RATELIMITS`` is ``(limit, seconds)`` and counts in fixed
windows: the key of a counter carries the window's start, so a counter needs no
reset and expires with its window. A fixed window lets a client make up to twice
the limit across a window's edge; that is enough to stop guessing and floods, and
costs one cache increment per request.

Where the rules apply:

* ``login_client``: failed logins from one address, whatever the usernames (the
  per-account lockout of django-axes does not see a client trying many accounts).
  Counted from Django's ``user_login_failed`` signal, checked before a login POST.
* ``api_client`` and ``api_principal``: requests to ``/api/`` from one address, and
  by one token (or one signed-in user's session).
* ``api_bad_token``: bearer tokens from one address that matched no usable token;
  past the limit every bearer request from there is refused until the window ends.
* ``export_anonymous``: result-set downloads by visitors who are not signed in.

A refusal is 429 with ``Retry-After`` (seconds): the API in its error shape, a
page as the platform's error page (``PlatformErrorPages`` draws it).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from iphub.core.errorpages import error_page

API_PREFIX = "/api/"


def enabled() -> bool:
    return bool(getattr(settings, "RATELIMIT_ENABLED", True))


def _rule(name: str) -> tuple[int, int]:
    limit, seconds = settings.RATELIMITS[name]
    return int(limit), int(seconds)


def _counter(name: str, key: str, now: float) -> tuple[str, int, int, float]:
    limit, seconds = _rule(name)
    start = math.floor(now / seconds) * seconds
    return f"rl:{name}:{start}:{key}", limit, seconds, start + seconds - now


def _wait(remaining: float) -> int:
    return max(1, math.ceil(remaining))


def hit(name: str, key: str) -> int | None:
    """Count one event of rule ``name`` for ``key``; the seconds to wait if this
    event is over the limit, else ``None``."""
    if not enabled():
        return None
    cache_key, limit, seconds, remaining = _counter(name, key, time.time())
    # add() is a no-op if the counter exists; incr() is atomic in Redis and locmem.
    cache.add(cache_key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=seconds + 1)
        count = 1
    return _wait(remaining) if count > limit else None


def exceeded(name: str, key: str) -> int | None:
    """The seconds to wait if ``key`` already used up rule ``name`` in this window
    (without counting anything), else ``None``."""
    if not enabled():
        return None
    cache_key, limit, _seconds, remaining = _counter(name, key, time.time())
    return _wait(remaining) if (cache.get(cache_key) or 0) >= limit else None


def client_address(request: HttpRequest) -> str:
    """The address a limit counts against: the connection's peer, or behind a proxy
    we run (``RATELIMIT_TRUST_FORWARDED``) the last address it appended to
    X-Forwarded-For. The header's first entries are whatever the client wrote, so
    they are never trusted. IPv6 is counted per /64, the block one host holds."""
    raw = request.META.get("REMOTE_ADDR") or ""
    if getattr(settings, "RATELIMIT_TRUST_FORWARDED", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        raw = next((a for a in reversed(forwarded) if a), raw)
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def token_key(raw: str) -> str:
    """A counter key for a presented bearer token (its digest, never the secret)."""
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def bearer_of(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def too_many(request: HttpRequest, seconds: int, message: str = "") -> HttpResponse:
    """The 429 answer: the JSON error shape under ``/api/``, otherwise the
    platform's error page, with the message and ``Retry-After``."""
    text = message or _("请求过于频繁，请在 %(seconds)s 秒后再试。") % {"seconds": seconds}
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"code": "rate_limited", "message": text, "fields": {}}, status=429)
    else:
        response = error_page(request, status=429, message=text)
    response["Retry-After"] = str(seconds)
    return response


def login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    """``user_login_failed`` receiver: one more failure for the client's address."""
    if isinstance(request, HttpRequest):
        hit("login_client", client_address(request))


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked account (``AXES_LOCKOUT_CALLABLE``): its page,
    429, and how long the lock lasts as ``Retry-After``."""
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class RateLimitMiddleware:
    """Applies the login and API rules before the view runs (inside the session
    and auth middleware, so a session's user is known)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if enabled():
            wait = self._check(request)
            if wait is not None:
                return wait
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path
        if request.method == "POST" and path in settings.RATELIMIT_LOGIN_PATHS:
            seconds = exceeded("login_client", client_address(request))
            if seconds is not None:
                message = _("此网络地址登录失败次数过多，请在 %(minutes)s 分钟后再试。")
                return too_many(request, seconds, message % {"minutes": math.ceil(seconds / 60)})
            return None
        if not path.startswith(API_PREFIX):
            return None
        client = client_address(request)
        seconds = hit("api_client", client)
        if seconds is not None:
            return too_many(request, seconds)
        raw = bearer_of(request)
        if raw is not None:
            # Past the limit of unknown tokens, no token from this address is looked
            # at: an answer that told a right guess from a wrong one would go on
            # helping the guesser.
            seconds = exceeded("api_bad_token", client)
            if seconds is not None:
                message = _("此网络地址提交的无效 API 令牌过多，请在 %(seconds)s 秒后再试。")
                return too_many(request, seconds, message % {"seconds": seconds})
            principal = f"token:{token_key(raw)}"
        elif request.user.is_authenticated:
            principal = f"user:{request.user.pk}"
        else:
            return None
        seconds = hit("api_principal", principal)
        return too_many(request, seconds) if seconds is not None else None
