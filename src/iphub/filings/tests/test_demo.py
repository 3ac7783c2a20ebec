"""The demo filings of ``make run``: every state a clerk or an applicant can meet,
on the board an overdue and a due-today filing, registered pledges on the
enterprise's own patents; loading twice creates nothing new."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core import demo as core_demo
from iphub.core.models import User
from iphub.filings import demo
from iphub.filings.models import Filing, FilingEvent, FilingKind, FilingState
from iphub.filings.selectors import filing_board, pledges_registered
from iphub.patents.names import applicant_key


@pytest.fixture
def loaded(db: Any) -> list[str]:
    core_demo.demo_load()
    return demo.demo_load()


def test_every_state_of_the_workflow_appears(loaded: list[str]) -> None:
    states = set(Filing.objects.values_list("state", flat=True))
    assert states == set(FilingState.values)
    kinds = set(Filing.objects.values_list("kind", flat=True))
    assert {FilingKind.PATENT_PLEDGE, FilingKind.PATENT_LICENCE, FilingKind.PATENT_PRODUCT} <= kinds
    assert len(loaded) == 2 and "已登记" in loaded[0]


def test_board_shows_overdue_and_due_today_for_each_city(loaded: list[str]) -> None:
    for clerk in ("wuhan_clerk", "yichang_clerk"):
        rows = filing_board(user=User.objects.get(username=clerk))
        assert len(rows) == 1
        assert rows[0].overdue and rows[0].due_today


def test_pledges_are_on_the_enterprises_own_patents(loaded: list[str]) -> None:
    pledges = Filing.objects.filter(kind=FilingKind.PATENT_PLEDGE).select_related(
        "organisation", "patent"
    )
    assert pledges
    for f in pledges:
        assert f.holder_name == f.organisation.name
        assert f.patent is not None
        assert applicant_key(f.organisation.name) in [applicant_key(a) for a in f.patent.applicants]


def test_registered_pledges_feed_finance_and_one_was_late(loaded: list[str]) -> None:
    bank_view = pledges_registered(user=User.objects.get(username="province_supervisor"))
    assert bank_view.count() >= 4
    assert Filing.objects.filter(late=True, state=FilingState.CANCELLED).exists()
    returned = Filing.objects.get(state=FilingState.RETURNED, region_id="420100")
    assert "公章" in returned.return_reasons


def test_loading_twice_creates_nothing(loaded: list[str]) -> None:
    counts = (Filing.objects.count(), FilingEvent.objects.count())
    again = demo.demo_load()
    assert (Filing.objects.count(), FilingEvent.objects.count()) == counts
    assert "新建演示场景 0 个" in again[0]
