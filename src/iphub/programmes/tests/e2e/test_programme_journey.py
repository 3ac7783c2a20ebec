"""An enterprise applies to a programme with evidence, the Wuhan city clerk
returns it, the enterprise corrects it, the clerk scores and recommends it, and
the province scores and approves it; the enterprise then sees the approval and
its tag. Three accounts, three browser contexts; screenshots at 1280 and 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.core.models import Organisation, User
from iphub.programmes.models import ProgrammeApplication
from iphub.programmes.tests.conftest import PDF, PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    browser_login(page, base, username, PASSWORD)
    page.wait_for_url("**/workspace/")


def _file(name: str, data: bytes, mime: str) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def _no_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"


def _scores(page: Any, values: tuple[str, str, str]) -> None:
    for key, value in zip(("c1", "c2", "c3"), values, strict=True):
        page.fill(f"[data-testid=score-{key}]", value)


def test_enterprise_applies_city_and_province_review(
    live_server: Any,
    browser: Any,
    page: Any,
    cast: dict[str, User],
    orgs: dict[str, Organisation],
    programme: Any,
    owned_patents: None,
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    _login(page, base, "wuhan_enterprise")
    page.click("text=培育项目")
    page.click(f"text={programme.name}")
    page.click("[data-testid=apply]")
    # The form comes pre-filled from the platform's records.
    expect(page.locator("[data-testid=declared_patents]")).to_have_value("3")
    assert page.input_value("[data-testid=declared_inventions_in_force]") == "1"
    page.fill("[data-testid=statement]", "建立了知识产权管理体系，三年内有效发明专利翻番。")
    page.set_input_files("[data-testid=evidence_c1]", _file("贯标证书.pdf", PDF, "application/pdf"))
    page.set_input_files("[data-testid=evidence_c3]", _file("许可合同.png", PNG, "image/png"))
    page.screenshot(path=str(screenshot_dir / "programme_apply.png"), full_page=True)
    page.click("[data-testid=submit]")
    assert "待市级审核" in page.inner_text("[data-testid=state]")
    detail = page.url

    clerk_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    clerk = clerk_ctx.new_page()
    _login(clerk, base, "wuhan_clerk")
    clerk.goto(base + "/programmes/queue/")
    clerk.locator("[data-testid=queue-row] a").first.click()
    clerk.fill("[data-testid=return-reason-input]", "请补充贯标证书的年检页。")
    clerk.click("[data-testid=return]")
    assert "退回补正" in clerk.inner_text("[data-testid=state]")

    page.goto(base + "/programmes/mine/")
    assert "请补充贯标证书的年检页。" in page.inner_text("[data-testid=notices]")
    page.goto(detail)
    page.click("[data-testid=resubmit]")
    page.fill("[data-testid=statement]", "已补充年检页。")
    page.set_input_files("[data-testid=evidence_c1]", _file("年检页.pdf", PDF, "application/pdf"))
    page.click("[data-testid=submit]")
    assert "待市级审核" in page.inner_text("[data-testid=state]")

    clerk.reload()
    _scores(clerk, ("35", "25", "20"))
    clerk.click("[data-testid=recommend]")
    assert "市级推荐" in clerk.inner_text("[data-testid=state]")
    assert clerk.inner_text("[data-testid=city-total]") == "80.0"
    clerk.screenshot(path=str(screenshot_dir / "programme_city_review.png"), full_page=True)

    prov_ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    prov = prov_ctx.new_page()
    _login(prov, base, "province_supervisor")
    prov.goto(base + "/programmes/queue/")
    prov.locator("[data-testid=queue-row] a").first.click()
    _scores(prov, ("38", "27", "25"))
    prov.click("[data-testid=approve]")
    assert "已批准" in prov.inner_text("[data-testid=state]")
    assert prov.inner_text("[data-testid=province-total]") == "90.0"
    _no_overflow(prov)
    prov.screenshot(
        path=str(screenshot_dir / "programme_province_approved_390.png"), full_page=True
    )

    page.goto(base + "/programmes/mine/")
    assert "已批准" in page.inner_text("[data-testid=notices]")
    assert page.locator("[data-testid=membership]").count() == 1
    page.screenshot(path=str(screenshot_dir / "programme_mine_1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(detail)
    _no_overflow(page)
    page.screenshot(path=str(screenshot_dir / "programme_application_390.png"), full_page=True)
    orgs["wuhan_hongshan"].refresh_from_db()
    assert "bqw_1000" in orgs["wuhan_hongshan"].tags
    assert ProgrammeApplication.objects.get().events.count() == 5
    clerk_ctx.close()
    prov_ctx.close()
