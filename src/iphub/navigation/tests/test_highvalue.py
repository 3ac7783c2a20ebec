"""High-value classification, one criterion at a time (DOMAIN.md's five categories)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.navigation import services
from iphub.navigation.highvalue import criteria_of
from iphub.patents.services import legal_event_append

pytestmark = pytest.mark.django_db(transaction=True)


def test_strategic_and_long_maintained_come_from_the_records(patents: dict[int, int]) -> None:
    got = criteria_of(list(patents.values()))
    # 1: in-force H01M invention of 2021 -> strategic only; 6: filed 2010, in force.
    assert got[patents[1]] == ["strategic"]
    assert got[patents[6]] == ["strategic", "long_maintained"]
    # 2, 4 under examination; 3 a utility model; 5 a car seat (B60N is not listed).
    assert patents[2] not in got and patents[3] not in got and patents[4] not in got
    assert patents[5] not in got  # B60N (seats) is not a strategic emerging industry


def test_long_maintained_needs_the_patent_in_force(patents: dict[int, int]) -> None:
    legal_event_append(
        actor=None, patent_id=patents[6], kind="lapsed", date=None, status="失效-未缴年费"
    )
    assert patents[6] not in criteria_of([patents[6]])


def test_maintained_ten_years_counts_from_the_filing_date(patents: dict[int, int]) -> None:
    assert criteria_of([patents[6]], today=dt.date(2020, 1, 9)) == {patents[6]: ["strategic"]}
    assert "long_maintained" in criteria_of([patents[6]], today=dt.date(2020, 1, 11))[patents[6]]


def test_registered_pledge_counts(patents: dict[int, int]) -> None:
    legal_event_append(actor=None, patent_id=patents[1], kind="pledged", date=dt.date(2024, 1, 2))
    assert criteria_of([patents[1]])[patents[1]] == ["strategic", "pledge"]


def test_staff_lists_feed_foreign_family_and_awards(
    patents: dict[int, int], cast: dict[str, Any]
) -> None:
    for criterion in ("foreign_family", "award"):
        services.evidence_add(
            actor=cast["supervisor"], patent_id=patents[1], criterion=criterion, source_note="依据"
        )
    assert criteria_of([patents[1]])[patents[1]] == ["strategic", "foreign_family", "award"]


def test_evidence_rules(patents: dict[int, int], cast: dict[str, Any]) -> None:
    with pytest.raises(AccessDenied):
        services.evidence_add(
            actor=cast["enterprise"], patent_id=patents[1], criterion="award", source_note="x"
        )
    with pytest.raises(ApplicationError) as exc:
        services.evidence_add(
            actor=cast["supervisor"], patent_id=patents[1], criterion="strategic", source_note="x"
        )
    assert "criterion" in exc.value.fields
    with pytest.raises(ApplicationError) as exc:
        services.evidence_add(
            actor=cast["supervisor"], patent_id=patents[1], criterion="award", source_note=" "
        )
    assert "source_note" in exc.value.fields
