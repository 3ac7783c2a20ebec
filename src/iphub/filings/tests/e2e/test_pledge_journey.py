"""An enterprise files a pledge registration; the Wuhan city clerk accepts and
approves it the same day; the enterprise downloads the notice and checks it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from iphub.core.models import User
from iphub.filings.tests.conftest import PDF, PNG
from iphub.filings.tests.e2e.pages import login, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pledge_filed_approved_and_notice_downloaded(
    live_server: Any,
    browser: Any,
    page: Any,
    cast: dict[str, User],
    patents: dict[str, str],
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    login(page, base, "wuhan_enterprise")
    page.click("text=一网通办")
    page.click("a[href='/filings/pledge/new/']")
    page.fill("input[name=application_number]", patents["granted"])
    page.fill("input[name=pledgee]", "中国银行股份有限公司武汉洪山支行")
    page.fill("input[name=debt_amount]", "3000000.00")
    page.fill("input[name=debt_type]", "流动资金贷款")
    page.fill("input[name=debt_start]", "2026-03-01")
    page.fill("input[name=debt_end]", "2029-02-28")
    page.fill("input[name=guarantee_scope]", "主债权及利息")
    page.set_input_files(
        "[data-testid=file-application_form]", upload("申请表.pdf", PDF, "application/pdf")
    )
    page.set_input_files(
        "[data-testid=file-pledge_contract]", upload("合同.pdf", PDF, "application/pdf")
    )
    page.set_input_files("[data-testid=file-identity_proof]", upload("执照.png", PNG, "image/png"))
    page.click("[data-testid=submit]")
    assert "已提交待受理" in page.inner_text("[data-testid=state]")
    detail_url = page.url
    page.screenshot(path=str(screenshot_dir / "pledge_submitted.png"), full_page=True)

    clerk_context = browser.new_context(locale="zh-CN")
    clerk = clerk_context.new_page()
    login(clerk, base, "wuhan_clerk")
    clerk.click("text=待办队列")
    clerk.locator("[data-testid=filing-row] a").first.click()
    clerk.click("[data-testid=accept]")
    assert "已受理待审核" in clerk.inner_text("[data-testid=state]")
    clerk.click("[data-testid=approve]")
    assert "已登记/备案" in clerk.inner_text("[data-testid=state]")
    registration = clerk.inner_text("[data-testid=registration-number]")
    clerk.screenshot(path=str(screenshot_dir / "pledge_approved.png"), full_page=True)
    clerk_context.close()

    page.goto(detail_url)
    with page.expect_download() as info:
        page.click("[data-testid=download-notice]")
    text = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes())).pages[0].extract_text()
    assert "专利权质押登记通知书" in text and registration in text
    code = text.split("验证码：")[1].split()[0]
    page.goto(f"{base}/filings/verify/{code}/")
    assert "真实有效" in page.inner_text("[data-testid=verify-result]")
