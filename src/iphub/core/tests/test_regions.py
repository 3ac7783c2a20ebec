from __future__ import annotations

from typing import Any

from iphub.core import selectors, services
from iphub.core.models import Region


def test_hubei_has_17_prefecture_level_units_and_their_counties(regions: None) -> None:
    prefectures = dict(selectors.prefecture_list().values_list("code", "name"))
    assert len(prefectures) == 17
    assert prefectures["420100"] == "武汉市"
    assert prefectures["429021"] == "神农架林区"
    assert prefectures["422800"].startswith("恩施")
    # Every county hangs under a prefecture that exists.
    for county in Region.objects.filter(level="county"):
        assert county.parent_id in prefectures
    # Current codes: 京山 and 监利 are county-level cities now (not 京山县/监利县).
    names = set(Region.objects.values_list("name", flat=True))
    assert "京山市" in names and "监利市" in names
    assert "京山县" not in names


def test_containment_is_one_call(regions: None) -> None:
    assert selectors.region_contains("420000", "420111")
    assert selectors.region_contains("420100", "420111")
    assert selectors.region_contains("420100", "420100")
    assert not selectors.region_contains("420500", "420111")
    assert not selectors.region_contains("420111", "420100")
    assert selectors.region_contains("420000", "429004")
    assert not selectors.region_contains("420100", "999999")


def test_loading_twice_does_not_duplicate(regions: None) -> None:
    before = Region.objects.count()
    assert services.regions_load() == before


def test_loading_again_repairs_a_changed_region_and_adds_a_missing_one(regions: None) -> None:
    def row(code: str) -> dict[str, Any]:
        return dict(Region.objects.filter(code=code).values().get())

    hongshan = row("420111")
    Region.objects.filter(code="420111").update(name="改错", path="420111", latitude=None)
    Region.objects.filter(code="429021").delete()  # 神农架林区, a leaf
    services.regions_load()
    assert row("420111") == hongshan
    assert row("429021")["parent_id"] == "420000"


def test_region_api(client: Any, regions: None) -> None:
    body = client.get("/api/v1/regions?parent=420500").json()
    assert {r["code"] for r in body} >= {"420502", "420506"}
    assert all(r["parent_id"] == "420500" for r in body)
    assert client.get("/api/v1/regions/420100/contains/420111").json()["contains"] is True
    missing = client.get("/api/v1/regions/420100/contains/000000")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
