"""A chain's page follows its analysis with the shared progress partial: it polls
while queued or running, shows a failure's reason once, reloads when done, and an
analysis queued long ago and never started says so instead of waiting forever."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from iphub.core.models import User
from iphub.navigation.models import Analysis, AnalysisStatus, IndustryChain

pytestmark = pytest.mark.django_db


def _analysis(chain: IndustryChain, **fields: Any) -> Analysis:
    return Analysis.objects.create(chain=chain, title=chain.name, query=chain.query, **fields)


def _page(client: Any, user: User, chain: IndustryChain) -> str:
    client.force_login(user)
    return str(client.get(f"/navigation/chains/{chain.pk}/").content.decode())


def test_a_running_analysis_polls_with_its_percent_and_step(
    client: Any, cast: dict[str, User], chain: IndustryChain
) -> None:
    job = _analysis(chain, status=AnalysisStatus.RUNNING, progress=40, message="统计地区分布")
    page = _page(client, cast["supervisor"], chain)
    assert 'data-job-state="running"' in page and "分析中" in page
    assert "40%" in page and "统计地区分布" in page
    assert f'hx-get="/navigation/analyses/{job.pk}/progress/"' in page


def test_a_failed_analysis_says_why_once_and_stops_polling(
    client: Any, cast: dict[str, User], chain: IndustryChain
) -> None:
    _analysis(chain, status=AnalysisStatus.FAILED, message="检索式有误：缺少右括号")
    page = _page(client, cast["supervisor"], chain)
    assert 'data-job-state="failed"' in page and page.count("检索式有误：缺少右括号") == 1
    assert "hx-get" not in page


def test_a_finished_analysis_reloads_the_page_when_polled(
    client: Any, cast: dict[str, User], chain: IndustryChain
) -> None:
    job = _analysis(chain, status=AnalysisStatus.DONE, progress=100)
    client.force_login(cast["supervisor"])
    resp = client.get(f"/navigation/analyses/{job.pk}/progress/", headers={"HX-Request": "1"})
    assert resp["HX-Refresh"] == "true" and "hx-get" not in resp.content.decode()


def test_an_analysis_queued_long_ago_and_never_started_is_shown_stalled(
    client: Any, cast: dict[str, User], chain: IndustryChain
) -> None:
    job = _analysis(chain)
    Analysis.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    page = _page(client, cast["supervisor"], chain)
    assert 'data-job-state="stalled"' in page and "后台任务可能已中断" in page
    assert "hx-get" not in page
