"""A province supervisor's first login in a browser (issue 18, MLPS level 3): the
password, then the enrolment page with its QR code drawn under the CSP, the key
typed into an "authenticator" (the test computes the code from the key shown on
the page, as an app would), the recovery codes once, and then the platform; the
next login asks for the code."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from iphub.conftest import PASSWORD
from iphub.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_key(secret: str) -> str:
    raw = secret.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    return f"{totp(key):06d}"


def test_first_login_enrols_an_authenticator_and_the_next_asks_for_its_code(
    live_server: Any, page: Any, cast: dict[str, User], screenshot_dir: Path
) -> None:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "province_supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/two-factor/setup/**")
    qr = page.locator("[data-testid=otp-qr]")
    # The QR code image loaded (an inline SVG the CSP allows): it has a width.
    assert page.evaluate("img => img.naturalWidth", qr.element_handle()) > 0
    page.screenshot(path=str(screenshot_dir / "two_factor_setup.png"), full_page=True)
    secret = page.inner_text("[data-testid=otp-secret]")
    page.fill("input[name=token]", _code_from_key(secret))
    page.click("form.form button[type=submit]")
    # all_inner_texts() does not wait: read the codes once the next page shows them.
    page.locator("[data-testid=recovery-codes] li").first.wait_for()
    codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10 and all(len(c.strip()) == 8 for c in codes)
    page.click("text=我已保存，继续")
    page.wait_for_url("**/workspace/")
    assert not [m for m in messages if "Content Security Policy" in m], messages

    # Signed out and in again: now the code page; a recovery code opens the platform.
    page.click("text=退出")
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "province_supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/login/otp/**")
    page.fill("input[name=token]", codes[0].strip())
    page.click("[data-testid=otp-form] button[type=submit]")
    page.wait_for_url("**/workspace/")
