"""Reported figures and plan targets stay numbers a page can show (issue 18, finding 3).

Checked before the fix: the PATCH with ``-1e999999`` answered 200, after which
the report's API and page answered 500 (``decimal.InvalidOperation``) and
``dumpdata`` aborted; ``NaN`` answered 500 at write time on PostgreSQL.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from iphub.core.errors import ApplicationError
from iphub.core.models import Region, User
from iphub.supervision.models import PlanTarget, ReportedFigure
from iphub.supervision.services import report_io
from iphub.supervision.services.plan import target_update
from iphub.supervision.services.reports import report_open
from iphub.supervision.tests.conftest import MAY

pytestmark = pytest.mark.usefixtures("plan")

HOSTILE = ["-1e999999", "1e999999", "NaN", "Infinity", "-Infinity", "sNaN", "-1", "2.5", "1e30"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_api_refuses_a_figure_out_of_range_and_the_report_still_reads(
    client: Any, cast: dict[str, User], raw: str
) -> None:
    city = cast["yichang_supervisor"]
    report = report_open(actor=city, region=Region.objects.get(code="420500"), month=MAY)
    client.force_login(city)
    url = f"/api/v1/supervision/reports/{report.pk}"
    resp = client.patch(url, {"figures": {"training_sessions": raw}}, "application/json")
    assert resp.status_code == 400
    msg = resp.json()["fields"]["figures.training_sessions"]
    # The message names the field and the range it accepts.
    assert "培训宣传活动场次" in msg and "0 到 1,000,000" in msg and "整数" in msg
    assert not ReportedFigure.objects.exists()
    ok = client.patch(url, {"figures": {"training_sessions": "1,200"}}, "application/json")
    assert ok.status_code == 200
    assert ReportedFigure.objects.get().value == 1200
    assert client.get(url).status_code == 200
    assert client.get(f"/supervision/reports/{report.pk}/").status_code == 200
    out = io.StringIO()
    call_command("dumpdata", "supervision", stdout=out)
    assert any(o["model"] == "supervision.reportedfigure" for o in json.loads(out.getvalue()))


def test_import_refuses_a_figure_out_of_range(cast: dict[str, User]) -> None:
    city = cast["yichang_supervisor"]
    report = report_open(actor=city, region=Region.objects.get(code="420500"), month=MAY)
    wb = load_workbook(io.BytesIO(report_io.report_workbook(report)))
    sheet = wb["填报数据"]
    row = next(
        r for r in range(2, sheet.max_row + 1) if sheet[f"A{r}"].value == "training_sessions"
    )
    sheet[f"D{row}"] = 1e30
    out = io.BytesIO()
    wb.save(out)
    result = report_io.report_import(actor=city, report=report, fh=io.BytesIO(out.getvalue()))
    assert result.saved == 0 and len(result.errors) == 1
    assert "培训宣传活动场次应为 0 到 1,000,000 场的整数" in result.errors[0][2]
    assert not ReportedFigure.objects.exists()


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-5", "1e20"])
def test_plan_target_values_have_a_range(cast: dict[str, User], raw: str) -> None:
    target = PlanTarget.objects.first()
    assert target is not None
    before = target.value
    with pytest.raises(ApplicationError) as exc:
        target_update(actor=cast["supervisor"], target_id=target.pk, data={"value": raw})
    assert "目标值应为" in exc.value.fields["value"]
    target.refresh_from_db()
    assert target.value == before
