"""An enterprise opens its IP profile from the workspace card, sees the trend
chart drawn, downloads the PDF brief and the Excel workbook (both open and name
the enterprise), proposes a former name; the Hongshan clerk confirms it from the
queue and the profile counts the former name's patents. Screenshots at 1280 and
390 px; nothing is wider than the phone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from iphub.browser_fixtures import browser_login
from iphub.conftest import PASSWORD
from iphub.core.models import User
from iphub.enterprises.tests.conftest import FORMER, HONGSHAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def shoot(page: Any, path: Path, name: str) -> None:
    page.screenshot(path=str(path / f"enterprises_{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    page.screenshot(path=str(path / f"enterprises_{name}_390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{name}: page is {width}px wide at 390px"
    page.set_viewport_size({"width": 1280, "height": 900})


def headline(page: Any, label: str) -> int:
    card = page.locator("[data-testid=headline] .card", has_text=label).first
    return int(card.locator(".figure").inner_text())


def test_enterprise_opens_its_profile_and_downloads_the_brief(
    live_server: Any,
    page: Any,
    world: dict[str, Any],
    cast: dict[str, User],
    screenshot_dir: Path,
) -> None:
    base = live_server.url
    browser_login(page, base, "wuhan_enterprise", PASSWORD)
    page.click("text=我的知识产权画像")
    page.wait_for_selector("[data-testid=profile-title]")
    assert HONGSHAN in page.inner_text("[data-testid=profile-title]")
    # The chart is drawn by ECharts (a canvas inside the box), not left empty.
    page.wait_for_selector("#profile-trend[data-drawn='1'] canvas")
    total = headline(page, "专利总数")
    assert total == 10
    shoot(page, screenshot_dir, "profile")

    with page.expect_download() as info:
        page.click("[data-testid=download-pdf]")
    pdf = Path(info.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert HONGSHAN in text and "专利类型与法律状态" in text
    assert info.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as info:
        page.click("[data-testid=download-xlsx]")
    wb = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert dict(wb["概况"].iter_rows(values_only=True))["单位名称"] == HONGSHAN

    form = page.locator("[data-testid=propose-form]")
    form.locator("input[name=name]").fill(FORMER)
    form.locator("input[name=note]").fill("曾用名")
    form.locator("button").click()
    assert "待所在地工作人员确认" in page.inner_text(".messages")
    assert headline(page, "专利总数") == total

    page.click("text=退出")
    browser_login(page, base, "hongshan_clerk", PASSWORD)
    page.goto(base + "/enterprises/variants/")
    row = page.locator("[data-testid=variant-queue] tr", has_text=FORMER)
    row.locator("button", has_text="确认归并").click()
    assert "已确认" in page.inner_text(".messages")
    page.goto(base + f"/enterprises/{world['org'].uscc}/")
    page.wait_for_selector("[data-testid=profile-title]")
    assert headline(page, "专利总数") == total + 3

    page.goto(base + f"/enterprises/{world['org'].uscc}/public/")
    page.wait_for_selector("#profile-trend[data-drawn='1'] canvas")
    assert "与同类企业的差距" not in page.content()
    shoot(page, screenshot_dir, "profile_public")
