"""University and lab service workstations (issue 21 item 2): registered with host,
scope and services, kept out of the protection target, and logging the services
they give, by their host's users and their region's staff only."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from iphub.conftest import make_org, make_user
from iphub.core.models import AuditEntry, Organisation, Region, Role, User
from iphub.core.tokens import api_token_create
from iphub.protection import selectors
from iphub.protection.audit_actions import Action
from iphub.protection.models import ServiceKind, StationService, Workstation
from iphub.protection.services.assistance import (
    station_service_record,
    triage_station,
    workstation_create,
)

pytestmark = pytest.mark.django_db

OFFERED = [ServiceKind.SEARCH_ANALYSIS, ServiceKind.NAVIGATION, ServiceKind.TRAINING]
FORMULA = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture
def university(cast: dict[str, User]) -> Organisation:
    return make_org("洪山测试大学", "420111", 7, kind="university")


@pytest.fixture
def host_user(university: Organisation) -> User:
    return make_user("hust_test", Role.ENTERPRISE, organisation=university)


@pytest.fixture
def station(cast: dict[str, User], university: Organisation) -> Workstation:
    return workstation_create(
        actor=cast["wuhan_enforcer"],
        name="洪山测试大学知识产权服务工作站",
        kind="university",
        region_code="420111",
        host=university,
        services=list(OFFERED),
        scope="面向洪山区企业的检索与导航服务",
    )


def _log(station: Workstation, **change: Any) -> dict[str, Any]:
    return {
        "date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "kind": ServiceKind.SEARCH_ANALYSIS,
        "client": "洪山测试科技有限公司",
        "title": "专利检索分析",
        "participants": "3",
    } | change


def _url(station: Workstation, tail: str = "") -> str:
    return f"/protection/stations/{station.pk}/{tail}"


def test_service_stations_count_toward_neither_target_nor_protection_indicator(
    cast: dict[str, User], university: Organisation, station: Workstation
) -> None:
    from iphub.supervision import indicators

    officer = cast["wuhan_enforcer"]
    lab = make_org("洪山测试研究院", "420111", 8, kind="institute")
    workstation_create(actor=officer, name="测试实验室服务站", kind="lab", region_code="420111",
                       host=lab, services=["other"], scope="实验室服务")  # fmt: skip
    workstation_create(actor=officer, name="光谷园区工作站", kind="park", region_code="420111")
    wuhan = list(Region.objects.filter(code="420100"))
    values = indicators.compute(
        "workstations", user=cast["supervisor"], regions=wuhan, month=dt.date(2026, 5, 1)
    )
    assert values["420100"].value == 1  # the park only, of three stations
    assert selectors.workstation_map()["total"] == 1
    # Nor are they handed protection assistance requests.
    triaged = triage_station(region=Region.objects.get(code="420111"), field="G")
    assert triaged is not None and triaged.kind == "park"


def test_register_needs_host_scope_and_listed_services(
    client: Client, cast: dict[str, User], university: Organisation
) -> None:
    client.force_login(cast["wuhan_enforcer"])
    bad = client.post("/protection/stations/", {"name": "某大学工作站", "kind": "university",
                                                "region": "420111", "services": "x"})  # fmt: skip
    page = bad.content.decode()
    assert bad.status_code == 200 and "请填写服务范围" in page and "请选择依托单位" in page
    assert "请从列表中选择服务内容" in page and not Workstation.objects.exists()
    good = client.post("/protection/stations/", {
        "name": "某大学工作站", "kind": "university", "region": "420111", "host": university.pk,
        "service_kinds": ["navigation", "transfer"], "scope": "东湖高新区企业"})  # fmt: skip
    station = Workstation.objects.get()
    assert good["Location"] == _url(station)
    assert (station.host, station.services, station.scope) == (
        university, ["navigation", "transfer"], "东湖高新区企业")  # fmt: skip


def test_register_filters_service_workstations(
    client: Client, cast: dict[str, User], station: Workstation
) -> None:
    workstation_create(actor=cast["wuhan_enforcer"], name="光谷园区工作站", kind="park",
                       region_code="420111")  # fmt: skip
    client.force_login(cast["wuhan_enforcer"])
    everything = client.get("/protection/stations/").content.decode()
    assert station.name in everything and "光谷园区工作站" in everything
    service = client.get("/protection/stations/?kind=service").content.decode()
    assert station.name in service and "光谷园区工作站" not in service
    park = client.get("/protection/stations/?kind=park").content.decode()
    assert station.name not in park and "光谷园区工作站" in park
    # The public registry names the services in words.
    public = client.get("/protection/workstations/").content.decode()
    assert "检索分析、专利导航、培训宣传" in public and "search_analysis" not in public


@pytest.mark.parametrize("who", ["host", "wuhan_clerk", "hongshan_clerk", "supervisor"])
def test_host_users_and_region_staff_log_services(
    client: Client, cast: dict[str, User], host_user: User, station: Workstation, who: str
) -> None:
    user = host_user if who == "host" else cast[who]
    client.force_login(user)
    assert 'data-testid="service-form"' in client.get(_url(station)).content.decode()
    response = client.post(_url(station, "services/"), _log(station))
    assert response.status_code == 302 and response["Location"] == _url(station)
    entry = StationService.objects.get()
    assert (entry.station, entry.recorded_by, entry.participants) == (station, user, 3)
    audit = AuditEntry.objects.get(action=Action.STATION_SERVICE_RECORD)
    assert audit.actor == user
    assert "专利检索分析" in client.get(_url(station)).content.decode()


def test_nobody_else_logs_or_sees_the_services(
    client: Client, cast: dict[str, User], host_user: User, station: Workstation
) -> None:
    outsiders = [
        (cast["enterprise"], 404),  # an enterprise of the same district, not the host
        (cast["yichang_clerk"], 404),  # another region's window staff
        (cast["yichang_supervisor"], 404),
        (cast["wuhan_enforcer"], 403),  # sees the station, does not log its services
    ]
    for user, status in outsiders:
        client.force_login(user)
        assert client.post(_url(station, "services/"), _log(station)).status_code == status
        if status == 404:
            assert client.get(_url(station)).status_code == 404
            assert client.get(_url(station, "services.xlsx")).status_code == 404
            assert station.name not in client.get("/protection/stations/").content.decode()
    client.force_login(cast["enterprise"])
    assert client.get("/protection/stations/").status_code == 403
    client.force_login(cast["wuhan_enforcer"])
    assert 'data-testid="service-form"' not in client.get(_url(station)).content.decode()
    assert not StationService.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.STATION_SERVICE_RECORD).exists()


@pytest.mark.parametrize(
    ("change", "field_error"),
    [
        ({"date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "不能晚于今天"),
        ({"kind": ServiceKind.PLEDGE_COACHING}, "本工作站提供的服务之一"),  # not offered
        ({"kind": "bribery"}, "本工作站提供的服务之一"),
        ({"client": ""}, "请填写服务对象"),
        ({"client": "某" * 201}, "不超过 200 字"),
        ({"title": "  "}, "请填写服务内容"),
        ({"participants": "-2"}, "人数"),
        ({"participants": "100001"}, "人数"),
        ({"date": "2026-13-01"}, "YYYY-MM-DD"),
    ],
)
def test_invalid_log_entries_change_nothing(
    client: Client,
    host_user: User,
    station: Workstation,
    change: dict[str, str],
    field_error: str,
) -> None:
    client.force_login(host_user)
    before = AuditEntry.objects.count()
    response = client.post(_url(station, "services/"), _log(station, **change))
    assert response.status_code == 200 and field_error in response.content.decode()
    assert not StationService.objects.exists() and AuditEntry.objects.count() == before


def test_counts_per_service_kind_match_the_log(
    client: Client, host_user: User, station: Workstation
) -> None:
    client.force_login(host_user)
    posted = [ServiceKind.SEARCH_ANALYSIS] * 3 + [ServiceKind.TRAINING] * 2
    for i, kind in enumerate(posted):
        client.post(_url(station, "services/"), _log(station, kind=kind, participants=str(i)))
    expected = Counter(posted)
    counts = {c["kind"]: c["count"] for c in selectors.station_service_counts(station)}
    assert counts == {k: expected.get(k, 0) for k in OFFERED}
    page = client.get(_url(station)).content.decode()
    for kind in OFFERED:
        row = page.split(f'data-kind="{kind}"')[1].split("</tr>")[0]
        assert f"<td>{expected.get(kind, 0)}</td>" in row
    people = sum(i for i, k in enumerate(posted) if k == ServiceKind.TRAINING)
    row = page.split(f'data-kind="{ServiceKind.TRAINING}"')[1].split("</tr>")[0]
    assert row.endswith(f"<td>{people}</td>")
    client.force_login(host_user)
    register = client.get("/protection/stations/").content.decode()
    assert station.name in register and f"<td>{len(posted)}</td>" in register


def test_export_holds_typed_text_not_formulas(
    client: Client, host_user: User, station: Workstation
) -> None:
    station_service_record(actor=host_user, station=station, date=dt.date(2026, 1, 5),
                           kind="navigation", client=FORMULA, title="+导航")  # fmt: skip
    station_service_record(actor=host_user, station=station, date=dt.date(2026, 1, 6),
                           kind="training", client="某企业", title="培训")  # fmt: skip
    client.force_login(host_user)
    response = client.get(_url(station, "services.xlsx"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + FORMULA in values and "'+导航" in values
    data = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(data) == StationService.objects.filter(station=station).count() == 2


def test_indicator_counts_services_per_region_and_month(
    cast: dict[str, User], host_user: User, station: Workstation
) -> None:
    from iphub.supervision import indicators

    today = timezone.localdate()
    month = today.replace(day=1)
    for days in (0, 0, 40):
        when = today - dt.timedelta(days=days)
        station_service_record(actor=host_user, station=station, date=when,
                               kind="training", client="某企业", title="培训")  # fmt: skip
    expected = StationService.objects.filter(date__gte=month).count()
    regions = list(Region.objects.filter(code__in=["420100", "420500"]))
    values = indicators.compute(
        "station_services", user=cast["supervisor"], regions=regions, month=month
    )
    assert values["420100"].value == expected and values["420500"].value == 0
    table = indicators.records(
        "station_services",
        user=cast["supervisor"],
        region=Region.objects.get(code="420100"),
        month=month,
    )
    assert table is not None and len(table.rows) == expected


@pytest.mark.parametrize("host", ["abc", "999999"])
def test_register_refuses_an_unknown_host(
    client: Client, cast: dict[str, User], university: Organisation, host: str
) -> None:
    client.force_login(cast["wuhan_enforcer"])
    page = client.post("/protection/stations/", {"name": "某大学工作站", "kind": "university",
                       "region": "420111", "host": host, "service_kinds": ["other"],
                       "scope": "x"}).content.decode()  # fmt: skip
    assert "请从列表中选择依托单位" in page and not Workstation.objects.exists()


def test_station_pages_keep_their_query_count(
    client: Client,
    host_user: User,
    station: Workstation,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(6):
        station_service_record(actor=host_user, station=station, date=dt.date(2026, 1, 5),
                               kind="training", client=f"企业{i}", title="培训")  # fmt: skip
    client.force_login(host_user)
    with django_assert_max_num_queries(12):
        assert client.get(_url(station)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/protection/stations/").status_code == 200


def _bearer(user: User) -> Client:
    _, raw = api_token_create(user=user, name="工作站同步")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_host_logs_and_reads_its_services_through_the_api(
    host_user: User, cast: dict[str, User], station: Workstation
) -> None:
    url = f"/api/v1/protection/stations/{station.pk}/services"
    api = _bearer(host_user)
    body = _log(station, participants=12, title="专利导航培训", kind=ServiceKind.TRAINING)
    created = api.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["kind_label"] == "培训宣传"
    listed = api.get(url).json()
    assert [(e["title"], e["participants"]) for e in listed] == [("专利导航培训", 12)]
    # The region's window staff read the same log; the page shows what the API wrote.
    assert [e["id"] for e in _bearer(cast["hongshan_clerk"]).get(url).json()] == [
        created.json()["id"]
    ]
    assert AuditEntry.objects.filter(action=Action.STATION_SERVICE_RECORD).count() == 1


def test_the_api_refuses_outsiders_and_bad_entries_and_writes_nothing(
    host_user: User, cast: dict[str, User], station: Workstation
) -> None:
    url = f"/api/v1/protection/stations/{station.pk}/services"
    for user in (cast["enterprise"], cast["yichang_clerk"]):
        api = _bearer(user)
        assert api.get(url).status_code == 404
        assert api.post(url, _log(station), content_type="application/json").status_code == 404
    bad = _bearer(host_user).post(
        url, _log(station, kind=ServiceKind.PLEDGE_COACHING), content_type="application/json"
    )
    assert bad.status_code in (400, 422)
    assert "本工作站提供的服务之一" in bad.json()["fields"]["kind"]
    assert not StationService.objects.exists()
