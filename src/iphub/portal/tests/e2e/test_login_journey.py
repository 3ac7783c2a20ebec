from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import PASSWORD
from iphub.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_clerk_sees_only_their_city(
    live_server: Any, page: Any, cast: dict[str, User], screenshot_dir: Path
) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "yichang_clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/workspace/")
    assert "宜昌市" in page.inner_text("[data-testid=who]")
    page.click("text=组织机构")
    table = page.inner_text("[data-testid=organisations]")
    assert "宜昌测试化工有限公司" in table
    assert "洪山测试科技有限公司" not in table and "江岸测试制造有限公司" not in table
    regions = page.eval_on_selector_all("td[data-region]", "els => els.map(e => e.dataset.region)")
    assert regions and all(code.startswith("4205") for code in regions)
    page.screenshot(path=str(screenshot_dir / "city_clerk_organisations.png"), full_page=True)


def test_wrong_password_shows_a_chinese_message(
    live_server: Any, page: Any, cast: dict[str, User]
) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "wuhan_clerk")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("[role=alert]")
