"""The demo monthly reports of ``make run``: past months reported by Wuhan and
Yichang, one late, one returned with its reason, scores computed from them and
from the demo filings; loading twice creates nothing new."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core import demo as core_demo
from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import Region, User
from iphub.filings import demo as filings_demo
from iphub.supervision import demo, scoring
from iphub.supervision.models import MonthlyReport, ReportEvent, ReportState


@pytest.fixture
def loaded(db: Any, settings: Any, tmp_path: Any) -> list[str]:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.MEDIA_ROOT = tmp_path / "media"
    core_demo.demo_load()
    filings_demo.demo_load()
    return demo.demo_load()


def _last_month() -> Any:
    return MonthlyReport.objects.order_by("-month").values_list("month", flat=True)[0]


def test_past_months_reported_one_late_one_returned(loaded: list[str]) -> None:
    assert MonthlyReport.objects.filter(region_id="420100").count() == 4
    assert MonthlyReport.objects.filter(region_id="420500").count() == 4
    returned = MonthlyReport.objects.get(state=ReportState.RETURNED)
    assert returned.region_id == "420500" and returned.month == _last_month()
    assert "处罚结果" in returned.return_reason
    late = MonthlyReport.objects.get(late=True)
    assert late.region_id == "420500" and late.state == ReportState.ACCEPTED
    submit = ReportEvent.objects.get(report=late, action="submit")
    assert submit.at.astimezone(LOCAL_TZ).day == 28  # dated when it was sent, after the 20th
    pending = MonthlyReport.objects.get(region_id="420100", month=_last_month())
    assert pending.state == ReportState.SUBMITTED


def test_scores_follow_from_the_reports_and_the_filings(loaded: list[str]) -> None:
    province = User.objects.get(username="province_supervisor")
    cities = list(Region.objects.filter(code__in=["420100", "420500"]))
    late_month = MonthlyReport.objects.get(late=True).month
    scores = {
        s.region.code: s
        for s in scoring.monthly_scores(user=province, regions=cities, month=late_month)
    }
    assert scores["420500"].late and scores["420500"].penalty > 0
    assert not scores["420100"].late and scores["420100"].base > 0
    assert "武汉市" in loaded[0] and "分" in loaded[0]


def test_loading_twice_creates_nothing(loaded: list[str]) -> None:
    counts = (MonthlyReport.objects.count(), ReportEvent.objects.count())
    again = demo.demo_load()
    assert (MonthlyReport.objects.count(), ReportEvent.objects.count()) == counts
    assert "新建演示月报 0 份" in again[0]
