"""Case counts for supervision: per region and month, readable by supervisors,
scoped to the reader's region, and never the case files themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from iphub.core.errors import AccessDenied
from iphub.core.models import Region, User
from iphub.protection import selectors
from iphub.protection.models import Case
from iphub.protection.services.enforcement import case_create, case_transition

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)


def filed(officer: User, region: str, on: dt.date, title: str = "商标侵权") -> Case:
    case = case_create(
        actor=officer, title=title, case_type="trademark_infringement", region_code=region
    )
    case_transition(actor=officer, case=case, target="filed")
    Case.objects.filter(pk=case.pk).update(filed_on=on)  # as if filed on that day
    return case


@pytest.fixture
def cases(cast: dict[str, User], yichang_enforcer: User) -> None:
    wuhan = cast["wuhan_enforcer"]
    filed(wuhan, "420100", dt.date(2026, 5, 6))
    filed(wuhan, "420111", dt.date(2026, 5, 20))
    filed(wuhan, "420111", dt.date(2026, 4, 30))  # April
    case_create(actor=wuhan, title="仅线索", case_type="gi_misuse", region_code="420100")
    filed(yichang_enforcer, "420500", dt.date(2026, 5, 8))


def test_counts_per_region_and_month(cast: dict[str, User], cases: None) -> None:
    rows = selectors.case_counts(user=cast["supervisor"], start=dt.date(2026, 4, 1),
                                 end=dt.date(2026, 5, 31))  # fmt: skip
    assert rows == [
        ("420000/420100", "2026-05", 1),
        ("420000/420100/420111", "2026-04", 1),
        ("420000/420100/420111", "2026-05", 1),
        ("420000/420500", "2026-05", 1),
    ]


def test_counts_are_scoped_to_the_readers_region(
    cast: dict[str, User], cases: None, yichang_enforcer: User
) -> None:
    may = {"start": MAY, "end": dt.date(2026, 5, 31)}
    yichang = selectors.case_counts(user=cast["yichang_supervisor"], **may)
    assert yichang == [("420000/420500", "2026-05", 1)]
    wuhan = selectors.case_counts(user=cast["wuhan_enforcer"], **may)
    assert sum(n for _, _, n in wuhan) == 2
    for who in ("wuhan_clerk", "enterprise"):
        with pytest.raises(AccessDenied):
            selectors.case_counts(user=cast[who], **may)


def test_supervisor_reads_counts_but_not_the_cases(
    client: Client, cast: dict[str, User], cases: None
) -> None:
    supervisor = cast["supervisor"]
    with pytest.raises(AccessDenied):
        selectors.case_list(user=supervisor)
    client.force_login(supervisor)
    assert client.get("/protection/cases/").status_code == 403


def test_province_supervisors_enforcement_indicator_counts_the_cases(
    cast: dict[str, User], cases: None
) -> None:
    from iphub.supervision import indicators

    regions = list(Region.objects.filter(code__in=["420000", "420100", "420500"]))
    values = indicators.compute(
        "enforcement_cases", user=cast["supervisor"], regions=regions, month=MAY
    )
    assert {code: v.value for code, v in values.items()} == {
        "420000": 3,
        "420100": 2,
        "420500": 1,
    }
