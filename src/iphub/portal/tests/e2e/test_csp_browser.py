"""The supervision dashboard's ECharts map draws under the Content-Security-Policy,
and the browser reports no violation (issue 18, finding 10)."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_map_draws_without_csp_violations(
    live_server: Any, page: Any, cast: dict[str, User]
) -> None:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.on("pageerror", lambda e: messages.append(str(e)))
    browser_login(page, live_server.url, "province_supervisor", PASSWORD)
    page.wait_for_url("**/workspace/")
    page.goto(live_server.url + "/supervision/")
    page.wait_for_selector("#hubei-map[data-ready='1'] canvas", timeout=15000)
    # The language menu (formerly an inline onchange) still switches at once.
    page.select_option("select[name=language]", "en")
    # The switch posts a form and reloads; "load" of the old page may already have
    # fired, so wait for the new page's language rather than for an event. A selector
    # wait, not wait_for_function: that one evaluates a string in the page, which this
    # very CSP refuses (and reports as a violation of its own).
    page.locator("html[lang='en']").wait_for(state="attached", timeout=15000)
    assert page.locator("html").get_attribute("lang") == "en"
    violations = [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert not violations, violations
