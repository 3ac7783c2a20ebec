"""Browser journey: a university's own account finds the service workstation its
university hosts, logs a service it gave, and sees it in the log and the counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD, make_org, make_user
from iphub.core.models import Role, User
from iphub.protection.models import StationService
from iphub.protection.services.assistance import workstation_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_university_logs_a_service_of_its_station(
    live_server: Any, page: Any, cast: dict[str, User]
) -> None:
    university = make_org("洪山测试大学", "420111", 7, kind="university")
    make_user("hust_test", Role.ENTERPRISE, organisation=university)
    station = workstation_create(
        actor=cast["wuhan_enforcer"],
        name="洪山测试大学服务工作站",
        kind="university",
        region_code="420111",
        host=university,
        services=["search_analysis", "training"],
        scope="洪山区企业",
    )

    browser_login(page, live_server.url, "hust_test", PASSWORD)
    page.goto(live_server.url + "/protection/")
    page.click("a[href='/protection/stations/']")
    page.click(f"text={station.name}")
    form = page.locator("[data-testid=service-form]")
    when = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    form.locator("input[name=date]").fill(when)
    form.locator("select[name=kind]").select_option("training")
    form.locator("input[name=client]").fill("洪山测试科技有限公司")
    form.locator("input[name=title]").fill("专利布局培训")
    form.locator("input[name=participants]").fill("30")
    form.locator("button").click()

    # The log is on the page before the post too: wait for the new entry, not the list.
    page.wait_for_selector("[data-testid=service-log] >> text=专利布局培训")
    training = page.locator("[data-testid=service-counts] tr[data-kind=training] td")
    assert training.all_inner_texts()[1:] == ["1", "30"]
    entry = StationService.objects.get()
    assert (entry.kind, entry.participants, entry.date.isoformat()) == ("training", 30, when)
