"""Supervision pages in words (issue 16): indicator names on the plan, history
steps on a report, and the same pages in English."""

from __future__ import annotations

import re
from typing import Any

import pytest

from iphub.core.models import User
from iphub.portal.tests.codewords import code_words, english, visible_text
from iphub.supervision.models import PlanTask

pytestmark = pytest.mark.usefixtures("plan")


def test_plan_page_names_indicators_in_chinese(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["supervisor"])
    page = client.get("/supervision/plan/").content.decode()
    text = visible_text(page)
    assert "指标：导航覆盖产业链（累计）" in text
    assert "chains_covered" not in text and "pledge_count" not in text
    assert code_words(page, allow=[u.username for u in cast.values()]) == []


def test_plan_page_in_english_names_indicators_in_english(
    client: Any, cast: dict[str, User]
) -> None:
    client.force_login(cast["supervisor"])
    with english(client):
        text = visible_text(client.get("/supervision/plan/").content.decode())
    assert "Industry chains covered by navigation (cumulative)" in text
    assert "导航覆盖产业链" not in text


def test_report_history_says_each_step_in_words(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["yichang_supervisor"])
    url = client.post("/supervision/reports/start/", {"region": "420500", "month": "2026-05"})[
        "Location"
    ]
    report_id = int(url.rstrip("/").rsplit("/", 1)[1])
    task = PlanTask.objects.get(number="二")
    client.post(url, {f"work_{task.pk}": "导航", "typical_case_count": "1"})
    client.post(f"/supervision/reports/{report_id}/act/", {"action": "submit"})
    client.force_login(cast["supervisor"])
    client.post(
        f"/supervision/reports/{report_id}/act/", {"action": "return", "reason": "补充数据"}
    )
    page = client.get(url).content.decode()
    history = re.search(r'data-testid="history">(.*?)</ul>', page, re.S)
    assert history is not None
    text = visible_text(history.group(1))
    assert "报送" in text and "退回修改 补充数据" in text
    assert "submit" not in text and "return" not in text
