"""An enterprise asks for financing with two of its patents; a bank accepts,
asks for more materials, the enterprise uploads them, the bank approves; the
loan becomes a pledge filing (pre-filled) that the Wuhan city clerk approves;
the request closes with the real amount and the province's finance figures
move. Screenshots at desktop width and at 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from iphub.core.models import User
from iphub.filings.tests.conftest import NUMBERS, PDF, PNG
from iphub.filings.tests.e2e.pages import login, upload
from iphub.finance.tests.conftest import BANK_A

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def shoot(page: Any, path: Path, name: str) -> None:
    page.screenshot(path=str(path / f"finance_{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(path / f"finance_{name}_390.png"), full_page=True)
    # Nothing wider than the phone but the tables' own scroll boxes.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{name}: page is {width}px wide at 390px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_financing_request_to_registered_pledge(
    live_server: Any,
    browser: Any,
    page: Any,
    cast: dict[str, User],
    banks: dict[str, Any],
    offers: Any,
    patents: dict[str, str],
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    province = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sup = province.new_page()
    login(sup, base, "province_supervisor")
    sup.goto(base + "/finance/figures/")
    assert "融资需求 0 件，已放款 0 件" in sup.inner_text("[data-testid=conversion-total]")

    login(page, base, "wuhan_enterprise")
    page.goto(base + "/finance/requests/new/")
    page.fill("input[name=amount]", "2000000")
    page.fill("input[name=term_months]", "12")
    page.check(f"[data-testid='patent-{NUMBERS['granted']}']")
    page.check(f"[data-testid='patent-{NUMBERS['second']}']")
    page.click("[data-testid=refresh]")
    # Both banks' products fit two inventions for 2 M over a year in Wuhan.
    expect(page.locator("[data-testid=proposals] input[name=products]")).to_have_count(2)
    page.check(f"[data-testid='product-{offers['a'].pk}']")
    shoot(page, screenshot_dir, "request_form")
    page.click("[data-testid=submit]")
    assert "待银行答复" in page.inner_text("[data-testid=slot-state]")
    request_url = page.url
    shoot(page, screenshot_dir, "request_waiting")

    bank_ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    bank = bank_ctx.new_page()
    login(bank, base, "bank_a_user")
    bank.goto(base + "/finance/requests/")
    bank.locator("[data-testid=inbox-row] a").first.click()
    bank.click("[data-testid=accept]")
    assert "银行受理审查中" in bank.inner_text("[data-testid=slot-state]")
    # The bank asks for more; the enterprise sees what, and sends a file back.
    ask_more = bank.locator("[data-testid=form-need_more]")
    ask_more.locator("input[name=note]").fill("请补充近两年审计报告")
    ask_more.locator("[data-testid=need_more]").click()
    assert "需补充材料" in bank.inner_text("[data-testid=slot-state]")
    page.goto(base + "/finance/inbox/")
    assert "要求补充材料" in page.inner_text("[data-testid=finance-notices]")
    page.goto(request_url)
    assert "请补充近两年审计报告" in page.inner_text("[data-testid=asked]")
    supplement = page.locator("[data-testid=form-supplement]")
    supplement.locator("input[name=files]").set_input_files(
        upload("审计报告.pdf", PDF, "application/pdf")
    )
    supplement.locator("input[name=note]").fill("已附审计报告")
    supplement.locator("[data-testid=supplement]").click()
    assert "待银行答复" in page.inner_text("[data-testid=slot-state]")
    shoot(page, screenshot_dir, "request_supplemented")
    bank.reload()
    assert "审计报告.pdf" in bank.inner_text("[data-testid=supplement-files]")
    bank.click("[data-testid=accept]")
    form = bank.locator("[data-testid=form-approve]")
    form.locator("input[name=amount]").fill("1800000")
    form.locator("input[name=rate]").fill("3.85")
    form.locator("[data-testid=approve]").click()
    assert "已批贷" in bank.inner_text("[data-testid=slot-state]")
    shoot(bank, screenshot_dir, "bank_approved")
    bank_ctx.close()

    page.goto(request_url)
    page.locator("[data-testid=pledge-link]").first.click()
    expect(page.locator("input[name=pledgee]")).to_have_value(BANK_A)
    expect(page.locator("input[name=debt_amount]")).to_have_value("1800000.00")
    page.set_input_files(
        "[data-testid=file-application_form]", upload("申请表.pdf", PDF, "application/pdf")
    )
    page.set_input_files(
        "[data-testid=file-pledge_contract]", upload("合同.pdf", PDF, "application/pdf")
    )
    page.set_input_files("[data-testid=file-identity_proof]", upload("执照.png", PNG, "image/png"))
    page.click("[data-testid=submit]")
    assert "已提交待受理" in page.inner_text("[data-testid=state]")

    clerk_ctx = browser.new_context(locale="zh-CN")
    clerk = clerk_ctx.new_page()
    login(clerk, base, "wuhan_clerk")
    clerk.goto(base + "/filings/queue/")
    clerk.locator("[data-testid=filing-row] a").first.click()
    clerk.click("[data-testid=accept]")
    clerk.click("[data-testid=approve]")
    assert "已登记/备案" in clerk.inner_text("[data-testid=state]")
    clerk_ctx.close()

    page.goto(request_url)
    assert "已放款" in page.inner_text("[data-testid=request-state]")
    assert "1800000.00" in page.inner_text("[data-testid=loan-amount]").replace(",", "")
    shoot(page, screenshot_dir, "request_loaned")

    sup.reload()
    assert "融资需求 1 件，已放款 1 件" in sup.inner_text("[data-testid=conversion-total]")
    assert BANK_A in sup.inner_text("[data-testid=pledge-bank]")
    shoot(sup, screenshot_dir, "figures")
    province.close()
