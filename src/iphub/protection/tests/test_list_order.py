"""Lists of campaigns and stations come in the order their pages promise, even
though each row carries a count (Django drops a model's default ordering from
a query with an aggregate)."""

from __future__ import annotations

import datetime as dt

import pytest

from iphub.core.models import Region, User
from iphub.protection import selectors
from iphub.protection.models import Campaign, Workstation

pytestmark = pytest.mark.django_db


def test_campaigns_latest_first(cast: dict[str, User]) -> None:
    hongshan = Region.objects.get(code="420111")
    for month in (3, 9, 5):
        Campaign.objects.create(
            name=f"{month} 月专项行动",
            region=hongshan,
            starts_on=dt.date(2026, month, 1),
            ends_on=dt.date(2026, month, 28),
        )
    listed = selectors.campaign_list(user=cast["wuhan_enforcer"])
    assert [c.starts_on.month for c in listed] == [9, 5, 3]


def test_stations_by_district_then_name(cast: dict[str, User]) -> None:
    # Digits in the names: the same order under any database collation.
    made = [("420111", "2号站"), ("420102", "3号站"), ("420111", "1号站")]
    for code, name in made:
        Workstation.objects.create(name=name, kind="park", region=Region.objects.get(code=code))
    managed = selectors.workstation_managed(user=cast["wuhan_enforcer"])
    assert [(s.region_id, s.name) for s in managed] == sorted(made)
    public = selectors.workstation_list(region_code="420100")
    assert [(s.region_id, s.name) for s in public] == sorted(made)
