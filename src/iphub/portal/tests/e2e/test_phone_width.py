"""At a phone's 390 px no page scrolls sideways, the menu folds behind a button, and
on a desktop the staff menu stays within two short rows.

Each role opens its key pages at 390 px; the page's own width
(``document.documentElement.scrollWidth``) must not exceed the viewport: wide
tables scroll inside their own box instead. Screenshots (390 px and 1280 px) go to
``var/screenshots/phone-*.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.core.models import User
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import HEADERS, row, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SEARCH = "/patents/?q=锂离子电池"

# The pages each role meets first; the first three were wider than a phone.
PAGES: dict[str, list[str]] = {
    "": ["/", SEARCH, "/transfer/", "/transfer/events/", "/filings/", "/protection/", "/nope/"],
    "supervisor": [
        SEARCH,
        "/audit/",
        "/supervision/scores/",
        "/",
        "/workspace/",
        "/supervision/",
        "/supervision/reports/",
        "/supervision/plan/",
        "/organisations/",
        "/finance/",
        "/filings/board/",
        "/transfer/deals/list/",
    ],
    "wuhan_clerk": ["/filings/queue/", "/transfer/funnel/", "/patents/imports/", "/navigation/"],
    "wuhan_enforcer": ["/protection/screening/", "/protection/cases/", "/protection/assistance/"],
    "enterprise": ["/workspace/", "/filings/mine/", "/transfer/needs/mine/", "/patents/saved/"],
}
SCREENSHOTS = {"/", SEARCH, "/audit/", "/supervision/scores/", "/workspace/", "/supervision/"}


@pytest.fixture
def patents(regions: None, tmp_path: Path, settings: Any) -> None:
    """A dozen patents with long titles and applicants, so search has a result list."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    rows = [
        row(
            n,
            名称=f"一种用于高镍三元锂离子电池正极材料的包覆改性方法及其在动力电池中的应用{n}",
            申请人="武汉光谷新能源动力电池材料科技股份有限公司;华中科技大学",
        )
        for n in range(1, 13)
    ]
    import_file(actor=None, path=write_csv(tmp_path / "patents.csv", rows, HEADERS))


def _context(browser: Any, live_server: Any, user: User | None, viewport: dict[str, int]) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    if user is not None:
        browser_login(page, live_server.url, user.username, PASSWORD)
        page.wait_for_url("**/workspace/")
    return context, page


def _shot_name(who: str, path: str, width: int) -> str:
    slug = path.split("?")[0].strip("/").replace("/", "-") or "home"
    return f"phone-{who or 'visitor'}-{slug}-{width}.png"


def test_no_page_scrolls_sideways_on_a_phone(
    browser: Any,
    live_server: Any,
    people: dict[str, User],
    patents: None,
    screenshot_dir: Path,
) -> None:
    wide: list[str] = []
    for who, paths in PAGES.items():
        context, page = _context(browser, live_server, people.get(who), PHONE)
        for path in paths:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide.append(f"{who or 'visitor'} {path}: {width} px")
            if path in SCREENSHOTS:
                page.screenshot(path=str(screenshot_dir / _shot_name(who, path, 390)))
        context.close()
    assert wide == []


def test_the_menu_folds_on_a_phone_and_stays_short_on_a_desktop(
    browser: Any, live_server: Any, people: dict[str, User], screenshot_dir: Path
) -> None:
    # The province supervisor is offered the most pages.
    supervisor = people["supervisor"]
    context, page = _context(browser, live_server, supervisor, PHONE)
    menu_link = page.locator(".menu-work a[data-menu=audit]")
    assert not menu_link.is_visible()
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < PHONE["height"] / 8  # the brand and the button, one row
    page.click("[data-testid=menu-button]")
    expect(menu_link).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "phone-supervisor-menu-open-390.png"))
    menu_link.click()
    page.wait_for_url("**/audit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

    context, page = _context(browser, live_server, supervisor, DESKTOP)
    for path in sorted(SCREENSHOTS):
        page.goto(live_server.url + path)
        page.screenshot(path=str(screenshot_dir / _shot_name("supervisor", path, 1280)))
    # Services and account on one row, the staff's own pages on a second.
    assert page.locator("[data-testid=menu-button]").is_hidden()
    rows = page.eval_on_selector_all(
        ".menu a",
        "links => [...new Set(links.map(a => Math.round(a.getBoundingClientRect().top)))]",
    )
    assert len(rows) == 2
    assert page.locator("header.topbar").bounding_box()["height"] < 100
    context.close()
