"""海外纠纷应对 (issue 23, item 6): an enterprise opens an overseas dispute case
through the form; provincial enforcement staff (signing in with their second
factor) accept it, try an expert who declared a conflict with the opposing
party — the page marks the conflict beside the name and refuses the choice,
saying why — assign a free expert and send guidance (纠纷应对指导); the
enterprise reads the guidance on its case page. The expert pool is arranged
through its service (keeping the pool is a page of its own). Screenshots at
1280 and 390 px, and no page wider than a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.core.models import Organisation, User
from iphub.filings.tests.e2e.pages import login
from iphub.overseas import services
from iphub.overseas.models import CaseExpert, DisputeCase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
RIVAL = "Northwind Photonics Inc."


def shoot(page: Any, path: Path, name: str) -> None:
    page.screenshot(path=str(path / f"overseas_{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(path / f"overseas_{name}_390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: page is {width}px wide at 390px"
    page.set_viewport_size(DESKTOP)


def signed_in(browser: Any, base: str, username: str) -> tuple[Any, Any]:
    ctx = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = ctx.new_page()
    login(page, base, username)
    return ctx, page


def test_enterprise_opens_a_case_staff_assign_a_free_expert_and_guide_it(
    live_server: Any,
    browser: Any,
    cast: dict[str, User],
    orgs: dict[str, Organisation],
    province: User,
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    # The pool: one expert declared a conflict with the rival (spelt differently:
    # names are compared in normalised form), one is free.
    barred = services.expert_create(
        actor=province,
        data={"name": "钱律师", "field": "337 调查"},
        countries=["US"],
        languages=["en"],
        conflicts=["NORTHWIND PHOTONICS, INC"],
    )
    free = services.expert_create(
        actor=province,
        data={"name": "孙律师", "field": "美国专利诉讼"},
        countries=["US"],
        languages=["en"],
    )

    # The enterprise opens the case through the form.
    ent_ctx, ent = signed_in(browser, base, "wuhan_enterprise")
    ent.click("[data-task=overseas] a")
    ent.click("[data-testid=case-new]")
    form = ent.locator("[data-testid=case-form]")
    form.locator("select[name=country]").select_option("US")
    form.locator("select[name=kind]").select_option("s337")
    form.locator("input[name=opposing_party]").fill(RIVAL)
    form.locator("textarea[name=summary]").fill(
        "对方向美国国际贸易委员会申请 337 调查，指控我司激光器产品侵犯其两项美国专利。"
    )
    shoot(ent, screenshot_dir, "case_form")
    form.locator("button").click()
    assert "案件已登记，等待受理" in ent.inner_text(".messages")
    assert ent.inner_text("[data-testid=case-state]") == "待受理"
    case_url = ent.url
    # Guidance and experts are the staff's: the enterprise has neither form.
    assert ent.locator("[data-testid=guidance-form], [data-testid=assign-form]").count() == 0

    # Provincial enforcement staff find it among the cases and accept it.
    staff_ctx, staff = signed_in(browser, base, province.username)
    staff.click("[data-task=overseas] a")
    row = staff.locator("[data-testid=cases] tr", has_text=RIVAL)
    assert "待受理" in row.inner_text()
    row.locator("a").click()
    staff.click("[data-testid=case-accept]")
    assert "已受理" in staff.inner_text(".messages")
    assert staff.inner_text("[data-testid=case-state]") == "应对中"

    # The conflicted expert is offered with the conflict beside the name, and refused.
    assign = staff.locator("[data-testid=assign-form]")
    options = assign.locator("select[name=expert] option")
    barred_label = options.filter(has_text=barred.name).inner_text()
    assert "NORTHWIND PHOTONICS, INC" in barred_label and "利益冲突" in barred_label
    assert "利益冲突" not in options.filter(has_text=free.name).inner_text()
    assign.locator("select[name=expert]").select_option(str(barred.pk))
    assign.locator("button").click()
    refusal = staff.inner_text(".messages")
    assert f"{barred.name}已声明与“NORTHWIND PHOTONICS, INC”存在利益冲突" in refusal
    assert "不能指派到本案" in refusal
    assert barred.name not in staff.inner_text("[data-testid=case-experts]")

    # A free expert is assigned.
    assign.locator("select[name=expert]").select_option(str(free.pk))
    assign.locator("button").click()
    assert f"已指派专家：{free.name}" in staff.inner_text(".messages")
    assert free.name in staff.inner_text("[data-testid=case-experts]")
    case = DisputeCase.objects.get()
    assert list(CaseExpert.objects.filter(case=case).values_list("expert_id", flat=True)) == [
        free.pk
    ]

    # Guidance goes out.
    guidance = staff.locator("[data-testid=guidance-form]")
    guidance.locator("input[name=title]").fill("337 调查应诉准备")
    guidance.locator("textarea[name=body]").fill(
        "请在收到起诉书后 10 个工作日内聘请美国律师并提交应诉意向；同时整理涉案产品的研发记录。"
    )
    guidance.locator("button").click()
    assert "已发出纠纷应对指导" in staff.inner_text(".messages")
    shoot(staff, screenshot_dir, "case_staff")
    staff_ctx.close()

    # The enterprise reads the guidance, and sees who advises it, on its case page.
    ent.goto(case_url)
    assert ent.inner_text("[data-testid=case-state]") == "应对中"
    note = ent.locator("[data-testid=guidance]")
    assert note.count() == 1
    assert "337 调查应诉准备" in note.inner_text()
    assert "10 个工作日内聘请美国律师" in note.inner_text()
    experts = ent.inner_text("[data-testid=case-experts]")
    assert free.name in experts and barred.name not in experts
    shoot(ent, screenshot_dir, "case_guided")
    ent_ctx.close()
