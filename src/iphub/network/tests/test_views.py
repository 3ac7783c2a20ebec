"""The network's pages as each member of the cast sees them: the public list,
map and "nearest to me"; tickets and figures scoped to region, outlet and
organisation (out of scope answers 404); the registry kept by the province."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from iphub.core.models import AuditEntry, User
from iphub.network import services
from iphub.network.models import Outlet, ServiceTicket, TicketState
from iphub.network.tests.conftest import open_ticket, outlet_data

pytestmark = pytest.mark.django_db


def as_user(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def test_the_public_list_sorts_by_distance_from_the_chosen_county(net: dict[str, Any]) -> None:
    page = as_user(None).get("/network/", {"near": "420502"})  # 西陵区, Yichang
    assert page.status_code == 200
    rows = [name for name, *_ in page.context["rows"]]
    assert [o.name for o in rows] == ["宜昌测试信息服务网点", "武汉测试信息服务中心"]
    distances = [km for _o, km, _labels in page.context["rows"]]
    assert distances[0] < 10 < 250 < distances[1] < 320  # Yichang-Wuhan is ~ 290 km
    assert "按与“西陵区”的距离排列" in text(page)
    # The browser's position works the same way; the map gets every outlet's point.
    near_wuhan = as_user(None).get("/network/", {"lng": "114.40", "lat": "30.50"})
    assert near_wuhan.context["rows"][0][0].name == "武汉测试信息服务中心"
    points = json.loads(
        text(near_wuhan)
        .split('id="outlet-points" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert {p["name"] for p in points} == {"武汉测试信息服务中心", "宜昌测试信息服务网点"}
    # Filters: a service only one outlet offers.
    only = as_user(None).get("/network/", {"service": "infringement"})
    assert [o.name for o, *_ in only.context["rows"]] == ["宜昌测试信息服务网点"]


def test_the_ticket_form_is_offered_to_organisation_accounts_only(
    net: dict[str, Any], cast: dict[str, User]
) -> None:
    url = f"/network/outlets/{net['wuhan'].pk}/"
    assert 'data-testid="ticket-form"' in text(as_user(net["enterprise"]).get(url))
    for viewer in (None, cast["wuhan_clerk"]):
        assert 'data-testid="ticket-form"' not in text(as_user(viewer).get(url))
    assert "登录后可向该网点提交服务工单" in text(as_user(None).get(url))


def test_an_enterprise_opens_a_ticket_and_a_bad_form_changes_nothing(net: dict[str, Any]) -> None:
    client = as_user(net["enterprise"])
    url = f"/network/outlets/{net['wuhan'].pk}/tickets/new/"
    bad = client.post(url, {"service": "search", "subject": "", "question": "请检索相关专利。"})
    assert bad.status_code == 400 and "请用一句话写明事项" in text(bad)
    assert ServiceTicket.objects.count() == 0
    ok = client.post(url, {"service": "search", "subject": "查新", "question": "请检索相关专利。"})
    ticket = ServiceTicket.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/network/tickets/{ticket.pk}/"


def test_ticket_pages_are_scoped_and_out_of_scope_is_404(
    net: dict[str, Any], cast: dict[str, User]
) -> None:
    wuhan_ticket = open_ticket(net["enterprise"], net["wuhan"])
    yichang_ticket = open_ticket(net["yichang_user"], net["yichang"])
    url = f"/network/tickets/{wuhan_ticket.pk}/"
    for viewer in ("enterprise", "colleague", "wuhan_staff"):
        assert as_user(net[viewer]).get(url).status_code == 200, viewer
    for viewer in ("wuhan_clerk", "hongshan_clerk", "supervisor"):
        assert as_user(cast[viewer]).get(url).status_code == 200, viewer
    for outsider in (cast["yichang_clerk"], net["yichang_staff"], net["yichang_user"]):
        assert as_user(outsider).get(url).status_code == 404
        assert as_user(outsider).get(f"{url}file/").status_code == 404
    # Lists: each sees only its own scope.
    expected = {
        cast["wuhan_clerk"]: {wuhan_ticket.pk},
        cast["yichang_clerk"]: {yichang_ticket.pk},
        cast["supervisor"]: {wuhan_ticket.pk, yichang_ticket.pk},
        net["wuhan_staff"]: {wuhan_ticket.pk},
        net["yichang_user"]: {yichang_ticket.pk},
        net["colleague"]: {wuhan_ticket.pk},
    }
    for viewer, ids in expected.items():
        page = as_user(viewer).get("/network/tickets/")
        assert {t.pk for t, _overdue in page.context["rows"]} == ids, viewer.username
    # Buttons come from the workflow: staff see accept/close, the requester withdraw.
    staff_page = text(as_user(net["wuhan_staff"]).get(url))
    assert 'data-testid="form-accept"' in staff_page and 'data-testid="form-rate"' not in staff_page
    clerk_page = text(as_user(cast["wuhan_clerk"]).get(url))
    assert 'data-testid="form-' not in clerk_page


def test_a_step_pressed_by_the_wrong_person_is_a_message_and_changes_nothing(
    net: dict[str, Any], cast: dict[str, User]
) -> None:
    t = open_ticket(net["enterprise"], net["wuhan"])
    client = as_user(cast["wuhan_clerk"])
    answer = client.post(f"/network/tickets/{t.pk}/act/accept/", {"version": "0"}, follow=True)
    assert "服务人员办理" in text(answer)
    t.refresh_from_db()
    assert t.state == TicketState.SUBMITTED
    outsider = as_user(cast["yichang_clerk"]).post(f"/network/tickets/{t.pk}/act/accept/")
    assert outsider.status_code == 404


def test_the_figures_page_is_scoped(net: dict[str, Any], cast: dict[str, User]) -> None:
    open_ticket(net["enterprise"], net["wuhan"])
    names = {
        "wuhan_clerk": ["武汉测试信息服务中心"],
        "yichang_clerk": ["宜昌测试信息服务网点"],
        "supervisor": ["武汉测试信息服务中心", "宜昌测试信息服务网点"],
    }
    for who, expected in names.items():
        page = as_user(cast[who]).get("/network/stats/")
        assert [f.outlet.name for f in page.context["figures"]] == expected, who
    assert [
        f.outlet.name
        for f in as_user(net["yichang_staff"]).get("/network/stats/").context["figures"]
    ] == ["宜昌测试信息服务网点"]
    assert as_user(net["enterprise"]).get("/network/stats/").status_code == 403


def test_only_the_province_keeps_the_registry_and_every_change_is_audited(
    net: dict[str, Any], cast: dict[str, User], keeper: User
) -> None:
    assert as_user(cast["wuhan_clerk"]).get("/network/outlets/new/").status_code == 403
    refused = as_user(cast["wuhan_clerk"]).post("/network/outlets/new/", outlet_data(name="新网点"))
    assert refused.status_code == 403 and not Outlet.objects.filter(name="新网点").exists()
    client = as_user(keeper)
    bad = client.post(
        "/network/outlets/new/", outlet_data(name="新网点", longitude="30.5", latitude="114.4")
    )
    assert bad.status_code == 200 and "不在湖北省范围内" in text(bad)
    assert not Outlet.objects.filter(name="新网点").exists()
    ok = client.post("/network/outlets/new/", outlet_data(name="新网点", region="420602"))
    outlet = Outlet.objects.get(name="新网点")
    assert ok.status_code == 302
    client.post(
        f"/network/outlets/{outlet.pk}/edit/",
        outlet_data(name="新网点", region="420602", opening_hours="周一至周五"),
    )
    outlet.refresh_from_db()
    assert outlet.opening_hours == "周一至周五"
    entries = AuditEntry.objects.filter(object_type="network.outlet", object_id=str(outlet.pk))
    assert sorted(entries.values_list("action", flat=True)) == [
        "network.outlet_create",
        "network.outlet_update",
    ]
    update = entries.get(action="network.outlet_update")
    assert update.before == {"opening_hours": "工作日 9:00-17:00"}
    # Staff accounts: organisation accounts only, once each.
    with pytest.raises(Exception, match="不是单位账号"):
        services.outlet_staff_add(actor=keeper, outlet_id=outlet.pk, username="wuhan_clerk")


def test_list_pages_do_not_grow_queries_with_rows(
    net: dict[str, Any], cast: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        open_ticket(net["enterprise"], net["wuhan"])
    client = as_user(cast["supervisor"])
    client.get("/network/tickets/")
    with django_assert_max_num_queries(20):
        client.get("/network/tickets/")
    with django_assert_max_num_queries(20):
        as_user(None).get("/network/", {"near": "420111"})


def test_the_audit_log_names_the_ticket_steps(net: dict[str, Any], cast: dict[str, User]) -> None:
    t = open_ticket(net["enterprise"], net["wuhan"])
    assert t.due_at is not None
    services.tickets_flag_overdue(now=t.due_at + dt.timedelta(hours=1))
    page = as_user(cast["supervisor"]).get("/audit/")
    assert page.status_code == 200
    html = text(page)
    assert "提交服务工单" in html and "服务工单超期标记" in html
    assert "武汉测试信息服务中心" in html  # the outlet named, not its id
