"""Two-factor login (GB/T 22239-2019 level 3, 8.1.4.1 d): a time-based one-time
code (TOTP, RFC 6238, django-otp) after the password, for the accounts that
``core.permissions.requires_two_factor`` names, and one-time recovery codes
(django-otp's static device) for a lost phone.

The services here enrol, verify and reset; ``core.middleware_otp`` holds such an
account on the enrolment or code page until the session is verified. A wrong
code counts as a failed login: django-axes locks the account after
``AXES_FAILURE_LIMIT`` of them and the per-address login limit counts it too
(``core.ratelimit``). Because a correct password clears axes' count
(``AXES_RESET_ON_SUCCESS``), code failures are also counted per account in a
window of their own (rule ``otp_account``) that only time clears: signing in
again with the password does not buy more guesses. django-otp's own throttle
slows guessing on the device in between.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import segno
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iphub.core import ratelimit
from iphub.core.audit import audit_record
from iphub.core.audit_actions import Action
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import User
from iphub.core.permissions import ensure_security_admin

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "验证器"
RECOVERY_NAME = "恢复码"
WRONG_CODE = "验证码不正确或已过期：请输入验证器应用当前显示的 6 位数字，或一个未用过的恢复码。"


class OtpLocked(ApplicationError):
    """The account is locked by failed logins (password or code)."""

    status = 429


def totp_device(user: Any, *, confirmed: bool | None = True) -> TOTPDevice | None:
    """The user's TOTP device (confirmed, unconfirmed or either with ``None``)."""
    qs = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.order_by("pk").first()


def is_enrolled(user: Any) -> bool:
    """True once the user has confirmed an authenticator."""
    return totp_device(user) is not None


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the QR code and the key typed by hand."""

    device: TOTPDevice
    qr_data_uri: str
    secret: str


def _secret_text(device: TOTPDevice) -> str:
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def totp_enrolment_start(*, user: User) -> Enrolment:
    """The user's pending authenticator (made on first call, the same one on later
    calls so a reload does not invalidate a scanned code), as a QR code. The QR is
    an SVG data URI: the page's CSP allows ``data:`` images, not remote ones."""
    if is_enrolled(user):
        raise ApplicationError("您已启用双因素认证。如需更换手机，请联系安全管理员重置。")
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    qr = segno.make(device.config_url, error="m")
    return Enrolment(
        device=device,
        qr_data_uri=qr.svg_data_uri(scale=5, border=2),
        secret=_secret_text(device),
    )


def _new_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _clean(token: str) -> str:
    return "".join(str(token).split()).lower()


def _fail(request: HttpRequest | None, user: User, action: Action) -> None:
    """A wrong code: counted like a wrong password (axes per account, the login
    limit per address), in the account's own code window, and written to the
    audit log, outside any transaction that the refusal rolls back."""
    ratelimit.hit("otp_account", str(user.pk))
    if request is not None:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
    audit_record(actor=user, action=action, obj=user, outcome="failure")


def _ensure_not_locked(user: User) -> None:
    from iphub.core.tokens import account_locked

    wait = ratelimit.exceeded("otp_account", str(user.pk))
    if wait is not None or account_locked(user):
        minutes = max(1, -(-(wait or 0) // 60)) if wait else 30
        raise OtpLocked(
            f"账号因密码或验证码连续输错已锁定，请 {minutes} 分钟后再试，或联系安全管理员解锁。",
            code="account_locked",
        )


def totp_enrolment_confirm(
    *, user: User, token: str, request: HttpRequest | None = None
) -> list[str]:
    """Confirm the pending authenticator with a code it shows; returns the new
    recovery codes (shown once). The session that confirms counts as verified."""
    _ensure_not_locked(user)
    device = totp_device(user, confirmed=False)
    if device is None:
        raise NotFound("没有待确认的验证器，请刷新页面重新扫码。")
    code = _clean(token)
    if not (code.isdigit() and len(code) == device.digits):
        msg = "请输入验证器应用显示的 6 位数字。"
        raise ApplicationError(msg, fields={"token": msg})
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        ok = locked.verify_token(code)
        if ok:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            codes = _new_codes(user)
            audit_record(actor=user, action=Action.TWO_FACTOR_ENROL, obj=user)
    if not ok:
        _fail(request, user, Action.TWO_FACTOR_ENROL)
        raise ApplicationError(WRONG_CODE, fields={"token": WRONG_CODE})
    if request is not None:
        otp_login(request, locked)
    return codes


def otp_verify(*, request: HttpRequest, user: User, token: str) -> Any:
    """The second step of a login: check ``token`` against the user's authenticator
    (6 digits) or recovery codes (each used once); on success mark the session
    verified (``django_otp.login``) and return the device."""
    _ensure_not_locked(user)
    code = _clean(token)
    if not code:
        msg = "请输入验证码。"
        raise ApplicationError(msg, fields={"token": msg})
    matched = None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            # Six digits go to the authenticator, anything else to the recovery
            # codes (8 characters), so a wrong code is tried on one device only.
            is_totp_code = code.isdigit() and len(code) == getattr(device, "digits", 6)
            if isinstance(device, TOTPDevice) != is_totp_code:
                continue
            if device.verify_token(code):
                matched = device
                break
    if matched is None:
        _fail(request, user, Action.TWO_FACTOR_LOGIN)
        raise ApplicationError(WRONG_CODE, fields={"token": WRONG_CODE})
    otp_login(request, matched)
    used_recovery = isinstance(matched, StaticDevice)
    audit_record(
        actor=user,
        action=Action.TWO_FACTOR_RECOVERY_USED if used_recovery else Action.TWO_FACTOR_LOGIN,
        obj=user,
        after={"remaining": matched.token_set.count()} if used_recovery else None,
    )
    return matched


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones (the old stop working)."""
    if not is_enrolled(user):
        raise ApplicationError("请先启用双因素认证。")
    codes = _new_codes(user)
    audit_record(actor=user, action=Action.TWO_FACTOR_RECOVERY_REGENERATE, obj=user)
    return codes


def recovery_codes_left(user: Any) -> int:
    """How many unused recovery codes the user still has."""
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_reset(*, actor: User, user_id: int) -> User:
    """The security administrator removes an account's authenticator and recovery
    codes (a lost phone); the account enrols anew at its next login."""
    ensure_security_admin(actor)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("未找到该账号。")
    removed = sum(1 for d in devices_for_user(user, confirmed=None) if d.delete())
    audit_record(
        actor=actor, action=Action.TWO_FACTOR_RESET, obj=user, after={"devices_removed": removed}
    )
    return user


def session_is_verified(session: Any) -> bool:
    """True if the session passed the second step (for code that has no request.user)."""
    return bool(session.get(DEVICE_ID_SESSION_KEY))


def totp_code(device: TOTPDevice) -> str:
    """The code the device's authenticator shows now, or the next step's if this
    step's was already used (a device accepts each time step once, and one step
    ahead of its clock). For the demo command and the test helpers, which hold
    the device's key as an authenticator does."""
    from django_otp.oath import TOTP, hotp

    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now, device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
