"""Browser journey: an enforcement officer opens a flagged group, sees the shared
passages highlighted side by side, and confirms it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import PASSWORD
from iphub.core.models import AuditEntry, User
from iphub.protection.models import FlaggedGroup, GroupKind, GroupStatus
from iphub.protection.services.screening import screening_run_create, screening_run_execute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_confirms_a_flagged_group(
    live_server: Any, page: Any, corpus: dict[int, int], cast: dict[str, User], screenshot_dir: Path
) -> None:
    screening_run_execute(screening_run_create(actor=cast["wuhan_enforcer"]).pk)
    group = FlaggedGroup.objects.get(kind=GroupKind.NEAR_DUPLICATE, region__code="420111")

    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "wuhan_enforcer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/workspace/")
    page.goto(live_server.url + "/protection/screening/")
    rows = page.locator("[data-testid=group-row]")
    assert rows.count() == 1  # Yichang's group is not in a Wuhan officer's list
    rows.first.locator("a").click()
    page.wait_for_selector("[data-testid=right] mark[data-testid=shared]")

    left = page.locator("[data-testid=left] mark[data-testid=shared]")
    right = page.locator("[data-testid=right] mark[data-testid=shared]")
    assert left.count() >= 1 and right.count() >= 1
    # The longest highlighted passage reads the same on both sides.
    longest_left = max(left.all_inner_texts(), key=len)
    assert len(longest_left) >= 30 and longest_left in right.all_inner_texts()
    page.screenshot(path=str(screenshot_dir / "protection_group_side_by_side.png"), full_page=True)

    page.fill("input[name=note]", "同一申请人、同一代理机构的重复申请")
    page.click("[data-testid=confirm]")
    assert page.inner_text("[data-testid=status]") == GroupStatus.CONFIRMED.label
    group.refresh_from_db()
    assert group.status == GroupStatus.CONFIRMED
    assert AuditEntry.objects.filter(
        action="flagged_group_confirm", object_id=str(group.pk)
    ).exists()
