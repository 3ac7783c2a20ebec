"""Navigation report tables in the reader's language (issue 16)."""

from __future__ import annotations

from django.utils import translation

from iphub.navigation.reports import report_tables

RESULT = {
    "trend": {"years": [{"year": 2024, "applications": 3, "grants": 1, "hubei": 2, "rest": 1,
                         "incomplete": True}]},
    "position": {"total": 3, "hubei": 2, "rest": 1, "hubei_share": 66.7, "growth_year": 2024,
                 "hubei_growth": None, "rest_growth": 10.0},
    "high_value": {"by_city": [], "by_criterion": [], "total": 0, "in_force_inventions": 0},
    "network": {"pairs": []},
    "regions": {"cities": [], "provinces": []},
    "applicants": [],
    "technology": {"subclasses": [], "main_groups": []},
    "segments": [],
    "types": {"types": [], "status_groups": []},
    "key_patents": [],
}  # fmt: skip


def test_report_tables_in_english_and_chinese() -> None:
    with translation.override("en"):
        tables = {t.key: t for t in report_tables(RESULT)}
    assert tables["trend"].title == "Application and grant trends"
    assert tables["trend"].headers[0] == "Year" and tables["trend"].rows[0][-1] == "Incomplete"
    assert ["Hubei growth (2024)", "—"] in tables["position"].rows
    with translation.override("zh-hans"):
        tables = {t.key: t for t in report_tables(RESULT)}
    assert tables["trend"].title == "申请与授权趋势" and tables["trend"].rows[0][-1] == "不完整"
    assert ["湖北增速（2024年）", "—"] in tables["position"].rows
