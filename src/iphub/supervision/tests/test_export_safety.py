"""The monthly report's workbook writes what a city typed as text (issue 18,
findings 2 and 5): a formula in a typical case is no live formula in the
download, a control character does not take the download down, and the quoted
text imports back as it was written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.core.errors import ApplicationError
from iphub.core.models import Region, User
from iphub.core.tests.hostile_files import stretch
from iphub.supervision.services import report_io
from iphub.supervision.services.reports import report_open, report_update
from iphub.supervision.tests.conftest import MAY

pytestmark = pytest.mark.usefixtures("plan")

FORMULA = '=HYPERLINK("http://evil.example/","点我")'


def test_report_download_holds_formulas_as_text_and_imports_back(
    cast: dict[str, User], client: Any
) -> None:
    city = cast["yichang_supervisor"]
    report = report_open(actor=city, region=Region.objects.get(code="420500"), month=MAY)
    report_update(
        actor=city,
        report_id=report.pk,
        data={"work": {"二": "-完成磷化工导航+1"}, "typical_cases": FORMULA},
    )
    # Text from before the form checked for it (or from an import) may hold one.
    type(report).objects.filter(pk=report.pk).update(problems="人手\x0b不足")
    client.force_login(city)
    resp = client.get(f"/supervision/reports/{report.pk}/download.xlsx")
    assert resp.status_code == 200
    data = b"".join(resp.streaming_content)
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + FORMULA in values and "'-完成磷化工导航+1" in values and "人手不足" in values

    report_update(actor=city, report_id=report.pk, data={"work": {"二": ""}, "typical_cases": ""})
    result = report_io.report_import(actor=city, report=report, fh=io.BytesIO(data))
    assert result.errors == []
    report.refresh_from_db()
    assert report.typical_cases == FORMULA
    assert {e.task.number: e.work_done for e in report.entries.all()}["二"] == "-完成磷化工导航+1"


def test_a_template_claiming_millions_of_rows_is_refused(cast: dict[str, User]) -> None:
    city = cast["yichang_supervisor"]
    report = report_open(actor=city, region=Region.objects.get(code="420500"), month=MAY)
    forged = stretch(
        report_io.report_workbook(report),
        claimed_rows=3_000_000,
        far_row=3_000_000,
        sheet="xl/worksheets/sheet2.xml",  # 工作进展
    )
    with pytest.raises(ApplicationError) as refused:
        report_io.report_import(actor=city, report=report, fh=io.BytesIO(forged))
    assert "请拆分后上传" in refused.value.message
