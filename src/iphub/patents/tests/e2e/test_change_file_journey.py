"""Browser journey (issue 24, item 2): a city clerk applies a legal-status change
file from the import page, reads the report, and finds the record's new status;
a file with a bad row says which row and what to fix. Desktop and 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import app_no, row, write_csv
from iphub.patents.tests.test_import_updates import change_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_applies_a_change_file_and_sees_the_new_status(
    live_server: Any,
    page: Any,
    regions: None,
    cast: dict[str, Any],
    tmp_path: Path,
    screenshot_dir: Path,
) -> None:
    import_file(
        actor=None,
        path=write_csv(
            tmp_path / "base.csv",
            [
                row(1, 名称="一种固态电池隔膜", 法律状态="有权-审定授权"),
                row(2, 名称="一种电池管理系统", 法律状态="审中-实质审查"),
            ],
        ),
    )
    lapsed = Patent.objects.get(application_number=app_no(2021, 1, 1))
    bad = change_csv(
        tmp_path / "bad.csv",
        [
            [app_no(2021, 1, 1), "2024-01-10", "专利权的终止"],
            [app_no(2021, 1, 2), "2024-13-01", "授权"],
        ],
        ["申请号", "事件日期", "事件类型"],
    )
    good = change_csv(
        tmp_path / "good.csv",
        [
            [app_no(2021, 1, 1), "2024-01-10", "专利权的终止"],
            [app_no(2021, 1, 2), "2024-03-01", "授权"],
        ],
        ["申请号", "事件日期", "事件类型"],
    )

    browser_login(page, live_server.url, "wuhan_clerk", PASSWORD)
    page.goto(live_server.url + "/patents/imports/")
    page.check("input[name=kind][value=legal_status]")
    page.check("input[name=mode][value=all]")
    page.set_input_files("input[name=file]", str(bad))
    page.click("form button[type=submit]")
    # All or nothing: the bad date is named with its row, and nothing was applied.
    expect(page.locator("body")).to_contain_text("未追加任何事件")
    expect(page.locator("body")).to_contain_text("事件日期")
    page.screenshot(path=str(screenshot_dir / "change-file-bad.png"), full_page=True)
    assert Patent.objects.get(pk=lapsed.pk).legal_status == "有权-审定授权"

    page.goto(live_server.url + "/patents/imports/")
    page.check("input[name=kind][value=legal_status]")
    page.set_input_files("input[name=file]", str(good))
    page.click("form button[type=submit]")
    expect(page.locator("body")).to_contain_text("已追加 2 条法律状态事件")
    # The job page is the change file's, not a patent import's, and says what changed.
    expect(page.locator("h1")).to_contain_text("法律状态变更导入")
    expect(page.get_by_test_id("change-report")).to_contain_text("法律状态改变的专利")
    expect(page.get_by_test_id("status-changes")).to_contain_text("失效-权利终止")
    page.screenshot(path=str(screenshot_dir / "change-file-report.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_test_id("status-changes")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "change-file-report-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The example file downloads from the import page.
    page.goto(live_server.url + "/patents/imports/")
    with page.expect_download() as download:
        page.get_by_test_id("change-file-example").get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "法律状态变更示例.csv"
    assert Path(download.value.path()).read_text("utf-8-sig").startswith("申请号,事件日期")

    page.goto(f"{live_server.url}/patents/{lapsed.pk}/")
    expect(page.locator("body")).to_contain_text("权利终止")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/patents/imports/")
    expect(page.locator("input[name=kind][value=legal_status]")).to_be_visible()
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "change-file-390.png"), full_page=True)
