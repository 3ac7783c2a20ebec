"""Password ageing (MLPS 2.0 level 3: change every 90 days).

A signed-in user whose password is older than ``PASSWORD_MAX_AGE_DAYS`` is sent
to the change-password page until they change it; the API answers 403 with the
same advice instead of redirecting, since a script cannot follow it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/login/", "/logout/", "/password/")
# Also the answer to a bearer token of such a user (core.tokens): the token acts
# for the same account, so it is held back until the password is changed.
PASSWORD_EXPIRED_MESSAGE = "您的密码已超过 90 天未修改，请先登录网页修改密码。"


def password_expired(user: object) -> bool:
    changed = getattr(user, "password_changed_at", None)
    if changed is None:
        return False
    return timezone.now() - changed > dt.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and password_expired(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "password_expired", "message": PASSWORD_EXPIRED_MESSAGE, "fields": {}},
                    status=403,
                )
            return redirect(reverse("portal:password_change"))
        return self.get_response(request)
