"""Fixtures for the network: a Wuhan and a Yichang outlet (each with a staff
account of its host), a second Wuhan enterprise user (a colleague of the
cast's), the province's keeper, and a helper that opens a ticket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import make_org, make_user
from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import Organisation, Role, User
from iphub.network import services
from iphub.network.models import Outlet, ServiceTicket

# Monday 2 March 2026, 10:00 in Wuhan: no holiday in the five working days after it.
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL_TZ)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def outlet_data(**over: Any) -> dict[str, Any]:
    return {
        "name": "武汉测试信息服务中心",
        "kind": "university",
        "level": "national",
        "host_name": "武汉测试大学",
        "region": "420111",
        "address": "武汉市洪山区测试路1号",
        "longitude": "114.41",
        "latitude": "30.51",
        "services": ["search", "navigation", "analysis"],
        "opening_hours": "工作日 9:00-17:00",
        "phone": "027-87650001",
    } | over


@pytest.fixture(autouse=True)
def own_media(tmp_path: Path, settings: Any) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


@pytest.fixture
def keeper(cast: dict[str, User]) -> User:
    """Provincial window staff: keep the outlet registry."""
    return make_user("province_clerk", Role.WINDOW, "420000")


@pytest.fixture
def net(cast: dict[str, User], keeper: User) -> dict[str, Any]:
    """Two outlets with one staff account each, and more accounts around them."""
    wuhan_uni = make_org("武汉测试大学", "420111", 31, kind="university")
    yichang_uni = make_org("宜昌测试大学", "420502", 32, kind="university")
    wuhan = services.outlet_create(actor=keeper, data=outlet_data(host=str(wuhan_uni.pk)))
    yichang = services.outlet_create(
        actor=keeper,
        data=outlet_data(
            name="宜昌测试信息服务网点",
            kind="public_point",
            level="provincial",
            host_name="宜昌测试大学",
            region="420502",
            address="宜昌市西陵区测试路2号",
            longitude="111.30",
            latitude="30.70",
            services=["search", "infringement"],
        ),
    )
    wuhan_staff = make_user("wuhan_outlet", Role.ENTERPRISE, organisation=wuhan_uni)
    wuhan_staff2 = make_user("wuhan_outlet2", Role.ENTERPRISE, organisation=wuhan_uni)
    yichang_staff = make_user("yichang_outlet", Role.ENTERPRISE, organisation=yichang_uni)
    services.outlet_staff_add(actor=keeper, outlet_id=wuhan.pk, username="wuhan_outlet")
    services.outlet_staff_add(actor=keeper, outlet_id=wuhan.pk, username="wuhan_outlet2")
    services.outlet_staff_add(actor=keeper, outlet_id=yichang.pk, username="yichang_outlet")
    enterprise: Organisation = cast["enterprise"].organisation  # type: ignore[assignment]
    colleague = make_user("wuhan_colleague", Role.ENTERPRISE, organisation=enterprise)
    yichang_org = Organisation.objects.get(name="宜昌测试化工有限公司")
    yichang_user = make_user("yichang_enterprise", Role.ENTERPRISE, organisation=yichang_org)
    return {
        "wuhan": wuhan,
        "yichang": yichang,
        "wuhan_staff": wuhan_staff,
        "wuhan_staff2": wuhan_staff2,
        "yichang_staff": yichang_staff,
        "enterprise": cast["enterprise"],
        "colleague": colleague,
        "yichang_user": yichang_user,
    }


def open_ticket(
    actor: User, outlet: Outlet, *, at: dt.datetime = MONDAY_10, **over: Any
) -> ServiceTicket:
    data = {
        "service": "search",
        "subject": "查新检索",
        "question": "请检索激光器散热结构的相关专利。",
    } | over
    return services.ticket_open(actor=actor, outlet_id=outlet.pk, data=data, now=at)
