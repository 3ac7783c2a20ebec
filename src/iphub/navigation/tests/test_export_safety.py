"""The landscape workbook writes what applicants and analysts typed as text
(issue 18, findings 2 and 5): an applicant named like a formula is no live
formula in ``report.xlsx``, and a control character in the title does not take
the download down."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.navigation import services
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import app_no, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

FORMULA = '=HYPERLINK("http://evil.example/","点我")'


def test_report_workbook_holds_formulas_as_text(
    client: Any, regions: None, cast: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        row(1, 申请人=FORMULA),
        row(2, 申请号=app_no(2021, 1, 2), 申请人=FORMULA),
        row(3, 申请号=app_no(2021, 1, 3), 申请人="@武汉测试电池有限公司"),
    ]
    job = import_file(actor=None, path=write_csv(tmp_path / "formula.csv", rows))
    assert job.ok == 3, job.report
    analysis = services.analysis_request(
        actor=cast["supervisor"], query="TX=电池", title="+电池\x0b导航"
    )
    client.force_login(cast["supervisor"])
    resp = client.get(f"/navigation/analyses/{analysis.pk}/report.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + FORMULA in values
    assert "'+电池导航" in values
