"""Browser journey (issue 20): open a patent, read why it has its grade, open a
patent that cites it. (The "similar patent" step is added by its own journey.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import HEADERS, row, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_read_the_grade_and_open_a_citing_patent(
    live_server: Any, page: Any, regions: None, tmp_path: Path, screenshot_dir: Path
) -> None:
    cited = row(1, 名称="一种固态电解质", 公开号="CN111000001A")
    citing = row(2, 名称="一种固态电池", 公开号="CN111000002A")
    citing["引证专利"] = "CN111000001A;US9999999B2"
    cited["引证专利"] = ""
    path = write_csv(tmp_path / "g.csv", [cited, citing], [*HEADERS, "引证专利"])
    import_file(actor=None, path=path)
    target = Patent.objects.get(title="一种固态电解质")

    page.goto(live_server.url + "/patents/?q=固态&sort=grade_desc")
    assert "共 2 条" in page.inner_text("[data-testid=total]")
    assert page.locator("[data-testid=grade-badge]").count() == 2
    page.click("text=一种固态电解质")
    band = page.inner_text("[data-testid=grade-band]")
    why = page.locator("[data-testid=grade-why] summary").inner_text()
    assert why.startswith(f"为什么是 {band}")
    factors = page.locator("[data-testid=grade-factors] tbody tr")
    assert factors.count() >= 6
    assert "被引 1 次" in page.inner_text("[data-testid=grade-factors]")
    page.screenshot(path=str(screenshot_dir / "patent_grade.png"), full_page=True)

    assert page.inner_text("[data-testid=cited-by-total]") == "1"
    page.click("[data-testid=citing-link]")
    assert page.inner_text("[data-testid=patent-title]") == "一种固态电池"
    # The citing record links back to the one it cites, and counts the foreign one.
    assert page.locator(f"[data-testid=cites] a[href='/patents/{target.pk}/']").count() == 1
    assert "另有 1 篇不在本平台" in page.inner_text("[data-testid=cites]")
