"""Browser journey (issue 24, item 2): an enterprise watches a field with a saved
search; a weekly file brings a new patent and a change file a lapse; the enterprise
sees the unread alert, opens it, reads which records are new and which changed
(with the status they have now), and the alert is read. Desktop and 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.patents.services import import_file
from iphub.patents.services.updates import legal_status_file_apply
from iphub.patents.tests.conftest import app_no, row, write_csv
from iphub.patents.tests.test_import_updates import change_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_reads_an_alert_of_new_and_changed_patents(
    live_server: Any,
    page: Any,
    regions: None,
    cast: dict[str, Any],
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    base = [row(1, 名称="一种固态电池隔膜", 法律状态="有权-审定授权")]
    import_file(actor=None, path=write_csv(tmp_path / "base.csv", base))

    browser_login(page, live_server.url, "wuhan_enterprise", PASSWORD)
    page.goto(live_server.url + "/patents/saved/")
    page.fill("input[name=name]", "电池隔膜")
    page.fill("input[name=query]", "隔膜")
    page.click("form.filters button")
    expect(page.locator("body")).to_contain_text("已保存检索")

    week = [row(2, 名称="一种陶瓷涂覆隔膜")]
    import_file(actor=None, path=write_csv(tmp_path / "week.csv", week))
    lapse = change_csv(
        tmp_path / "lapse.csv", [[app_no(2021, 1, 1), "2024-01-10", "专利权的终止", ""]]
    )
    legal_status_file_apply(actor=None, path=lapse)

    page.goto(live_server.url + "/patents/saved/")
    alerts = page.get_by_test_id("alerts")
    expect(alerts.locator("li")).to_have_count(2)  # the weekly file's, the change file's
    expect(alerts).to_contain_text("未读")
    expect(alerts).to_contain_text("新增命中 1 件")
    expect(alerts).to_contain_text("变更命中 1 件")
    page.screenshot(path=str(screenshot_dir / "alerts.png"), full_page=True)

    alerts.get_by_role("link", name="变更命中 1 件").click()
    expect(page.locator("h1")).to_contain_text("电池隔膜")
    changed = page.get_by_test_id("alert-changed")
    expect(changed).to_contain_text("一种固态电池隔膜")
    expect(changed).to_contain_text("失效-权利终止")  # the status it has now
    page.screenshot(path=str(screenshot_dir / "alert-changed.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(changed).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "alert-changed-390.png"), full_page=True)
    changed.get_by_role("link", name="一种固态电池隔膜").click()
    expect(page.locator("body")).to_contain_text("权利终止")

    page.goto(live_server.url + "/patents/saved/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "alerts-390.png"), full_page=True)
    # The change file's alert is read now; the weekly file's is still unread.
    expect(alerts.locator("li", has_text="变更命中")).not_to_contain_text("未读")
    expect(alerts.locator("li", has_text="新增命中")).to_contain_text("未读")
