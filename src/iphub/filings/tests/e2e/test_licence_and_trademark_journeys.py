"""Two browser journeys through the window.

(a) An enterprise saves a licence-contract filing as a draft, edits it and
submits it; the Wuhan city clerk returns it for correction with a reason; the
enterprise corrects and resubmits; the clerk accepts and approves it.

(b) An enterprise files a trademark pledge; the provincial window accepts and
approves it; the same mark cannot then be pledged again.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from iphub.core.models import User
from iphub.filings.models import Filing, FilingState
from iphub.filings.tests.conftest import OWNER, PDF, PNG
from iphub.filings.tests.e2e.pages import login, upload
from iphub.patents.models import Trademark
from iphub.patents.names import applicant_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "许可合同缺少双方盖章页，请补充盖章后的完整合同。"


def _open_first_in_queue(page: Any) -> None:
    page.click("text=待办队列")
    page.locator("[data-testid=filing-row] a").first.click()


def test_licence_draft_edited_returned_corrected_and_approved(
    live_server: Any,
    browser: Any,
    page: Any,
    cast: dict[str, User],
    patents: dict[str, str],
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    today = dt.date.today()
    login(page, base, "wuhan_enterprise")
    page.goto(base + "/filings/licence/new/")
    page.fill("input[name=application_number]", patents["granted"])
    page.fill("input[name=licensee]", "江岸测试制造有限公司")
    page.select_option("select[name=licence_type]", "ordinary")
    page.fill("input[name=fee]", "100000")
    page.fill("input[name=contract_effective]", f"{today - dt.timedelta(days=7):%Y-%m-%d}")
    page.fill("input[name=licence_start]", f"{today - dt.timedelta(days=7):%Y-%m-%d}")
    page.fill("input[name=licence_end]", f"{today.year + 2}-06-30")
    # Saved before the materials are ready.
    page.click("[data-testid=save-draft]")
    assert "草稿" in page.inner_text("[data-testid=state]")
    detail_url = page.url

    # Edit: a new fee, and the materials.
    page.click("[data-testid=edit-draft]")
    expect(page.locator("input[name=licensee]")).to_have_value("江岸测试制造有限公司")
    page.fill("input[name=fee]", "120000.00")
    page.set_input_files(
        "[data-testid=file-application_form]", upload("备案申请表.pdf", PDF, "application/pdf")
    )
    page.set_input_files(
        "[data-testid=file-licence_contract]", upload("许可合同.pdf", PDF, "application/pdf")
    )
    page.set_input_files("[data-testid=file-identity_proof]", upload("执照.png", PNG, "image/png"))
    page.click("[data-testid=save-draft]")
    assert "草稿" in page.inner_text("[data-testid=state]")
    assert "120000.00" in page.content()
    page.click("[data-testid=submit-draft]")
    assert "已提交待受理" in page.inner_text("[data-testid=state]")

    # The clerk returns it with the reason.
    clerk_context = browser.new_context(locale="zh-CN")
    clerk = clerk_context.new_page()
    login(clerk, base, "wuhan_clerk")
    _open_first_in_queue(clerk)
    clerk.fill("[data-testid=return-reasons-input]", REASON)
    clerk.click("[data-testid=return]")
    assert "退回补正" in clerk.inner_text("[data-testid=state]")

    # The enterprise reads the reason, corrects and resubmits.
    page.goto(detail_url)
    assert REASON in page.inner_text("[data-testid=return-reasons]")
    page.click("[data-testid=correct]")
    page.set_input_files(
        "[data-testid=file-licence_contract]", upload("盖章合同.pdf", PDF, "application/pdf")
    )
    page.click("[data-testid=resubmit]")
    assert "已提交待受理" in page.inner_text("[data-testid=state]")
    assert "盖章合同.pdf" in page.content()
    page.screenshot(path=str(screenshot_dir / "licence_resubmitted.png"), full_page=True)

    # The clerk accepts and approves.
    clerk.reload()
    clerk.click("[data-testid=accept]")
    assert "已受理待审核" in clerk.inner_text("[data-testid=state]")
    clerk.click("[data-testid=approve]")
    assert "已登记/备案" in clerk.inner_text("[data-testid=state]")
    history = clerk.inner_text("[data-testid=history]")
    # Every step in words, in order (workflow.HISTORY_LABELS).
    steps = ["创建申请", "修改草稿", "提交", "退回补正", "补正材料", "补正后重新提交", "受理"]
    rows = [line.split("\t")[2] for line in history.splitlines() if line.count("\t") >= 2]
    assert [r for r in rows if r in steps] == steps and rows[-1] == "准予登记/备案"
    clerk_context.close()

    filing = Filing.objects.get(kind="patent_licence")
    assert filing.state == FilingState.REGISTERED and str(filing.amount) == "120000.00"
    page.goto(detail_url)
    with page.expect_download() as info:
        page.click("[data-testid=download-notice]")
    text = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes())).pages[0].extract_text()
    assert "专利实施许可合同备案证明" in text and str(filing.registration_number) in text


def test_trademark_pledge_through_to_approval(
    live_server: Any,
    browser: Any,
    page: Any,
    cast: dict[str, User],
    province_clerk: User,
    screenshot_dir: Path,
) -> None:
    Trademark.objects.create(registration_number="12345678", name="洪山测试",
                             nice_classes=[9, 35], owner=OWNER, owner_key=applicant_key(OWNER),
                             status="注册")  # fmt: skip
    base = live_server.url

    def fill_form() -> None:
        page.goto(base + "/filings/trademark/new/")
        page.fill("input[name=trademark_number]", "12345678")
        page.fill("input[name=trademark_name]", "洪山测试")
        page.fill("input[name=trademark_classes]", "9, 35")
        page.fill("input[name=valid_until]", "2031-06-20")
        page.fill("input[name=pledgee]", "招商银行股份有限公司武汉分行")
        page.fill("input[name=debt_amount]", "2000000.00")
        page.fill("input[name=debt_type]", "流动资金贷款")
        page.fill("input[name=debt_start]", "2026-03-01")
        page.fill("input[name=debt_end]", "2028-02-29")
        page.check("input[name=joint_application]")
        page.check("input[name=similar_marks_included]")
        for code, name in (("application_form", "申请书.pdf"), ("main_contract", "主合同.pdf"),
                           ("pledge_contract", "质权合同.pdf")):  # fmt: skip
            page.set_input_files(f"[data-testid=file-{code}]", upload(name, PDF, "application/pdf"))
        png = upload("执照.png", PNG, "image/png")
        page.set_input_files("[data-testid=file-identity_proof]", png)
        page.click("[data-testid=submit]")

    login(page, base, "wuhan_enterprise")
    fill_form()
    assert "已提交待受理" in page.inner_text("[data-testid=state]")
    assert "12345678" in page.inner_text("[data-testid=trademark-number]")
    detail_url = page.url

    clerk_context = browser.new_context(locale="zh-CN")
    clerk = clerk_context.new_page()
    login(clerk, base, "province_clerk")
    _open_first_in_queue(clerk)
    clerk.click("[data-testid=accept]")
    assert "已受理待审核" in clerk.inner_text("[data-testid=state]")
    clerk.click("[data-testid=approve]")
    assert "已登记/备案" in clerk.inner_text("[data-testid=state]")
    registration = clerk.inner_text("[data-testid=registration-number]")
    assert registration.startswith("S")
    clerk.screenshot(path=str(screenshot_dir / "trademark_pledge_approved.png"), full_page=True)
    clerk_context.close()

    page.goto(detail_url)
    with page.expect_download() as info:
        page.click("[data-testid=download-notice]")
    text = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes())).pages[0].extract_text()
    assert "商标专用权质权登记证" in text and registration in text

    # The same mark again: refused on the field until the pledge is cancelled.
    fill_form()
    error = page.inner_text("[data-testid=error-trademark_number]")
    assert "已办理质权登记" in error and registration in error
    assert Filing.objects.filter(kind="trademark_pledge").count() == 1
