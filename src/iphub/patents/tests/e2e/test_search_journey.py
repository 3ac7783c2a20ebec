from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

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
    wb = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    rows = list(wb["专利"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1].startswith("一种锂离子电池正极材料")
    hits.first.locator("a").click()
    assert page.inner_text("[data-testid=patent-title]").startswith("一种锂离子电池正极材料")
    assert "法律状态时间轴" in page.content()
