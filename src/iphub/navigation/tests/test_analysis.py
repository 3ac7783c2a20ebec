"""The landscape analysis against counts worked out by hand from the fixture
(conftest.fixture_rows): five chain patents, four in Hubei."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iphub.navigation import services
from iphub.navigation.analysis import incomplete_from
from iphub.navigation.models import Analysis, AnalysisStatus, IndustryChain
from iphub.navigation.tests.conftest import BEIJING_ENERGY, WUHAN_BATTERY, YICHANG_MATERIALS
from iphub.patents.services import legal_event_append

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def result(patents: dict[int, int], chain: IndustryChain, cast: dict[str, Any]) -> dict[str, Any]:
    legal_event_append(
        actor=None, patent_id=patents[1], kind="pledged", date=dt.date(2024, 3, 1), detail="质押"
    )
    services.evidence_add(
        actor=cast["supervisor"],
        patent_id=patents[6],
        criterion="foreign_family",
        source_note="US1234567B2",
    )
    services.evidence_add(
        actor=cast["supervisor"], patent_id=patents[4], criterion="award", source_note="审中不计"
    )
    job = services.analysis_request(actor=cast["supervisor"], chain=chain)
    job.refresh_from_db()
    assert job.status == AnalysisStatus.DONE, job.message
    assert job.progress == 100 and job.patent_count == 5
    assert set(job.timings) >= {"search", "load", "total"}
    return job.result


def test_trend_counts_applications_and_grants_by_year(result: dict[str, Any]) -> None:
    years = {y["year"]: y for y in result["trend"]["years"]}
    applications = {y: v["applications"] for y, v in years.items() if v["applications"]}
    assert applications == {2010: 1, 2021: 1, 2022: 2, 2023: 1}
    assert list(years) == list(range(2010, 2024))  # quiet years are on the axis as zeros
    assert years[2012]["grants"] == 1 and sum(v["grants"] for v in years.values()) == 1
    assert years[2022]["hubei"] == 2 and years[2023]["rest"] == 1
    cut = incomplete_from(dt.date.today())
    assert all(v["incomplete"] == (y >= cut.year) for y, v in years.items())
    assert "18个月" in result["trend"]["note"]


def test_regions_cities_and_provinces(result: dict[str, Any]) -> None:
    cities = {c["code"]: c["count"] for c in result["regions"]["cities"]}
    assert len(cities) == 17
    assert cities["420100"] == 3 and cities["420500"] == 1
    assert sum(cities.values()) == 4
    provinces = {p["code"]: (p["name"], p["count"]) for p in result["regions"]["provinces"]}
    assert provinces == {"420000": ("湖北省", 4), "110000": ("北京市", 1)}


def test_applicants_with_yearly_trend_and_collaboration(result: dict[str, Any]) -> None:
    top = [(a["name"], a["count"], a["hubei"]) for a in result["applicants"]]
    assert top == [(WUHAN_BATTERY, 3, 3), (YICHANG_MATERIALS, 2, 2), (BEIJING_ENERGY, 1, 0)]
    assert result["applicants"][0]["by_year"] == {"2010": 1, "2021": 1, "2022": 1}
    pairs = result["network"]["pairs"]
    assert len(pairs) == 1 and pairs[0]["count"] == 1
    assert {pairs[0]["a"], pairs[0]["b"]} == {WUHAN_BATTERY, YICHANG_MATERIALS}
    assert result["network"]["joint_patents"] == 1


def test_inventor_collaboration_tells_namesakes_apart(result: dict[str, Any]) -> None:
    net = result["inventor_network"]
    wuhan = f"（{WUHAN_BATTERY}）"
    pairs = [({p["a"], p["b"]}, p["count"]) for p in net["pairs"]]
    # 张三 and 李四 co-invented 1, 2 and 6 for the Wuhan company; 王五 joined them on 2.
    assert pairs[0] == ({f"张三{wuhan}", f"李四{wuhan}"}, 3)
    assert ({f"王五{wuhan}", f"张三{wuhan}"}, 1) in pairs
    assert ({f"王五{wuhan}", f"李四{wuhan}"}, 1) in pairs
    # The 张三 of Yichang's and of Beijing's patents are other people.
    assert ({f"张三（{YICHANG_MATERIALS}）", f"李四（{YICHANG_MATERIALS}）"}, 1) in pairs
    assert ({f"张三（{BEIJING_ENERGY}）", f"李四（{BEIJING_ENERGY}）"}, 1) in pairs
    assert len(pairs) == 5 and net["joint_patents"] == 5
    nodes = {n["name"]: n["count"] for n in net["nodes"]}
    assert nodes[f"张三{wuhan}"] == 3 and nodes[f"王五{wuhan}"] == 1


def test_technology_types_and_status(result: dict[str, Any]) -> None:
    tech = result["technology"]
    assert [(t["code"], t["count"]) for t in tech["subclasses"]] == [("H01M", 4), ("H02J", 1)]
    assert tech["subclasses"][0]["title"]  # IPC 2026.01 title
    groups = {t["code"]: t["count"] for t in tech["main_groups"]}
    assert groups == {"H01M4/00": 3, "H01M10/00": 1, "H01M50/00": 1, "H02J7/00": 1}
    types = {t["label"]: t["count"] for t in result["types"]["types"]}
    assert types == {"发明": 4, "实用新型": 1}
    status = {s["status"]: s["count"] for s in result["types"]["status_groups"]}
    assert status == {"有效": 3, "审中": 2}


def test_segments_and_hubei_position(result: dict[str, Any]) -> None:
    segs = {s["segment"]: s for s in result["segments"]}
    assert [s["stage"] for s in result["segments"]] == ["upstream", "downstream"]
    assert (segs["正极材料"]["count"], segs["正极材料"]["hubei"]) == (2, 1)
    assert segs["正极材料"]["hubei_share"] == 50.0 and segs["正极材料"]["gap"] is True
    assert (segs["储能"]["count"], segs["储能"]["gap"]) == (1, False)
    pos = result["position"]
    assert (pos["total"], pos["hubei"], pos["rest"], pos["hubei_share"]) == (5, 4, 1, 80.0)


def test_high_value_counts_and_key_patents(result: dict[str, Any]) -> None:
    hv = result["high_value"]
    counts = {c["criterion"]: c["count"] for c in hv["by_criterion"]}
    # In-force inventions: serials 1 and 6. The award was recorded for 4, which is
    # still under examination, so it does not count.
    assert counts == {
        "strategic": 2,
        "foreign_family": 1,
        "long_maintained": 1,
        "pledge": 1,
        "award": 0,
    }
    assert (hv["total"], hv["in_force_inventions"]) == (2, 2)
    assert {c["code"]: c["count"] for c in hv["by_city"] if c["count"]} == {"420100": 2}
    keys = result["key_patents"]
    assert [k["title"] for k in keys] == ["一种电池电极", "一种锂离子电池正极材料及其制备方法1"]
    assert keys[0]["criteria"] == ["战略性新兴产业", "有海外同族专利权", "维持年限超过10年"]


def test_analysis_of_any_query(patents: dict[int, int], cast: dict[str, Any]) -> None:
    job = services.analysis_request(actor=cast["supervisor"], query="TX=座椅", title="座椅")
    job = Analysis.objects.get(pk=job.pk)
    assert job.status == AnalysisStatus.DONE and job.result["total"] == 1
