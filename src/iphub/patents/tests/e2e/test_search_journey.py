from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from iphub.patents.services import import_file
from iphub.patents.tests.conftest import row, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_open_and_export(
    live_server: Any, page: Any, regions: None, tmp_path: Path, screenshot_dir: Path
) -> None:
    import_file(
        actor=None,
        path=write_csv(
            tmp_path / "j.csv",
            [
                row(1),
                row(2, 名称="一种锂电池隔膜", 申请人="宜昌测试材料有限公司"),
                row(3, 名称="一种汽车座椅", 主分类号="B60N2/02", 分类号="B60N2/02"),
            ],
        ),
    )
    page.goto(live_server.url + "/patents/")
    page.fill("#q", "申请人=武汉* AND 分类号=H01M*")
    page.click("button[type=submit]")
    assert "共 1 条" in page.inner_text("[data-testid=total]")
    hits = page.locator("[data-testid=hit]")
    assert hits.count() == 1
    page.screenshot(path=str(screenshot_dir / "patent_search.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("[data-testid=export-xlsx]")
    download = download_info.value
    assert re.fullmatch(
        r"专利检索_申请人=武汉_AND_分类号=H01M_\d{8}\.xlsx", download.suggested_filename
    )
    wb = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    rows = list(wb["专利"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1].startswith("一种锂离子电池正极材料")
    hits.first.locator("a").click()
    assert page.inner_text("[data-testid=patent-title]").startswith("一种锂离子电池正极材料")
    assert "法律状态时间轴" in page.content()


def test_pages_sort_and_the_way_back(
    live_server: Any, page: Any, regions: None, tmp_path: Path, screenshot_dir: Path
) -> None:
    rows = [row(i, 申请日=f"20{10 + i % 12}-0{1 + i % 9}-1{i % 10}") for i in range(1, 24)]
    import_file(actor=None, path=write_csv(tmp_path / "p.csv", rows))
    page.goto(live_server.url + "/patents/?q=正极材料")
    # Page size and sort apply as soon as they are chosen.
    page.select_option("[data-testid=page-size]", "10")
    page.wait_for_url(re.compile(r"page_size=10"))
    page.select_option("[data-testid=sort]", "app_date_asc")
    page.wait_for_url(re.compile(r"sort=app_date_asc"))
    expect(page.locator("[data-testid=hit]")).to_have_count(10)
    assert page.inner_text("[data-testid=page-current]") == "1"
    # Numbered links, then the jump box (a page past the end lands on the last).
    page.locator("[data-testid=page-link]", has_text="2").click()
    expect(page.locator("[data-testid=page-current]")).to_have_text("2")
    page.fill("[data-testid=page-jump] input[name=page]", "99")
    page.click("[data-testid=page-jump] button")
    expect(page.locator("[data-testid=page-current]")).to_have_text("3")
    expect(page.locator("[data-testid=hit]")).to_have_count(3)
    title = page.locator("[data-testid=hit] h3 a").first.inner_text()
    page.locator("[data-testid=hit] h3 a").first.click()
    assert page.inner_text("[data-testid=patent-title]") == title
    page.click("[data-testid=back-to-results]")
    assert page.inner_text("[data-testid=page-current]") == "3"
    assert "sort=app_date_asc" in page.url and "page_size=10" in page.url
    assert page.locator("[data-testid=sort]").input_value() == "app_date_asc"
    # On a phone the search form stacks and nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/patents/?q=正极材料&page_size=10")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    button = page.locator("#search-form button[type=submit]").bounding_box()
    assert button is not None and button["x"] + button["width"] <= 390
    page.screenshot(path=str(screenshot_dir / "patent_search_390.png"), full_page=True)
