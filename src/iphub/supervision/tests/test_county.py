"""County reports when a city asks: the county reports, the city reviews, and the
province's late list shows the counties of that city (and of no other)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iphub.conftest import make_user
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Region, User
from iphub.supervision.models import ReminderKind, ReportState
from iphub.supervision.selectors import report_discipline
from iphub.supervision.services.county import county_reporting_set
from iphub.supervision.services.reminders import reminders_send
from iphub.supervision.services.reports import report_open, report_transition, report_update
from iphub.supervision.tests.conftest import MAY, at

pytestmark = pytest.mark.usefixtures("plan")


@pytest.fixture
def xiling(regions: None) -> User:
    return make_user("xiling_supervisor", "supervisor", "420502")


def _yichang() -> Region:
    return Region.objects.get(code="420500")


def test_a_county_reports_only_once_its_city_asks(cast: dict[str, User], xiling: User) -> None:
    county = Region.objects.get(code="420502")
    with pytest.raises(ApplicationError) as exc:
        report_open(actor=xiling, region=county, month=MAY)
    assert exc.value.code == "not_a_reporting_unit"
    with pytest.raises(AccessDenied):  # another city cannot decide for Yichang
        county_reporting_set(
            actor=make_user("wuhan_supervisor", "supervisor", "420100"),
            city=_yichang(),
            enabled=True,
        )
    with pytest.raises(AccessDenied):  # nor the county itself
        county_reporting_set(actor=xiling, city=_yichang(), enabled=True)
    county_reporting_set(actor=cast["yichang_supervisor"], city=_yichang(), enabled=True)
    report = report_open(actor=xiling, region=county, month=MAY)
    report_update(actor=xiling, report_id=report.pk, data={"work": {"四": "新建工作站 1 家"}})
    report = report_transition(
        actor=xiling, report_id=report.pk, action="submit", now=at(dt.date(2026, 5, 18))
    )
    # The city reviews its county's report.
    report = report_transition(
        actor=cast["yichang_supervisor"], report_id=report.pk, action="return", reason="补充案例"
    )
    assert report.state == ReportState.RETURNED and report.late is False


def test_the_late_list_shows_the_counties_of_a_city_that_asked(
    client: Any, cast: dict[str, User], xiling: User
) -> None:
    before = report_discipline(user=cast["supervisor"], month=MAY, now=at(dt.date(2026, 5, 25)))
    assert len(before) == 17
    county_reporting_set(actor=cast["yichang_supervisor"], city=_yichang(), enabled=True)
    county = Region.objects.get(code="420502")
    report = report_open(actor=xiling, region=county, month=MAY)
    report_update(actor=xiling, report_id=report.pk, data={"work": {"一": "督导"}})
    report_transition(
        actor=xiling, report_id=report.pk, action="submit", now=at(dt.date(2026, 5, 22))
    )
    rows = report_discipline(user=cast["supervisor"], month=MAY, now=at(dt.date(2026, 5, 25)))
    codes = [d.region.code for d in rows]
    yichang_counties = list(
        Region.objects.filter(parent_id="420500").order_by("code").values_list("code", flat=True)
    )
    # Yichang, then its counties, then the next city; no Wuhan district.
    at_yichang = codes.index("420500")
    assert codes[at_yichang + 1 : at_yichang + 1 + len(yichang_counties)] == yichang_counties
    assert "420111" not in codes and len(codes) == 17 + len(yichang_counties)
    status = {d.region.code: d.label for d in rows}
    assert status["420502"] == "逾期报送" and status["420503"] == "逾期未报"
    # The city's own list shows its counties too; the dashboard shows them.
    own = report_discipline(
        user=cast["yichang_supervisor"], month=MAY, now=at(dt.date(2026, 5, 25))
    )
    assert [d.region.code for d in own] == ["420500", *yichang_counties]
    client.force_login(cast["supervisor"])
    html = client.get("/supervision/", {"month": "2026-05"}).content.decode()
    assert 'data-region="420502"' in html and "西陵区" in html and "伍家岗区" in html
    assert 'data-region="420111"' not in html


def test_counties_are_reminded_once_their_city_asks(cast: dict[str, User], xiling: User) -> None:
    assert [r.user for r in reminders_send(today=dt.date(2026, 5, 15))] == [
        cast["yichang_supervisor"]
    ]
    county_reporting_set(actor=cast["yichang_supervisor"], city=_yichang(), enabled=True)
    sent = reminders_send(today=dt.date(2026, 5, 21))
    assert {(r.user.username, r.kind) for r in sent} == {
        ("yichang_supervisor", ReminderKind.OVERDUE),
        ("xiling_supervisor", ReminderKind.OVERDUE),
    }


def test_the_city_turns_county_reports_on_and_off_from_the_report_list(
    client: Any, cast: dict[str, User], xiling: User
) -> None:
    client.force_login(cast["yichang_supervisor"])
    page = client.get("/supervision/reports/").content.decode()
    assert "要求所辖县（市、区）报送月报" in page
    client.post("/supervision/reports/counties/", {"city": "420500", "enabled": "1"})
    assert "取消县级报送" in client.get("/supervision/reports/").content.decode()
    client.force_login(xiling)
    page = client.get("/supervision/reports/").content.decode()
    assert 'name="region" value="420502"' in page  # the county may now start its report
    denied = client.post("/supervision/reports/counties/", {"city": "420500", "enabled": "0"})
    assert denied.status_code == 403
    client.force_login(cast["yichang_supervisor"])
    client.post("/supervision/reports/counties/", {"city": "420500", "enabled": "0"})
    client.force_login(xiling)
    assert (
        'name="region" value="420502"' not in client.get("/supervision/reports/").content.decode()
    )
