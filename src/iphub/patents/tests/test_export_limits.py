"""Anonymous exports are capped (issue 18, finding 8): a visitor's download of
the whole corpus stopped streaming 155k rows; the file says where it stopped and
that signing in exports everything. Visitors' downloads are also rate-limited."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from iphub.patents.services import import_file
from iphub.patents.tests.conftest import row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def three(regions: None, tmp_path: Path) -> None:
    import_file(actor=None, path=write_csv(tmp_path / "t.csv", [row(1), row(2), row(3)]))


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_anonymous_export_stops_at_the_cap_and_says_so(
    three: None, client: Any, settings: Any
) -> None:
    settings.EXPORT_ANONYMOUS_ROWS = 2
    for q in ("", "锂离子电池"):
        response = client.get("/patents/export.csv", {"q": q})
        assert response.status_code == 200
        lines = _csv(response)
        assert lines[0][0] == "申请号"
        assert len(lines) == 1 + 2 + 1
        assert "只导出了前 2 条" in lines[-1][0] and "登录" in lines[-1][0]
        assert response["X-Export-Row-Limit"] == "2"
    workbook = client.get("/patents/export.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(workbook.streaming_content)), read_only=True)
    sheet = list(wb["专利"].iter_rows(values_only=True))
    assert len(sheet) == 4 and "只导出了前 2 条" in str(sheet[-1][0])


def test_signed_in_export_has_every_row(
    three: None, cast: dict[str, Any], client: Any, settings: Any
) -> None:
    settings.EXPORT_ANONYMOUS_ROWS = 2
    client.force_login(cast["enterprise"])
    lines = _csv(client.get("/patents/export.csv"))
    assert len(lines) == 1 + 3
    assert not any("只导出了" in cell for line in lines for cell in line)


def test_export_under_the_cap_carries_no_note(three: None, client: Any, settings: Any) -> None:
    settings.EXPORT_ANONYMOUS_ROWS = 3
    lines = _csv(client.get("/patents/export.csv"))
    assert len(lines) == 1 + 3


def test_visitors_downloads_are_rate_limited(three: None, client: Any, settings: Any) -> None:
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMITS = dict(getattr(settings, "RATELIMITS", {}), export_anonymous=(2, 600))
    cache.clear()
    assert client.get("/patents/export.csv").status_code == 200
    assert client.get("/patents/export.csv").status_code == 200
    refused = client.get("/patents/export.csv")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "请求过于频繁" in page and "data-iphub-page" in page
    cache.clear()
