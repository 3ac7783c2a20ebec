"""Browser-journey fixtures (``browser``, ``page``, ``screenshot_dir``), loaded once
for the whole suite through ``pytest_plugins`` in the repository's ``conftest.py`` — never
import them into another conftest: a second session-scoped Playwright would
clash with the first. Playwright drives Debian's Chromium (/usr/bin/chromium).

Playwright's sync API runs an event loop in the test thread; Django refuses ORM
calls from a thread with a running loop unless told it is safe, which it is
here (the loop only waits on the browser).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def browser_login(page: Any, base: str, username: str, password: str) -> None:
    """Sign in through the login form as a person does, and through the two-factor
    step when the account has one (administrators, auditors, province staff): the
    test holds the account's authenticator key (a confirmed TOTP device, made if
    the account has none yet) and types the code it shows now."""
    from iphub.core import twofactor
    from iphub.core.models import User
    from iphub.core.permissions import requires_two_factor

    user = User.objects.select_related("region").get(username=username)
    if requires_two_factor(user) and not twofactor.is_enrolled(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=user, name="browser test", confirmed=True)
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    if "/login/otp/" in page.url:
        device = twofactor.totp_device(user)
        assert device is not None
        page.fill("input[name=token]", twofactor.totp_code(device))
        page.click("[data-testid=otp-form] button[type=submit]")
        page.wait_for_load_state("load")
