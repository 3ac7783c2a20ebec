"""Holds an account that signs in with two factors on its second step.

After ``django_otp.middleware.OTPMiddleware`` (which sets ``request.user.otp_device``
from the session): a user for whom ``requires_two_factor`` holds, signed in but
not verified, reaches only the enrolment page (no authenticator yet) or the code
page, the language switch, static files and logout. A session made any other way
than the code page (Django's ``force_login``, a session carried over from before
the rule) has no verified device, so it is held too.

The API answers such a session 403 ``otp_required`` in the one error shape; a
request with a bearer token passes to the token's own check (``iphub.api``), since
tokens are issued from the token page, which is behind the same step.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from iphub.core.permissions import requires_two_factor
from iphub.core.ratelimit import bearer_of

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/logout/", "/favicon.ico", "/media/")
OTP_REQUIRED_MESSAGE = "该账号需要双因素认证：请先在网页登录并输入验证码，或使用 API 令牌。"


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(EXEMPT_PREFIXES)
            or not requires_two_factor(user)
            or user.is_verified()  # type: ignore[union-attr]
        ):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            if bearer_of(request) is not None:
                return self.get_response(request)
            return JsonResponse(
                {"code": "otp_required", "message": OTP_REQUIRED_MESSAGE, "fields": {}},
                status=403,
            )
        from iphub.core.twofactor import is_enrolled

        step = "portal:two_factor_verify" if is_enrolled(user) else "portal:two_factor_setup"
        target = reverse(step)
        if request.path == target:
            return self.get_response(request)
        wanted = request.get_full_path() if request.method == "GET" else ""
        if wanted and wanted != "/" and not wanted.startswith(("/login/", "/account/two-factor/")):
            target += "?" + urlencode({"next": wanted})
        return redirect(target)
