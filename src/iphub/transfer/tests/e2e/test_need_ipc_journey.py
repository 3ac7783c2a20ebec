"""Issue 20, IPC suggestions in a browser: an enterprise that knows no IPC code
asks the need form for suggestions, ticks two of them, posts the need, and finds
them stored as the need's own codes (on the page and back in the edit form) and
used in the match reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.core.models import User
from iphub.patents.models import Patent
from iphub.patents.tests.ipc_fixture import ipc_model  # noqa: F401
from iphub.transfer.models import TechnologyNeed
from iphub.transfer.tests.conftest import need_data
from iphub.transfer.tests.e2e.test_need_journey import _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ipc_model"),
]


def test_enterprise_picks_two_suggested_ipc_codes_and_sees_them_in_match_reasons(
    live_server: Any,
    page: Any,
    cast: dict[str, User],
    corpus: dict[int, Patent],
    screenshot_dir: Path,
) -> None:
    from iphub.core.outbox import outbox_drain_all

    outbox_drain_all()
    data = need_data()
    _login(page, live_server.url, "wuhan_enterprise")
    page.goto(live_server.url + "/transfer/needs/new/")
    form = page.locator("[data-testid=need-form]")
    form.locator("input[name=title]").fill(data["title"])
    form.locator("textarea[name=description]").fill(data["description"])
    # No code typed: the user does not know one and asks for suggestions.
    form.locator("[data-testid=ipc-suggest-button]").click()
    offered = form.locator("[data-testid=ipc-suggestion]")
    offered.first.wait_for()
    assert offered.count() >= 2
    first_text = offered.nth(0).inner_text()
    assert "置信度" in first_text
    codes = [offered.nth(i).locator("input[name=ipc_pick]").get_attribute("value") for i in (0, 1)]
    assert "H01M" in codes  # a battery cathode need: the battery subclass is offered
    for i in (0, 1):
        offered.nth(i).locator("input[name=ipc_pick]").check()
    page.screenshot(path=str(screenshot_dir / "transfer_need_ipc_suggestions.png"), full_page=True)
    form.locator("input[name=budget_min]").fill("500000")
    form.locator("input[name=budget_max]").fill("2000000")
    form.locator("input[value=transfer]").check()
    form.locator("input[name=deadline]").fill(data["deadline"])
    form.locator("input[name=contact_name]").fill("张三丰")
    form.locator("input[name=contact_phone]").fill("13812345678")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=need-title]")

    # Stored as the need's own codes, not as suggestions.
    shown = page.inner_text("[data-testid=need-ipc]")
    assert all(c in shown for c in codes)
    need = TechnologyNeed.objects.get(title=data["title"])
    assert sorted(need.ipc_codes) == sorted(c for c in codes if c)
    assert "H01M" not in [s["code"] for s in need.ipc_suggested]

    # The matcher uses them, as the user's choice (not marked 系统推荐).
    best = page.locator("[data-testid=match]").first
    assert best.locator("[data-testid=match-title]").inner_text() == corpus[1].title
    why = best.locator("[data-testid=match-why]").inner_text()
    assert "分类号相近：H01M" in why and "系统推荐分类" not in why

    # Back in the edit form the picked codes are in the IPC field.
    page.goto(live_server.url + f"/transfer/needs/{need.pk}/edit/")
    typed = page.locator("[data-testid=need-form] input[name=ipc_codes]").input_value()
    assert all(c in typed for c in codes)
