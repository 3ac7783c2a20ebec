"""In the browser: the enterprise names another company as pledgor and is told to
fix it, with its three materials still attached; it fixes the field and submits
without attaching anything again. An agency files for that enterprise with the
owner's 委托书; the clerk's review screen says so in its warning box."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import make_org, make_user
from iphub.core.models import Role, User
from iphub.filings import services
from iphub.filings.models import Filing
from iphub.filings.tests.conftest import (
    MONDAY_10,
    OWNER,
    PDF,
    PNG,
    pdf,
    pledge_data,
    pledge_documents,
)
from iphub.filings.tests.e2e.pages import login, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refused_pledgor_keeps_the_uploads_and_the_clerk_sees_the_agency(
    live_server: Any,
    browser: Any,
    page: Any,
    cast: dict[str, User],
    patents: dict[str, str],
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    login(page, base, "wuhan_enterprise")
    page.goto(base + "/filings/pledge/new/")
    page.fill("input[name=application_number]", patents["granted"])
    page.fill("input[name=pledgor]", "宜昌测试化工有限公司")
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
    assert "出质人须为本单位" in page.inner_text("[data-testid=error-pledgor]")
    assert "合同.pdf" in page.inner_text("[data-testid=kept-pledge_contract]")
    page.screenshot(path=str(screenshot_dir / "pledge_refused_pledgor.png"), full_page=True)

    page.fill("input[name=pledgor]", "")
    page.click("[data-testid=submit]")
    assert "已提交待受理" in page.inner_text("[data-testid=state]")
    filing = Filing.objects.get()
    assert sorted(d.original_name for d in filing.documents.all()) == [
        "合同.pdf",
        "执照.png",
        "申请表.pdf",
    ]

    agency = make_user(
        "wuhan_agent",
        Role.AGENCY,
        organisation=make_org("武汉测试专利代理事务所", "420106", 9, kind="agency"),
    )
    by_agent = services.pledge_submit(
        actor=agency,
        data=pledge_data(patents["second"], pledgor=OWNER),
        documents=pledge_documents() | {"power_of_attorney": [pdf("委托书.pdf")]},
        idempotency_key=uuid.uuid4().hex,
        now=MONDAY_10,
    )
    clerk_context = browser.new_context(locale="zh-CN")
    clerk = clerk_context.new_page()
    login(clerk, base, "wuhan_clerk")
    clerk.goto(f"{base}/filings/{by_agent.pk}/")
    box = clerk.inner_text("[data-testid=party-warnings]")
    assert f"代理机构“武汉测试专利代理事务所”代出质人“{OWNER}”办理" in box
    clerk.screenshot(path=str(screenshot_dir / "pledge_review_agency.png"), full_page=True)
    clerk.goto(f"{base}/filings/{filing.pk}/")
    assert clerk.locator("[data-testid=party-warnings]").count() == 0
    clerk_context.close()
