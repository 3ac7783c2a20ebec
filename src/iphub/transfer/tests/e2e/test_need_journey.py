"""An enterprise posts a need, sees ranked patents with reasons and asks for
contact; the patentee finds the request in its inbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import PASSWORD
from iphub.core.models import User
from iphub.patents.models import Patent
from iphub.transfer.tests.conftest import need_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/workspace/")


def test_enterprise_posts_need_and_patentee_sees_contact_request(
    live_server: Any,
    page: Any,
    cast: dict[str, User],
    patentee: User,
    corpus: dict[int, Patent],
    screenshot_dir: Path,
) -> None:
    data = need_data()
    _login(page, live_server.url, "wuhan_enterprise")
    page.click("text=知慧桥")
    page.click("text=发布需求")
    form = page.locator("[data-testid=need-form]")
    form.locator("input[name=title]").fill(data["title"])
    form.locator("textarea[name=description]").fill(data["description"])
    form.locator("input[name=ipc_codes]").fill("H01M")
    form.locator("input[name=budget_min]").fill("500000")
    form.locator("input[name=budget_max]").fill("2000000")
    form.locator("input[value=transfer]").check()
    form.locator("input[name=deadline]").fill(data["deadline"])
    form.locator("input[name=contact_name]").fill("张三丰")
    form.locator("input[name=contact_phone]").fill("13812345678")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=need-title]")
    first = page.locator("[data-testid=match]").first
    assert first.locator("[data-testid=match-title]").inner_text() == corpus[1].title
    why = first.locator("[data-testid=match-why]").inner_text()
    assert "共同技术词" in why and "同城" in why
    page.screenshot(path=str(screenshot_dir / "transfer_need_matches.png"), full_page=True)
    first.locator("[data-testid=request-contact]").click()
    assert "已向对方发送联系请求" in page.inner_text(".messages")

    page.click("text=退出")
    _login(page, live_server.url, "jiangan_user")
    page.goto(live_server.url + "/transfer/inbox/")
    requests = page.inner_text("[data-testid=contact-requests]")
    assert corpus[1].title in requests and "洪山测试科技有限公司" in requests
    assert "请求" in page.inner_text("[data-testid=notifications]")
    page.click(f"[data-testid=contact-requests] >> text={data['title']}")
    page.click("[data-testid=accept]")
    assert page.inner_text("[data-testid=match-stage]") == "洽谈中"
    page.screenshot(path=str(screenshot_dir / "transfer_contact_accepted.png"), full_page=True)
