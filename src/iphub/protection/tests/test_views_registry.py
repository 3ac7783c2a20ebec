"""Campaign and workstation-registry pages: who may create, edit and log, by role and region."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from iphub.core.models import AuditEntry, User
from iphub.protection.models import Campaign, StationActivity, Workstation
from iphub.protection.services.assistance import station_activity_record, workstation_create
from iphub.protection.services.enforcement import campaign_create

pytestmark = pytest.mark.django_db

CAMPAIGN = {
    "name": "2026 铁拳行动",
    "region": "420100",
    "starts_on": "2026-03-01",
    "ends_on": "2026-06-30",
    "scope": "商标侵权、假冒专利",
    "case_types": ["trademark_infringement", "counterfeit_patent"],
}


def _campaign(officer: User, region: str = "420100") -> Campaign:
    return campaign_create(
        actor=officer,
        name=f"{region} 专项",
        region_code=region,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )


def _station(officer: User, region: str = "420100") -> Workstation:
    return workstation_create(
        actor=officer, name=f"{region} 光谷工作站", kind="park", region_code=region
    )


def test_enforcer_launches_a_campaign_from_the_page(client: Client, cast: dict[str, User]) -> None:
    client.force_login(cast["wuhan_enforcer"])
    response = client.post("/protection/campaigns/", CAMPAIGN)
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.case_types == ["trademark_infringement", "counterfeit_patent"]
    assert "2026 铁拳行动" in client.get("/protection/campaigns/").content.decode()
    assert AuditEntry.objects.filter(action="campaign_create").exists()


def test_campaign_form_shows_the_error_on_the_field(client: Client, cast: dict[str, User]) -> None:
    client.force_login(cast["wuhan_enforcer"])
    page = client.post("/protection/campaigns/", {**CAMPAIGN, "ends_on": "2026-02-01"})
    assert "结束日期不能早于开始日期" in page.content.decode()
    page = client.post("/protection/campaigns/", {**CAMPAIGN, "starts_on": "三月"})
    assert "日期格式应为 YYYY-MM-DD" in page.content.decode()
    assert not Campaign.objects.exists()


def test_campaign_in_another_region_is_refused(
    client: Client, cast: dict[str, User], yichang_enforcer: User
) -> None:
    client.force_login(yichang_enforcer)
    assert client.post("/protection/campaigns/", CAMPAIGN).status_code == 403
    assert not Campaign.objects.exists()


def test_enforcer_edits_a_campaign_of_the_region(client: Client, cast: dict[str, User]) -> None:
    campaign = _campaign(cast["wuhan_enforcer"])
    client.force_login(cast["wuhan_enforcer"])
    form = client.get(f"/protection/campaigns/{campaign.pk}/edit/").content.decode()
    assert 'value="2026-12-31"' in form
    client.post(f"/protection/campaigns/{campaign.pk}/edit/", {**CAMPAIGN, "region": "420111"})
    campaign.refresh_from_db()
    assert (campaign.name, campaign.region.code) == ("2026 铁拳行动", "420111")
    assert campaign.ends_on == dt.date(2026, 6, 30)
    entry = AuditEntry.objects.get(action="campaign_update")
    assert entry.before is not None and entry.after is not None
    assert entry.before["name"] == "420100 专项" and entry.after["name"] == "2026 铁拳行动"


def test_campaign_edit_refused_outside_the_region_and_role(
    client: Client, cast: dict[str, User], yichang_enforcer: User
) -> None:
    campaign = _campaign(cast["wuhan_enforcer"])
    url = f"/protection/campaigns/{campaign.pk}/edit/"
    client.force_login(yichang_enforcer)
    assert client.get(url).status_code == 404
    assert client.post(url, {**CAMPAIGN, "region": "420500"}).status_code == 404
    for who in ("wuhan_clerk", "enterprise", "supervisor"):
        client.force_login(cast[who])
        assert client.get(url).status_code == 403
        assert client.get("/protection/campaigns/").status_code == 403
    # Moving a Wuhan campaign to Yichang is outside the Wuhan officer's reach.
    client.force_login(cast["wuhan_enforcer"])
    assert client.post(url, {**CAMPAIGN, "region": "420500"}).status_code == 403
    campaign.refresh_from_db()
    assert campaign.region.code == "420100" and campaign.name == "420100 专项"


def test_district_enforcer_sees_only_district_campaigns(
    client: Client, cast: dict[str, User], yichang_enforcer: User
) -> None:
    _campaign(cast["wuhan_enforcer"], "420100")
    _campaign(yichang_enforcer, "420500")
    client.force_login(yichang_enforcer)
    html = client.get("/protection/campaigns/").content.decode()
    assert "420500 专项" in html and "420100 专项" not in html


def test_enforcer_registers_a_station_and_logs_its_activity(
    client: Client, cast: dict[str, User]
) -> None:
    client.force_login(cast["wuhan_enforcer"])
    response = client.post(
        "/protection/stations/",
        {
            "name": "光谷生物城保护工作站",
            "kind": "park",
            "region": "420111",
            "services": "维权援助、纠纷调解",
            "fields": ["A", "C"],
            "contact_name": "王工",
            "contact_phone": "13912345678",
            "established_on": "2025-05-01",
        },
    )
    station = Workstation.objects.get()
    assert response["Location"] == f"/protection/stations/{station.pk}/"
    assert station.services == ["维权援助", "纠纷调解"] and station.fields == ["A", "C"]
    url = f"/protection/stations/{station.pk}/"
    client.post(url, {"kind": "case", "title": "调解商标纠纷", "date": "2026-02-03"})
    client.post(url, {"kind": "training", "title": "专利保护培训", "date": "2026-02-10",
                      "participants": "45"})  # fmt: skip
    page = client.get(url).content.decode()
    assert "办理案件 1 件，培训宣传 1 次" in page and "专利保护培训" in page
    assert "13912345678" not in page  # the contact is masked (PIPL)
    # The public registry and the map count the same station and its activity.
    public = client.get("/protection/workstations/").content.decode()
    assert "光谷生物城保护工作站" in public


def test_activity_form_errors_stay_on_the_page(client: Client, cast: dict[str, User]) -> None:
    station = _station(cast["wuhan_enforcer"])
    client.force_login(cast["wuhan_enforcer"])
    url = f"/protection/stations/{station.pk}/"
    page = client.post(url, {"kind": "case", "title": "", "date": "2026-02-03"}).content.decode()
    assert "请填写活动内容" in page
    page = client.post(url, {"kind": "case", "title": "x", "date": "昨天"}).content.decode()
    assert "日期格式应为 YYYY-MM-DD" in page
    page = client.post(url, {"kind": "case", "title": "x", "date": "2026-02-03",
                             "participants": "-3"}).content.decode()  # fmt: skip
    assert "人数应为非负整数" in page
    assert not StationActivity.objects.exists()


def test_station_pages_refused_outside_the_region_and_role(
    client: Client, cast: dict[str, User], yichang_enforcer: User
) -> None:
    station = _station(cast["wuhan_enforcer"])
    url = f"/protection/stations/{station.pk}/"
    client.force_login(yichang_enforcer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "case", "title": "x", "date": "2026-02-03"}).status_code == 404
    assert "420100 光谷工作站" not in client.get("/protection/stations/").content.decode()
    registered = client.post("/protection/stations/", {"name": "越界站", "kind": "park",
                                                       "region": "420100"})  # fmt: skip
    assert registered.status_code == 403
    for who in ("wuhan_clerk", "enterprise", "supervisor"):
        client.force_login(cast[who])
        assert client.get(url).status_code == 403
    # Window and supervision staff see their region's service workstations there
    # (tests/test_service_stations.py), never a protection station or the form.
    for who in ("wuhan_clerk", "supervisor"):
        client.force_login(cast[who])
        register = client.get("/protection/stations/").content.decode()
        assert "420100 光谷工作站" not in register and 'name="scope"' not in register
    client.force_login(cast["enterprise"])
    assert client.get("/protection/stations/").status_code == 403
    assert not StationActivity.objects.exists() and Workstation.objects.count() == 1


def test_registry_pages_keep_their_query_count(
    client: Client, cast: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    officer = cast["wuhan_enforcer"]
    for i in range(5):
        _campaign(officer)
        station = _station(officer)
        station_activity_record(actor=officer, station=station, kind="training",
                                title=f"培训{i}", date=dt.date(2026, 1, 5))  # fmt: skip
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get("/protection/campaigns/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/protection/stations/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/protection/stations/{station.pk}/").status_code == 200
