"""Cross-region access is denied on every page and endpoint of a report, and a
filled template with a bad row, uploaded through the page, saves nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.conftest import make_user
from iphub.core.models import Region, User
from iphub.supervision.models import MonthlyReport, ReportState
from iphub.supervision.services import report_io
from iphub.supervision.services.reports import report_open, report_update
from iphub.supervision.tests.conftest import MAY

pytestmark = pytest.mark.usefixtures("plan")


@pytest.fixture
def wuhan_report(regions: None) -> MonthlyReport:
    wuhan = make_user("wuhan_supervisor", "supervisor", "420100")
    report = report_open(actor=wuhan, region=Region.objects.get(code="420100"), month=MAY)
    return report_update(actor=wuhan, report_id=report.pk, data={"work": {"一": "武汉督导"}})


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/supervision/reports/{id}/", None),
        ("post", "/supervision/reports/{id}/", {"problems": "篡改"}),
        ("get", "/supervision/reports/{id}/download.xlsx", None),
        ("get", "/supervision/reports/{id}/download.docx", None),
        ("post", "/supervision/reports/{id}/act/", {"action": "submit"}),
        ("get", "/supervision/city/420100/", None),
        ("get", "/supervision/city/420100/pledge_amount/", None),
        ("get", "/api/v1/supervision/reports/{id}", None),
        ("get", "/api/v1/supervision/indicators/pledge_count?region=420100", None),
    ],
)
def test_another_citys_supervisor_is_denied(
    client: Any,
    cast: dict[str, User],
    wuhan_report: MonthlyReport,
    method: str,
    url: str,
    body: dict[str, str] | None,
) -> None:
    client.force_login(cast["yichang_supervisor"])
    resp = getattr(client, method)(url.format(id=wuhan_report.pk), body or {})
    assert resp.status_code == 403
    wuhan_report.refresh_from_db()
    assert wuhan_report.state == ReportState.DRAFT and wuhan_report.problems == ""


def test_another_citys_supervisor_cannot_import_into_a_report(
    client: Any, cast: dict[str, User], wuhan_report: MonthlyReport
) -> None:
    client.force_login(cast["yichang_supervisor"])
    data = report_io.report_workbook(wuhan_report)
    resp = client.post(
        f"/supervision/reports/{wuhan_report.pk}/import/",
        {"file": io.BytesIO(data), "mode": "skip_bad"},
    )
    assert resp.status_code == 403


def test_the_api_refuses_to_edit_another_citys_report(
    client: Any, cast: dict[str, User], wuhan_report: MonthlyReport
) -> None:
    client.force_login(cast["yichang_supervisor"])
    resp = client.patch(
        f"/api/v1/supervision/reports/{wuhan_report.pk}",
        {"problems": "篡改"},
        content_type="application/json",
    )
    assert resp.status_code == 403
    wuhan_report.refresh_from_db()
    assert wuhan_report.problems == ""


def test_a_bad_row_uploaded_through_the_page_is_reported_and_nothing_saved(
    client: Any, cast: dict[str, User]
) -> None:
    city = cast["yichang_supervisor"]
    report = report_open(actor=city, region=Region.objects.get(code="420500"), month=MAY)
    wb = load_workbook(io.BytesIO(report_io.report_workbook(report)))
    wb["工作进展"]["C2"] = "本月开展督导"
    wb["概况"]["B6"] = "资金不足"  # 存在问题
    wb["填报数据"]["D2"] = "四场"  # not a number
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    client.force_login(city)
    resp = client.post(
        f"/supervision/reports/{report.pk}/import/", {"file": out, "mode": "all"}, follow=True
    )
    html = resp.content.decode()
    assert "填报数据 第 2 行：培训宣传活动场次应为数字" in html and "“四场”不是有效的数字" in html
    assert "未导入任何内容" in html
    report.refresh_from_db()
    assert report.entries.count() == 0 and report.problems == "" and report.figures.count() == 0
