"""An enterprise finds the nearest outlet on the map page (by the browser's
position, then by picking its county), opens a ticket; the outlet's staff
accept it and answer with a result; the enterprise rates the answer. Two
accounts, screenshots at 1280 and 390 px, and no page wider than the phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.core.models import User
from iphub.filings.tests.e2e.pages import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shoot(page: Any, path: Path, name: str) -> None:
    page.screenshot(path=str(path / f"network_{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(path / f"network_{name}_390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{name}: page is {width}px wide at 390px"
    page.set_viewport_size(DESKTOP)


def test_enterprise_finds_the_nearest_outlet_and_rates_its_answer(
    live_server: Any,
    browser: Any,
    cast: dict[str, User],
    net: dict[str, Any],
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    # The enterprise's browser says it is in Yichang: the Yichang outlet comes first.
    ctx = browser.new_context(
        locale="zh-CN",
        viewport=DESKTOP,
        geolocation={"longitude": 111.29, "latitude": 30.69},
        permissions=["geolocation"],
    )
    page = ctx.new_page()
    login(page, base, "wuhan_enterprise")
    page.goto(base + "/network/")
    page.wait_for_selector("#outlet-map canvas")
    page.click("[data-testid=locate]")
    page.wait_for_selector("[data-testid=origin]")
    assert "当前位置" in page.inner_text("[data-testid=origin]")
    first = page.locator("[data-testid=outlet-row]").first
    assert "宜昌测试信息服务网点" in first.inner_text()
    # It is in fact at its Hongshan office today: pick the county instead.
    page.select_option("[data-testid=near]", "420111")
    page.click("[data-testid=filter]")
    page.wait_for_selector("#outlet-map canvas")
    assert "洪山区" in page.inner_text("[data-testid=origin]")
    first = page.locator("[data-testid=outlet-row]").first
    assert "武汉测试信息服务中心" in first.inner_text()
    distance = float(first.locator("[data-testid=distance]").inner_text().split()[0])
    assert distance < 20
    shoot(page, screenshot_dir, "outlets_nearest")

    first.locator("a").first.click()
    page.select_option("[data-testid=ticket-service]", "search")
    page.fill("[data-testid=ticket-subject]", "激光器散热结构查新检索")
    page.fill(
        "[data-testid=ticket-question]", "拟申请发明专利，请检索国内外相近的激光器散热结构专利。"
    )
    shoot(page, screenshot_dir, "outlet_ticket_form")
    page.click("[data-testid=ticket-submit]")
    assert "待受理" in page.inner_text("[data-testid=ticket-state]")
    ticket_url = page.url

    staff_ctx = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    staff = staff_ctx.new_page()
    login(staff, base, "wuhan_outlet")
    staff.goto(base + "/network/tickets/")
    staff.locator("[data-testid=ticket-row] a").first.click()
    staff.click("[data-testid=accept]")
    assert "办理中" in staff.inner_text("[data-testid=ticket-state]")
    staff.fill(
        "[data-testid=result]", "检索到相近专利 4 件，其中 1 件散热翅片结构相同，建议调整权利要求。"
    )
    staff.click("[data-testid=close]")
    assert "已办结待评价" in staff.inner_text("[data-testid=ticket-state]")
    # Staff answer, but the rating is the requester's: no rating form for them.
    assert staff.locator("[data-testid=form-rate]").count() == 0
    shoot(staff, screenshot_dir, "ticket_answered")
    staff_ctx.close()

    page.goto(ticket_url)
    assert "散热翅片结构相同" in page.inner_text("[data-testid=ticket-result]")
    page.check("[data-testid=rating-5]")
    page.fill("[data-testid=rating-comment]", "答复及时，建议具体。")
    page.click("[data-testid=rate]")
    assert "已评价" in page.inner_text("[data-testid=ticket-state]")
    assert "5 / 5" in page.inner_text("[data-testid=ticket-rating]")
    shoot(page, screenshot_dir, "ticket_rated")
    ctx.close()

    sup_ctx = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    sup = sup_ctx.new_page()
    login(sup, base, "wuhan_clerk")
    sup.goto(base + "/network/stats/")
    row = sup.locator("[data-testid=stats-row][data-outlet='武汉测试信息服务中心']")
    assert "100.0%" in row.locator("[data-testid=on-time-rate]").inner_text()
    shoot(sup, screenshot_dir, "stats")
    sup_ctx.close()
