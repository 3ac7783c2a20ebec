"""Browser journey (issue 24, item 3): an enforcement officer opens the group of an
edited copy (synonyms swapped, numbers changed, clauses reordered) and reads why
it was flagged — the passages both texts share, marked on both sides — on a
desktop and on a 390 px phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.protection.models import FlaggedGroup
from iphub.protection.tests.test_edited_copy_page import edited_group  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_reads_why_an_edited_copy_was_flagged(
    live_server: Any,
    page: Any,
    edited_group: FlaggedGroup,  # noqa: F811 (the fixture imported above)
    screenshot_dir: Path,
) -> None:
    browser_login(page, live_server.url, "wuhan_enforcer", PASSWORD)
    page.wait_for_url("**/workspace/")
    page.goto(live_server.url + "/protection/screening/")
    expect(page.locator("[data-testid=group-row]")).to_have_count(1)
    expect(page.locator("[data-testid=group-row]")).to_contain_text("文本改写后相似")
    page.locator("[data-testid=group-row] a").first.click()
    # Reordered clauses are each marked, on both sides.
    expect(page.locator("[data-testid=left] mark[data-testid=shared]").nth(2)).to_be_visible()
    expect(page.locator("[data-testid=right] mark[data-testid=shared]").nth(2)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "edited-copy-group.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("[data-testid=right] mark[data-testid=shared]").first).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "edited-copy-group-390.png"), full_page=True)
