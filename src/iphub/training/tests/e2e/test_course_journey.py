"""A window clerk completes a course in the browser: registers, checks in by the
session's QR link (read off the keeper's roll page, as the phone would scan it),
passes the test, downloads the certificate; a visitor's verification page then
confirms it. Screenshots at 1280 and 390 px; nothing scrolls sideways on the phone."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from iphub.conftest import PASSWORD
from iphub.core.models import User
from iphub.training.models import Registration
from iphub.training.tests.conftest import make_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/workspace/")


def _both_widths(page: Any, shots: Path, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shots / f"training_{name}_1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / f"training_{name}_390.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"], (name, overflow)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_clerk_completes_a_course_and_the_certificate_verifies(
    live_server: Any, browser: Any, page: Any, cast: dict[str, User], screenshot_dir: Path
) -> None:
    start = timezone.now() + dt.timedelta(minutes=30)  # check-in opens an hour before
    deadline = start - dt.timedelta(minutes=10)
    course = make_course(cast["wuhan_clerk"], start=start, deadline=deadline, capacity=20)
    base = live_server.url

    # The clerk registers from the public course list.
    _login(page, base, "hongshan_clerk")
    page.goto(base + "/training/")
    page.click(f"text={course.title}")
    _both_widths(page, screenshot_dir, "course")
    page.click("[data-testid=register]")
    assert "报名成功" in page.inner_text(".messages")
    assert "已报名" in page.inner_text("[data-testid=my-registrations]")

    # The keeper shows the session's QR code in the room; its link is what a phone opens.
    staff = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    keeper = staff.new_page()
    _login(keeper, base, "wuhan_clerk")
    keeper.goto(base + "/training/keep/")
    keeper.click(f"text={course.title}")
    keeper.click("[data-testid=roll-link]")
    expect(keeper.locator("[data-testid=check-in-qr]")).to_be_visible()
    _both_widths(keeper, screenshot_dir, "roll")
    check_in_url = keeper.get_attribute("[data-testid=check-in-url]", "href")
    staff.close()

    page.goto(check_in_url)
    page.click("[data-testid=confirm-check-in]")
    assert "签到成功" in page.inner_text(".messages") and "3.5 学时" in page.inner_text(".messages")
    assert "已签到" in page.inner_text("[data-testid=my-registrations]")

    # The test: one wrong answer of three is 67, the pass mark.
    page.click("[data-testid=take-test]")
    questions = list(course.questions.all())
    for q in questions[:2]:
        page.check(f"input[name=q{q.pk}][value='{q.answer}']")
    wrong = (questions[2].answer + 1) % len(questions[2].options)
    page.check(f"input[name=q{questions[2].pk}][value='{wrong}']")
    _both_widths(page, screenshot_dir, "quiz")
    page.click("[data-testid=submit-test]")
    assert "测试通过（67 分）" in page.inner_text(".messages")
    _both_widths(page, screenshot_dir, "mine")

    with page.expect_download() as download:
        page.click("[data-testid=certificate]")
    pdf = Path(download.value.path()).read_bytes()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    reg = Registration.objects.get(user__username="hongshan_clerk")
    assert reg.certificate_code and reg.certificate_code in text and course.title in text

    # A visitor (no login) checks the code on the public page.
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    public = visitor.new_page()
    public.goto(base + "/training/verify/")
    public.fill("input[name=code]", reg.certificate_code)
    public.click("form.filters button")
    result = public.inner_text("[data-testid=verify-result]")
    assert "真实有效" in result and reg.trainee_name in result and course.title in result
    _both_widths(public, screenshot_dir, "verify")
    visitor.close()
