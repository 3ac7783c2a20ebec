"""Two-factor login pages (thin views over ``iphub.core.twofactor``): enrolment with
a QR code, the code step after the password, and the account page where recovery
codes are renewed. ``core.middleware_otp`` sends the accounts that need a second
factor here until their session is verified."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from iphub.core import twofactor
from iphub.core.errors import ApplicationError
from iphub.core.permissions import requires_two_factor


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""


def _locked(request: HttpRequest, exc: ApplicationError) -> HttpResponseBase:
    # The lock holds the account, not this session: sign out so the password is
    # asked again once the lock ends.
    logout(request)
    response = render(
        request, "portal/two_factor_locked.html", {"message": exc.message}, status=429
    )
    response["Retry-After"] = "1800"
    return response


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponseBase:
    """The code step after the password (authenticator code or a recovery code)."""
    user: Any = request.user
    if not twofactor.is_enrolled(user):
        return redirect("portal:two_factor_setup")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            twofactor.otp_verify(request=request, user=user, token=request.POST.get("token", ""))
        except twofactor.OtpLocked as exc:
            return _locked(request, exc)
        except ApplicationError as exc:
            errors = exc.fields or {"token": exc.message}
        else:
            return redirect(_next(request) or "portal:workspace")
    return render(
        request,
        "portal/two_factor_verify.html",
        {"errors": errors, "next": _next(request)},
        status=400 if errors else 200,
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponseBase:
    """Enrol an authenticator: scan the QR code (or type the key), confirm with a
    code; the recovery codes are then shown once."""
    user: Any = request.user
    # Only the accounts that must sign in with two factors enrol: for the others
    # nothing would ever ask for the code.
    if twofactor.is_enrolled(user) or not requires_two_factor(user):
        return redirect("portal:two_factor")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            codes = twofactor.totp_enrolment_confirm(
                user=user, token=request.POST.get("token", ""), request=request
            )
        except twofactor.OtpLocked as exc:
            return _locked(request, exc)
        except ApplicationError as exc:
            errors = exc.fields or {"token": exc.message}
        else:
            return render(
                request,
                "portal/two_factor_codes.html",
                {"codes": codes, "enrolled": True, "next": _next(request)},
            )
    enrolment = twofactor.totp_enrolment_start(user=user)
    return render(
        request,
        "portal/two_factor_setup.html",
        {
            "qr": enrolment.qr_data_uri,
            "secret": enrolment.secret,
            "errors": errors,
            "next": _next(request),
        },
        status=400 if errors else 200,
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponseBase:
    """The account's two-factor state: enrolled or not, recovery codes left."""
    user: Any = request.user
    return render(
        request,
        "portal/two_factor.html",
        {
            "enrolled": twofactor.is_enrolled(user),
            "required": requires_two_factor(user),
            "codes_left": twofactor.recovery_codes_left(user),
        },
    )


@login_required
@require_POST
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponseBase:
    """New recovery codes, shown once; the old ones stop working."""
    try:
        codes = twofactor.recovery_codes_regenerate(user=request.user)  # type: ignore[arg-type]
    except ApplicationError:
        return redirect("portal:two_factor_setup")
    return render(request, "portal/two_factor_codes.html", {"codes": codes, "enrolled": False})
