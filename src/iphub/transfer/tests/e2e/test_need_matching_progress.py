"""An enterprise posts a need and sees its matches appear without reloading: the
page shows the matching state while it runs and updates itself when it is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from iphub.core.models import User
from iphub.patents.models import Patent
from iphub.transfer.models import Match, MatchingStatus, TechnologyNeed
from iphub.transfer.services.matches import need_matching_run
from iphub.transfer.tests.conftest import need_data
from iphub.transfer.tests.e2e.test_need_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_posted_needs_matches_appear_without_reloading(
    live_server: Any,
    page: Any,
    cast: dict[str, User],
    corpus: dict[int, Patent],
    screenshot_dir: Path,
) -> None:
    data = need_data()
    _login(page, live_server.url, "wuhan_enterprise")
    page.goto(live_server.url + "/transfer/needs/new/")
    form = page.locator("[data-testid=need-form]")
    form.locator("input[name=title]").fill(data["title"])
    form.locator("textarea[name=description]").fill(data["description"])
    form.locator("input[name=ipc_codes]").fill("H01M")
    form.locator("input[value=transfer]").check()
    form.locator("input[name=deadline]").fill(data["deadline"])
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=need-title]")
    # Tests run tasks inline: matching finished before the page was drawn.
    progress = page.locator("[data-testid=job-progress]")
    assert progress.get_attribute("data-job-state") == "done"
    assert progress.get_attribute("hx-get") is None
    assert page.locator("[data-testid=match-title]").first.inner_text() == corpus[1].title

    # The same page while matching is still to run (as under the threaded
    # backend): it says so, polls, and shows the matches once they are stored.
    need = TechnologyNeed.objects.get(title=data["title"])
    Match.objects.filter(need=need).delete()
    TechnologyNeed.objects.filter(pk=need.pk).update(
        matching_status=MatchingStatus.QUEUED, matching_progressed_at=timezone.now()
    )
    page.reload()
    assert progress.get_attribute("data-job-state") == "queued"
    assert "正在为您匹配专利" in page.inner_text("[data-testid=matches]")
    page.screenshot(path=str(screenshot_dir / "transfer_need_matching.png"), full_page=True)
    url = page.url
    need_matching_run(need_id=need.pk)
    page.wait_for_selector("[data-testid=match-title]", timeout=15_000)
    assert page.url == url
    assert page.locator("[data-testid=job-progress]").get_attribute("data-job-state") == "done"
    assert page.locator("[data-testid=match-title]").first.inner_text() == corpus[1].title
    page.screenshot(path=str(screenshot_dir / "transfer_need_matched.png"), full_page=True)
