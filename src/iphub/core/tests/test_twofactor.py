"""Two-factor login (issue 18, MLPS level 3): who must use it, enrolment with a QR
code, the code step after the password, recovery codes used once and renewed,
wrong codes counted toward the lockout, and bearer tokens kept to the API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from iphub.conftest import PASSWORD, make_user, password_only_login
from iphub.core import twofactor
from iphub.core.audit import audit_record  # noqa: F401  (entries read below)
from iphub.core.models import AuditEntry, Role, User
from iphub.core.permissions import requires_two_factor
from iphub.core.tokens import api_token_create

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str) -> Any:
    return client.post("/login/", {"username": username, "password": PASSWORD})


def enrol(client: Client, user: User) -> list[str]:
    """Enrol through the pages as a person does; returns the recovery codes shown."""
    page = client.get("/account/two-factor/setup/")
    assert page.status_code == 200
    device = twofactor.totp_device(user, confirmed=False)
    assert device is not None
    done = client.post("/account/two-factor/setup/", {"token": twofactor.totp_code(device)})
    assert done.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())


def current_code(user: User) -> str:
    device = twofactor.totp_device(user)
    assert device is not None
    return twofactor.totp_code(device)


def test_who_signs_in_with_two_factors(cast: dict[str, User]) -> None:
    auditor = make_user("p_auditor", Role.AUDITOR, "420000")
    sysadmin = make_user("p_sysadmin", Role.SYSADMIN, "420000")
    root = User.objects.create_superuser("root2fa", password=PASSWORD)
    assert requires_two_factor(cast["supervisor"])  # province staff
    assert requires_two_factor(auditor) and requires_two_factor(sysadmin)
    assert requires_two_factor(root)
    # City and county staff and public users sign in with the password alone.
    for name in ("wuhan_clerk", "hongshan_clerk", "yichang_supervisor", "enterprise"):
        assert not requires_two_factor(cast[name]), name


def test_unenrolled_province_staff_reach_only_the_enrolment_page(cast: dict[str, User]) -> None:
    client = Client()
    assert sign_in(client, "province_supervisor").status_code == 302
    for path in ("/workspace/", "/audit/", "/supervision/", "/account/tokens/", "/password/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/two-factor/setup/"), path
    # The code page sends them back to enrolment too; the API refuses the session.
    assert client.get("/login/otp/")["Location"] == "/account/two-factor/setup/"
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"
    page = client.get("/account/two-factor/setup/")
    html = page.content.decode()
    # The QR code is an inline SVG image (the CSP allows data: images), with the
    # key to type by hand beside it.
    assert 'src="data:image/svg+xml' in html and 'data-testid="otp-secret"' in html
    assert "启用双因素认证" in html


def test_enrolment_checks_the_code_and_shows_recovery_codes_once(cast: dict[str, User]) -> None:
    client = Client()
    sign_in(client, "province_supervisor")
    user = cast["supervisor"]
    client.get("/account/two-factor/setup/")
    wrong = client.post("/account/two-factor/setup/", {"token": "12345"})
    assert wrong.status_code == 400 and "6 位数字" in wrong.content.decode()
    assert not twofactor.is_enrolled(user)
    # A reload keeps the same key, so a code scanned before it still works.
    key = twofactor.totp_device(user, confirmed=False).key  # type: ignore[union-attr]
    client.get("/account/two-factor/setup/")
    assert twofactor.totp_device(user, confirmed=False).key == key  # type: ignore[union-attr]
    codes = enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert twofactor.is_enrolled(user)
    # The enrolling session is verified: the platform opens.
    assert client.get("/workspace/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor_enrol", actor=user).exists()
    # The account page says how many codes are left, never the codes again.
    page = client.get("/account/two-factor/").content.decode()
    assert "已启用" in page and codes[0] not in page


def test_enrolled_user_passes_the_code_step_before_any_page(cast: dict[str, User]) -> None:
    user = cast["supervisor"]
    enrol_client = Client()
    sign_in(enrol_client, "province_supervisor")
    enrol(enrol_client, user)

    client = Client()
    login = sign_in(client, "province_supervisor")
    assert login.status_code == 302
    held = client.get("/supervision/")
    assert held["Location"] == "/login/otp/?next=%2Fsupervision%2F"
    wrong = client.post("/login/otp/", {"token": "000000", "next": "/supervision/"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert client.get("/supervision/").status_code == 302
    ok = client.post("/login/otp/", {"token": current_code(user), "next": "/supervision/"})
    assert ok.status_code == 302 and ok["Location"] == "/supervision/"
    assert client.get("/supervision/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    # The next address must be this site's.
    again = Client()
    sign_in(again, "province_supervisor")
    out = again.post("/login/otp/", {"token": current_code(user), "next": "https://evil.example/"})
    assert out["Location"] == "/workspace/"


def test_recovery_codes_work_once_and_regenerating_voids_the_old(cast: dict[str, User]) -> None:
    user = cast["supervisor"]
    setup = Client()
    sign_in(setup, "province_supervisor")
    codes = enrol(setup, user)

    first = Client()
    sign_in(first, "province_supervisor")
    assert first.post("/login/otp/", {"token": codes[0]}).status_code == 302
    assert first.get("/workspace/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor_recovery_used", actor=user).exists()

    second = Client()
    sign_in(second, "province_supervisor")
    assert second.post("/login/otp/", {"token": codes[0]}).status_code == 400
    assert "剩余恢复码 9 个" in first.get("/account/two-factor/").content.decode()

    renewed = first.post("/account/two-factor/recovery-codes/")
    new_codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", renewed.content.decode())
    assert len(new_codes) == 10
    assert second.post("/login/otp/", {"token": codes[1]}).status_code == 400
    assert second.post("/login/otp/", {"token": new_codes[0].upper()}).status_code == 302


def test_wrong_codes_lock_the_account_and_a_password_login_does_not_reset_them(
    cast: dict[str, User], settings: Any
) -> None:
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    user = cast["supervisor"]
    setup = Client()
    sign_in(setup, "province_supervisor")
    enrol(setup, user)

    client = Client()
    sign_in(client, "province_supervisor")
    for _ in range(3):
        assert client.post("/login/otp/", {"token": "111111"}).status_code == 400
    # Signing in again with the right password does not buy more guesses.
    client = Client()
    sign_in(client, "province_supervisor")
    for _ in range(2):
        assert client.post("/login/otp/", {"token": "111111"}).status_code == 400
    locked = client.post("/login/otp/", {"token": current_code(user)})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "已锁定" in locked.content.decode()
    # The lock signs the session out.
    assert client.get("/workspace/")["Location"].startswith("/login/")
    failures = AuditEntry.objects.filter(
        action="two_factor_login", actor=user, outcome="failure"
    ).count()
    assert failures == 5
    cache.clear()


def test_a_session_without_the_code_step_is_held(cast: dict[str, User]) -> None:
    """force_login (or any session that did not pass the code page) is unverified."""
    client = Client()
    password_only_login(client, cast["supervisor"])
    assert client.get("/workspace/").status_code == 302
    assert client.get("/api/v1/me").status_code == 403
    # The suite's force_login completes both steps, as the code page does.
    verified = Client()
    verified.force_login(cast["supervisor"])
    assert verified.get("/workspace/").status_code == 200


def test_city_staff_and_enterprises_are_not_asked_for_a_code(cast: dict[str, User]) -> None:
    for username in ("wuhan_clerk", "wuhan_enterprise"):
        client = Client()
        sign_in(client, username)
        assert client.get("/workspace/").status_code == 200, username
        assert client.get("/account/two-factor/setup/")["Location"] == "/account/two-factor/"


def test_bearer_tokens_serve_the_api_but_never_open_pages(cast: dict[str, User]) -> None:
    user = cast["supervisor"]
    _token, raw = api_token_create(user=user, name="脚本")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me").json()["username"] == "province_supervisor"
    # A page does not take the token: the browser is not signed in by it.
    page = client.get("/workspace/")
    assert page.status_code == 302 and page["Location"].startswith("/login/")
    # A password-only session with a token header still gets no page.
    password_only_login(client, user)
    assert client.get("/workspace/")["Location"].startswith("/account/two-factor/setup/")


def test_superusers_are_held_from_the_admin_until_verified() -> None:
    User.objects.create_superuser("root2fa", password=PASSWORD)
    client = Client()
    sign_in(client, "root2fa")
    assert client.get("/admin/")["Location"].startswith("/account/two-factor/setup/")


def test_idle_session_ends_after_thirty_minutes_and_each_request_renews_it(
    cast: dict[str, User],
) -> None:
    client = Client()
    sign_in(client, "wuhan_clerk")
    key = client.cookies["sessionid"].value
    first = Session.objects.get(session_key=key).expire_date
    assert abs((first - timezone.now()) - dt.timedelta(minutes=30)) < dt.timedelta(seconds=30)
    Session.objects.filter(session_key=key).update(expire_date=first - dt.timedelta(minutes=10))
    assert client.get("/workspace/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > first - dt.timedelta(minutes=1)
    # Thirty idle minutes later the session is gone.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/workspace/")["Location"].startswith("/login/")
