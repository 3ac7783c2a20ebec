"""Pages and endpoints: who may see what, the map container, exports, drill-down."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from openpyxl import load_workbook

from iphub.core.models import Organisation, User
from iphub.core.selectors import prefecture_list
from iphub.supervision.tests.conftest import at, make_pledge

pytestmark = pytest.mark.usefixtures("plan")


def _login(client: Any, user: User) -> Any:
    client.force_login(user)
    return client


def _map_data(html: str) -> list[dict[str, Any]]:
    start = html.index('id="map-data"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)  # type: ignore[no-any-return]


def test_map_feature_names_are_the_17_region_names(regions: None) -> None:
    geo = (
        Path(settings.BASE_DIR).parent
        / "node_modules"
        / "echarts-map"
        / "map"
        / "json"
        / "province"
        / "hubei.json"
    )
    if not geo.exists():
        geo = (
            Path(__file__).resolve().parents[4]
            / "node_modules/echarts-map/map/json/province/hubei.json"
        )
    names = {f["properties"]["name"] for f in json.loads(geo.read_text("utf-8"))["features"]}
    assert names == {r.name for r in prefecture_list()}


def test_dashboard_renders_the_map_and_the_late_list(
    client: Any, cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    make_pledge(
        orgs["yichang"], cast["yichang_clerk"], "420500", "3000000", at(dt.date(2026, 5, 6))
    )
    resp = _login(client, cast["supervisor"]).get(
        "/supervision/", {"month": "2026-05", "indicator": "pledge_amount"}
    )
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'id="hubei-map"' in html and "vendor/echarts/echarts.min.js" in html
    assert "vendor/echarts-map/province/hubei.json" in html
    data = {d["name"]: d["value"] for d in _map_data(html)}
    assert len(data) == 17 and data["宜昌市"] == 300.0 and data["武汉市"] == 0.0
    assert "恩施土家族苗族自治州" in html and "逾期未报" in html
    assert "完成不少于10条重点产业链专利导航" in html


def test_drill_down_to_the_records_behind_a_number(
    client: Any, cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    make_pledge(
        orgs["yichang"],
        cast["yichang_clerk"],
        "420500",
        "3000000",
        at(dt.date(2026, 5, 6)),
        pledgee="招商银行宜昌分行",
    )
    c = _login(client, cast["supervisor"])
    city = c.get("/supervision/city/420500/", {"month": "2026-05"}).content.decode()
    assert (
        "质押融资登记金额" in city
        and "300.00" in city
        and "/supervision/city/420500/pledge_amount/" in city
    )
    records = c.get(
        "/supervision/city/420500/pledge_amount/", {"month": "2026-05"}
    ).content.decode()
    assert "招商银行宜昌分行" in records
    xlsx = c.get("/supervision/city/420500/pledge_amount/", {"month": "2026-05", "export": "xlsx"})
    ws = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert ws is not None and ws.cell(2, 5).value == "招商银行宜昌分行"


def test_cross_region_and_wrong_role_are_denied(client: Any, cast: dict[str, User]) -> None:
    c = _login(client, cast["yichang_supervisor"])
    assert c.get("/supervision/city/420100/").status_code == 403
    own = c.get("/supervision/", {"month": "2026-05"})
    assert own.status_code == 200
    assert [d["name"] for d in _map_data(own.content.decode())] == ["宜昌市"]
    client.logout()
    c = _login(client, cast["wuhan_clerk"])
    assert c.get("/supervision/").status_code == 403
    assert c.get("/api/v1/supervision/reports").status_code == 403


def test_report_flow_through_the_pages_and_the_api(client: Any, cast: dict[str, User]) -> None:
    c = _login(client, cast["yichang_supervisor"])
    resp = c.post("/supervision/reports/start/", {"region": "420500", "month": "2026-05"})
    report_url = resp["Location"]
    c.post(
        report_url,
        {
            "work_"
            + str(
                __import__("iphub.supervision.models", fromlist=["PlanTask"])
                .PlanTask.objects.get(number="二")
                .pk
            ): "导航",
            "typical_case_count": "1",
        },
    )
    report_id = int(report_url.rstrip("/").rsplit("/", 1)[1])
    c.post(f"/supervision/reports/{report_id}/act/", {"action": "submit"})
    docx = c.get(f"/supervision/reports/{report_id}/download.docx")
    assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"
    client.logout()
    c = _login(client, cast["supervisor"])
    step = c.post(
        f"/api/v1/supervision/reports/{report_id}/steps",
        {"action": "return", "reason": "补充数据"},
        content_type="application/json",
    )
    assert step.status_code == 200 and step.json()["state"] == "returned"
    assert step.json()["work"] == {"二": "导航"}
    denied = c.post(
        f"/api/v1/supervision/reports/{report_id}/steps",
        {"action": "resubmit"},
        content_type="application/json",
    )
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    scores = c.get("/api/v1/supervision/scores", {"month": "2026-05"}).json()
    assert len(scores) == 17
    values = c.get(
        "/api/v1/supervision/indicators/enforcement_cases", {"month": "2026-05", "region": "420500"}
    ).json()
    assert values[0]["source"] == "computed" and values[0]["value"] == "0"


def test_scores_and_plan_pages_render(client: Any, cast: dict[str, User]) -> None:
    c = _login(client, cast["supervisor"])
    assert "年度得分" in c.get("/supervision/scores/", {"month": "2026-03"}).content.decode()
    assert (
        "到2025年每万人口高价值发明专利拥有量达到12件"
        in c.get("/supervision/plan/").content.decode()
    )
