"""The public list of docking events shows the latest first (its page keeps the
first 100), although each row carries a count of pairs."""

from __future__ import annotations

import datetime as dt

import pytest

from iphub.core.models import Region
from iphub.transfer import selectors
from iphub.transfer.models import DockingEvent


@pytest.mark.django_db
def test_events_latest_first(regions: None) -> None:
    wuhan = Region.objects.get(code="420100")
    for month in (3, 9, 5):
        DockingEvent.objects.create(
            title=f"{month} 月光电子信息对接会",
            industry_chain="光电子信息",
            date=dt.date(2026, month, 15),
            region=wuhan,
        )
    assert [e.date.month for e in selectors.event_list()] == [9, 5, 3]
