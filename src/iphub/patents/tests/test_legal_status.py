"""The words of a legal-status change file and the status a history implies (issue 24);
no database."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iphub.patents.legal_status import EventFact, event_kind_from_text, status_from_events


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("授权", "granted"),
        ("专利权的终止", "lapsed"),
        ("未缴年费专利权终止", "lapsed"),
        ("专利权期限届满终止", "expired"),
        ("专利权全部无效", "invalidated"),
        ("专利申请权、专利权的转移", "transferred"),
        ("转让", "transferred"),
        ("专利权质押合同登记的生效", "pledged"),
        ("专利权质押合同登记的注销", "pledge_released"),
        ("专利实施许可合同备案的生效", "licensed"),
        ("开放许可", "open_licence"),
        ("发明专利申请公布后的视为撤回", "status"),
        ("Pledge", "pledged"),
        ("licensed", "licensed"),
        ("专利权部分无效", None),
        ("实质审查的生效", None),
        ("", None),
    ],
)
def test_change_words_name_a_kind(words: str, kind: str | None) -> None:
    assert event_kind_from_text(words) == kind


D = dt.date


def test_the_latest_dated_decisive_event_sets_the_status() -> None:
    grant = EventFact("granted", D(2020, 1, 1))
    lapse = EventFact("lapsed", D(2023, 1, 1))
    assert status_from_events([grant], "审中") == "有权-授权"
    # A file that brings an older grant after the lapse does not revive the patent.
    assert status_from_events([lapse, grant], "审中") == "失效-权利终止"
    assert status_from_events([EventFact("pledged", D(2024, 1, 1))], "有效") == "有效"
    withdrawn = EventFact("status", D(2022, 1, 1), "发明专利申请公布后的视为撤回")
    assert status_from_events([withdrawn], "审中") == "失效-视为撤回"
    assert status_from_events([EventFact("status", None, "有效")], "有效") == "有效"


_facts = st.lists(
    st.builds(
        EventFact,
        st.sampled_from(["granted", "lapsed", "expired", "invalidated", "pledged", "licensed"]),
        st.one_of(st.none(), st.dates(D(2000, 1, 1), D(2030, 1, 1))),
    ),
    max_size=6,
)


@given(_facts)
def test_the_status_does_not_depend_on_the_order_events_arrive_in(
    facts: list[EventFact],
) -> None:
    statuses = {
        status_from_events(list(p), "审中")
        for p in itertools.islice(itertools.permutations(facts), 24)
    }
    assert len(statuses) <= 1
