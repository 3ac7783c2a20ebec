"""The city supervisor of Yichang submits the monthly report; the province returns
it with a reason; the city resubmits; the province sees it on the dashboard and
the city's pledge figure on the Hubei map."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.core.models import Organisation, User
from iphub.supervision.deadlines import month_start
from iphub.supervision.selectors import today_local
from iphub.supervision.tests.conftest import at, make_pledge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    browser_login(page, base, username, PASSWORD)
    page.wait_for_url("**/workspace/")


def _logout(page: Any) -> None:
    page.click("text=退出")


def test_report_submitted_returned_resubmitted_and_seen_on_the_map(
    live_server: Any,
    browser: Any,
    page: Any,
    cast: dict[str, User],
    orgs: dict[str, Organisation],
    plan: Any,
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    month = month_start(today_local())
    make_pledge(
        orgs["yichang"],
        cast["yichang_clerk"],
        "420500",
        "3000000",
        at(month + dt.timedelta(days=1)),
    )

    _login(page, base, "yichang_supervisor")
    page.click("text=督导考核")
    page.click("text=工作月报")
    page.click("[data-testid=start-report]")
    page.fill("[data-testid=work-二]", "完成磷化工产业链专利导航")
    page.fill("[data-testid=work-八]", "新增专利权质押登记 1 笔 300 万元")
    page.click("[data-testid=save-report]")
    page.click("[data-testid=act-submit]")
    assert page.inner_text("[data-testid=report-state]") == "已报送"
    report_url = page.url
    _logout(page)

    _login(page, base, "province_supervisor")
    page.goto(report_url)
    page.fill("[data-testid=reason]", "请补充质押融资企业名称")
    page.click("[data-testid=act-return]")
    assert page.inner_text("[data-testid=report-state]") == "退回修改"
    _logout(page)

    _login(page, base, "yichang_supervisor")
    page.goto(report_url)
    assert "请补充质押融资企业名称" in page.inner_text("[data-testid=return-reason]")
    page.fill("[data-testid=work-八]", "新增专利权质押登记 1 笔 300 万元（宜昌测试化工有限公司）")
    page.click("[data-testid=save-report]")
    page.click("[data-testid=act-resubmit]")
    assert page.inner_text("[data-testid=report-state]") == "已重新报送"
    _logout(page)

    _login(page, base, "province_supervisor")
    page.goto(f"{base}/supervision/?indicator=pledge_amount&month={month:%Y-%m}")
    page.wait_for_selector("#hubei-map[data-ready='1'] canvas", timeout=15000)
    assert page.inner_text("[data-testid=indicator-table] td[data-region='420500']") == "300.00"
    discipline = page.inner_text("[data-testid=discipline]")
    assert "宜昌市" in discipline and "已重新报送" in discipline
    page.screenshot(path=str(screenshot_dir / "supervision-dashboard.png"), full_page=True)
