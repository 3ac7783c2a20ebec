"""专利找企业 (issue 21, item 3): a university lists a patent through the listing
form and has it ranked and pushed from its push page (the button a holder
presses; the test settings run the background job at once); one firm opens its
inbox and answers that it is interested, another stops receiving pushes; the
university's push page then shows the firms reached, why each was chosen, and
who answered what. Screenshots at 1280 and 390 px, no page wider than a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.brokerage.tests.conftest import CORPUS, JIANGAN, YICHANG
from iphub.core.models import Organisation, User
from iphub.filings.tests.e2e.pages import login
from iphub.patents.models import Patent
from iphub.transfer import services as transfer_services
from iphub.transfer.tests.conftest import need_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shoot(page: Any, path: Path, name: str) -> None:
    page.screenshot(path=str(path / f"brokerage_{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(path / f"brokerage_{name}_390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: page is {width}px wide at 390px"
    page.set_viewport_size(DESKTOP)


def signed_in(browser: Any, base: str, username: str) -> tuple[Any, Any]:
    ctx = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = ctx.new_page()
    login(page, base, username)
    return ctx, page


def test_university_lists_a_patent_and_sees_who_was_pushed_it_and_who_answered(
    live_server: Any,
    browser: Any,
    accounts: dict[str, User],
    corpus: dict[int, Patent],
    orgs: dict[str, Organisation],
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    patent = corpus[6]
    # What the leading firm holds in the patent's IPC main group, counted from the corpus.
    group = patent.ipc_codes[0][:4]
    jiangan_held = sum(1 for *_, who, ipc, _a in CORPUS if who == JIANGAN and ipc[:4] == group)
    # The Yichang firm holds no battery patent but has posted a need that reads like
    # this one (posting a need is transfer's own journey): that is its reason.
    need = "正极材料循环稳定性差"
    transfer_services.need_create(
        actor=accounts["yichang"], data=need_data(title=need, ipc_codes="H01M4/36")
    )

    # The university lists its patent through the listing form.
    uni_ctx, uni = signed_in(browser, base, "uni_user")
    uni.goto(base + "/transfer/supply/new/")
    uni.fill("input[name=title]", "正极包覆技术转让")
    uni.select_option("select[name=mode]", "transfer")
    uni.fill("input[name=asking_price]", "500000")
    uni.check(f"input[name=patents][value='{patent.pk}']")
    uni.click("form.form button[type=submit]:has-text('挂牌')")
    assert "已挂牌" in uni.inner_text(".messages")

    # From 专利找企业 it opens the listing's push page and presses 排序并推送.
    uni.goto(base + "/workspace/")
    uni.click("[data-task=brokerage_sent] a")
    uni.click("[data-testid=sent-listings] a:has-text('正极包覆技术转让')")
    uni.click("[data-testid=push-run]")
    assert "已开始为专利排序企业" in uni.inner_text(".messages")
    rows = uni.locator("[data-testid=pushes] tbody tr[data-org]")
    reached = rows.evaluate_all("rs => rs.map(r => r.dataset.org)")
    assert reached[0] == JIANGAN, reached
    assert "武汉测试大学" not in reached  # never pushed its own patent
    assert YICHANG in reached, reached

    # The leading firm reads why it was chosen and answers: interested.
    firm_ctx, firm = signed_in(browser, base, "jiangan_user")
    firm.click("[data-task=brokerage_pushes] a")
    firm.click(f"[data-testid=push-inbox] a:has-text('{patent.title}')")
    reasons = firm.inner_text("[data-testid=push-reasons]")
    assert f"贵单位有 {jiangan_held} 件 {group} 专利" in reasons
    form = firm.locator("[data-testid=answer-form]")
    form.locator("input[value=interested]").check()
    form.locator("textarea[name=problem]").fill("高镍正极在高温下循环衰减快，希望引入包覆技术。")
    form.locator("input[name=contact_name]").fill("李工")
    form.locator("input[name=contact_phone]").fill("13912345678")
    shoot(firm, screenshot_dir, "push_answer_form")
    form.locator("[data-testid=answer-submit]").click()
    assert "对方将与您联系" in firm.inner_text(".messages")
    assert "有意向" in firm.inner_text("[data-testid=push-answer]")
    firm_ctx.close()

    # Another firm sees the push in its inbox and stops receiving pushes.
    other_ctx, other = signed_in(browser, base, "yichang_user")
    other.click("[data-task=brokerage_pushes] a")
    assert patent.title in other.inner_text("[data-testid=push-inbox]")
    other.click("[data-testid=mute]")
    assert "已设置不接收专利推送" in other.inner_text(".messages")
    assert "不接收专利推送" in other.inner_text("[data-testid=muted]")
    shoot(other, screenshot_dir, "push_inbox_muted")
    other_ctx.close()

    # The university sees every firm reached, with reasons, and who answered what.
    uni.reload()
    summary = uni.inner_text("[data-testid=push-summary]")
    assert f"已推送 {len(reached)} 家" in summary
    assert "1 家已查看，1 家已答复，其中 1 家有意向" in summary
    lead = uni.locator(f"[data-testid=pushes] tr[data-org='{JIANGAN}']")
    assert f"贵单位有 {jiangan_held} 件 {group} 专利" in lead.inner_text()
    assert "有意向" in lead.locator("[data-testid=push-answer]").inner_text()
    assert lead.locator("[data-testid=push-answer] a:has-text('对接')").count() == 1
    quiet = uni.locator(f"[data-testid=pushes] tr[data-org='{YICHANG}']")
    assert f"需求『{need}』与本专利相近" in quiet.inner_text()
    assert "未答复" in quiet.locator("[data-testid=push-answer]").inner_text()
    assert "未查看" in quiet.inner_text()
    # Muting is the firm's own business: the holder is not told.
    assert "不接收" not in uni.inner_text("main")
    shoot(uni, screenshot_dir, "listing_pushes")
    uni_ctx.close()
