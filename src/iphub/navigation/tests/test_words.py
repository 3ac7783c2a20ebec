"""Navigation report tables in the reader's language (issue 16)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from iphub.navigation import services
from iphub.navigation.models import IndustryChain
from iphub.navigation.reports import report_tables
from iphub.portal.tests.codewords import english, visible_text

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


def test_chain_pages_in_english_name_chains_and_segments(client: Any, cast: dict[str, Any]) -> None:
    services.chains_load()
    chain = IndustryChain.objects.get(name="光通信与激光")
    client.force_login(cast["supervisor"])
    with english(client):
        listing = visible_text(client.get("/navigation/").content.decode())
        detail = visible_text(client.get(f"/navigation/chains/{chain.pk}/").content.decode())
    assert "Optical communication and lasers" in listing and "光通信与激光" not in listing
    assert "Fibre preforms and optical chips" in detail
    assert "光纤预制棒与光芯片" not in detail
