"""A visitor searches trademarks by a Chinese word, then opens a geographical
indication and reads who may use its special mark; at desktop and phone width,
with nothing wider than the phone's screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.brands import services
from iphub.brands.tests.conftest import period
from iphub.conftest import make_org
from iphub.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def _qianjiang(supervisor: User) -> int:
    entry = services.indication_create(
        actor=supervisor,
        data={
            "name": "潜江龙虾",
            "kind": "gi_mark",
            "product": "小龙虾（克氏原螯虾）",
            "holder": "潜江市小龙虾产业协会",
            "region": "429005",
            "approval_number": "演示-GI-0001",
            "approval_date": "2016-01-14",
            "trademark_number": "30012345",
            "rules": "使用单位须在潜江市内养殖、加工，产品符合地方标准。",
        },
        areas=["429005"],
    )
    services.indication_step(actor=supervisor, indication_id=entry.pk, step="publish")
    for serial, name in ((21, "潜江测试虾业有限公司"), (22, "潜江测试龙虾养殖专业合作社")):
        org = make_org(name, "429005", serial)
        services.authorised_use_grant(
            actor=supervisor,
            indication_id=entry.pk,
            data={"organisation": org.pk, **period(-100, 600)},
        )
    return entry.pk


def test_visitor_searches_marks_and_opens_a_gi_with_its_users(
    live_server: Any, page: Any, cast: dict[str, User], marks: None, screenshot_dir: Path
) -> None:
    entry_id = _qianjiang(cast["supervisor"])
    base = live_server.url
    page.goto(base + "/")
    page.click("[data-service=brands] a")
    page.fill("[data-testid=tm-name]", "龙虾")
    page.click("[data-testid=tm-search]")
    page.wait_for_selector("[data-testid=tm-total]")
    assert page.inner_text("[data-testid=tm-total]") == "共 1 件"
    row = page.inner_text("[data-testid=tm-row]")
    assert "潜江龙虾" in row and "30012345" in row and "29、31" in row
    # By Nice class: the marks of class 9.
    page.select_option("[data-testid=tm-class]", "9")
    page.fill("[data-testid=tm-name]", "")
    page.click("[data-testid=tm-search]")
    page.wait_for_selector("[data-testid=tm-total]")
    assert page.inner_text("[data-testid=tm-total]") == "共 3 件"
    page.goto(base + "/brands/?name=龙虾")
    page.screenshot(path=str(screenshot_dir / "brands-search-1280.png"), full_page=True)

    page.click("nav.actions >> text=地理标志与集体、证明商标")
    page.click("[data-testid=gi-link] >> text=潜江龙虾")
    page.wait_for_selector("[data-testid=gi-users]")
    assert page.url.endswith(f"/brands/gi/{entry_id}/")
    users = page.locator("[data-testid=gi-user]").all_inner_texts()
    assert len(users) == 2
    assert "潜江测试虾业有限公司" in users[1] or "潜江测试虾业有限公司" in users[0]
    assert "使用单位须在潜江市内养殖" in page.inner_text("[data-testid=gi-rules]")
    # A visitor is offered no keeper's buttons.
    assert page.locator("[data-testid=grant-form]").count() == 0
    page.screenshot(path=str(screenshot_dir / "brands-gi-1280.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (
        (f"/brands/gi/{entry_id}/", "brands-gi-390.png"),
        ("/brands/?name=龙虾", "brands-search-390.png"),
        ("/brands/figures/", "brands-figures-390.png"),
    ):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(NO_SIDEWAYS), path
        page.screenshot(path=str(screenshot_dir / name), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/brands/figures/")
    page.wait_for_selector("#brand-chart canvas")
    page.screenshot(path=str(screenshot_dir / "brands-figures-1280.png"), full_page=True)
