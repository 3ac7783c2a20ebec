"""The words of a legal-status change file and the status a history implies (issue 24);
no database."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iphub.patents.legal_status import (
    EventFact,
    event_kind_from_text,
    record_status,
    snapshot_date,
    status_from_events,
    status_over_snapshot,
)


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
        ("发明专利申请公布后的视为撤回", "withdrawn"),
        ("Pledge", "pledged"),
        ("licensed", "licensed"),
        # CNIPA's wording of every kind a change file brings.
        ("实质审查的生效", "examination"),
        ("实质审查请求的生效", "examination"),
        ("专利权部分无效", "partly_invalidated"),
        ("宣告专利权部分无效", "partly_invalidated"),
        ("专利权全部无效", "invalidated"),
        ("专利实施许可合同备案的注销", "licence_cancelled"),
        ("专利实施许可合同备案的解除", "licence_cancelled"),
        ("专利实施许可合同备案的变更", "licence_changed"),
        ("专利权质押合同登记的变更", "pledge_changed"),
        ("专利权人的姓名或者名称、地址的变更", "particulars_changed"),
        ("著录事项变更", "particulars_changed"),
        ("发明专利申请公布后的驳回", "rejected"),
        ("视为撤回", "withdrawn"),
        ("发明专利申请公布后的撤回", "withdrawn"),
        ("视为放弃", "abandoned"),
        ("专利权的主动放弃", "abandoned"),
        ("避免重复授予专利权放弃专利权", "abandoned"),
        ("恢复", "restored"),
        ("专利权的恢复", "restored"),
        ("权利的恢复", "restored"),
        ("发明专利申请公布", "published"),
        ("发明专利权授予", "granted"),
        # Read, and refused with the row's error rather than taken for another kind.
        ("无效宣告请求", None),
        ("开放许可声明的撤回", None),
        ("费用减缴", None),
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
    assert status_from_events([withdrawn], "审中") == "失效-视为撤回"  # a legacy event
    assert status_from_events([EventFact("status", None, "有效")], "有效") == "有效"


KINDS = [
    "examination",
    "granted",
    "lapsed",
    "expired",
    "invalidated",
    "partly_invalidated",
    "rejected",
    "withdrawn",
    "abandoned",
    "restored",
    "pledged",
    "licensed",
    "licence_cancelled",
]


@pytest.mark.parametrize(
    ("kind", "detail", "before", "after"),
    [
        # 实质审查的生效 moves an application under way, never a granted or ended record.
        ("examination", "", "审中-公开", "审中-实质审查"),
        ("examination", "", "", "审中-实质审查"),
        ("examination", "", "有权-审定授权", "有权-审定授权"),
        ("examination", "", "失效-视为撤回", "失效-视为撤回"),
        # 部分无效: the patent stays in force; the status is not touched.
        ("partly_invalidated", "宣告专利权部分无效", "有权-审定授权", "有权-审定授权"),
        ("invalidated", "宣告专利权全部无效", "有权-审定授权", "失效-宣告无效"),
        # Licences, pledges and particulars change no status.
        ("licence_cancelled", "", "有权-审定授权", "有权-审定授权"),
        ("licence_changed", "", "有权-审定授权", "有权-审定授权"),
        ("pledge_changed", "", "有权-审定授权", "有权-审定授权"),
        ("particulars_changed", "", "有权-审定授权", "有权-审定授权"),
        ("transferred", "", "有权-审定授权", "有权-审定授权"),
        # Endings, in the file's words.
        ("rejected", "发明专利申请公布后的驳回", "审中-实质审查", "失效-驳回"),
        ("withdrawn", "发明专利申请公布后的视为撤回", "审中-实质审查", "失效-视为撤回"),
        ("withdrawn", "发明专利申请公布后的撤回", "审中-实质审查", "失效-撤回"),
        ("abandoned", "视为放弃取得专利权", "审中-实质审查", "失效-视为放弃"),
        ("abandoned", "专利权的主动放弃", "有权-审定授权", "失效-放弃"),
        ("lapsed", "未缴年费专利权终止", "有权-审定授权", "失效-权利终止"),
        # 恢复 undoes an ending by a missed time limit, and nothing else.
        ("restored", "", "失效-未缴年费", "有权-权利恢复"),
        ("restored", "", "失效-视为撤回", "审中-权利恢复"),
        ("restored", "", "失效-期限届满", "失效-期限届满"),
        ("restored", "", "失效-宣告无效", "失效-宣告无效"),
        ("restored", "", "失效-驳回", "失效-驳回"),
        ("restored", "", "有权-审定授权", "有权-审定授权"),
    ],
)
def test_each_kind_moves_the_status_as_the_law_says(
    kind: str, detail: str, before: str, after: str
) -> None:
    assert status_from_events([EventFact(kind, D(2024, 3, 1), detail)], before) == after


def test_a_restoration_returns_what_the_ending_took() -> None:
    grant = EventFact("granted", D(2020, 1, 1))
    lapse = EventFact("lapsed", D(2023, 1, 1), "未缴年费专利权终止")
    back = EventFact("restored", D(2023, 6, 1), "权利的恢复")
    assert status_from_events([grant, lapse, back], "审中") == "有权-权利恢复"
    # An examination whose date comes after a withdrawal revives nothing ...
    withdrawn = EventFact("withdrawn", D(2022, 1, 1), "视为撤回")
    exam = EventFact("examination", D(2022, 2, 1))
    assert status_from_events([withdrawn, exam], "审中-公开") == "失效-视为撤回"
    # ... a restoration does, and the examination after it moves it on.
    again = EventFact("restored", D(2022, 1, 20))
    assert status_from_events([withdrawn, again, exam], "审中-公开") == "审中-实质审查"
    # A grant older than the examination is not undone by it.
    early = EventFact("examination", D(2019, 1, 1))
    assert status_from_events([grant, early], "") == "有权-授权"


_facts = st.lists(
    st.builds(
        EventFact,
        st.sampled_from(KINDS),
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


@given(_facts, st.sampled_from(["审中", "审中-公开", "有权-审定授权", "失效-未缴年费", ""]))
def test_replaying_a_history_over_its_own_result_changes_nothing(
    facts: list[EventFact], current: str
) -> None:
    # A re-run of the same file recomputes from the status the first run wrote.
    once = status_from_events(facts, current)
    assert status_from_events(facts, once) == once


def test_a_grant_keeps_the_words_of_a_record_already_in_force() -> None:
    grant = EventFact("granted", D(2022, 1, 1))
    assert status_from_events([grant], "有权-审定授权") == "有权-审定授权"
    assert status_from_events([grant], "审中-实质审查") == "有权-授权"


@pytest.mark.parametrize(
    ("snapshot", "as_of", "events", "expected"),
    [
        # A lapse after the row's latest date is news: the weekly file's 有权 yields.
        ("有权-审定授权", D(2022, 4, 1), [EventFact("lapsed", D(2024, 1, 10))], "失效-权利终止"),
        # A lapse the row's dates already pass is in the snapshot (or was undone).
        ("有权-审定授权", D(2025, 6, 1), [EventFact("lapsed", D(2024, 1, 10))], "有权-审定授权"),
        # An old grant never revives a row that says it ended.
        ("失效-未缴年费", D(2025, 6, 1), [EventFact("granted", D(2023, 5, 10))], "失效-未缴年费"),
        # ... but moves a row that still says 审中 beside its own grant date.
        ("审中-实质审查", D(2024, 4, 5), [EventFact("granted", D(2024, 4, 5))], "有权-授权"),
        # A restoration after the row's lapse brings it back.
        ("失效-未缴年费", D(2022, 8, 1), [EventFact("restored", D(2026, 3, 1))], "有权-权利恢复"),
        # No date on the row: every dated event is replayed.
        ("审中-实质审查", None, [EventFact("granted", D(2020, 1, 2))], "有权-授权"),
    ],
)
def test_a_snapshot_yields_only_to_what_it_could_not_know(
    snapshot: str, as_of: dt.date | None, events: list[EventFact], expected: str
) -> None:
    assert status_over_snapshot(snapshot, as_of, events) == expected


def test_the_snapshot_date_is_the_latest_date_the_row_proves() -> None:
    extra = {"lapse_date": "2025.06.01", "certificate_date": "不详", "invalidation_date": ""}
    assert snapshot_date([D(2021, 3, 15), None, D(2022, 4, 1)], extra) == D(2025, 6, 1)
    assert snapshot_date([None], {"substantive_exam_date": "20230418"}) == D(2023, 4, 18)
    assert snapshot_date([], {"lapse_date": "2025-02-30"}) is None  # no such day


def test_a_record_without_an_imported_snapshot_is_replayed_from_its_status() -> None:
    facts = [EventFact("lapsed", D(2024, 1, 10), source="change_file")]
    assert record_status(facts, "有权-审定授权") == "失效-权利终止"
    with_snapshot = [
        EventFact("status", None, "失效-未缴年费", "import"),
        EventFact("granted", D(2022, 8, 1), source="import"),
        EventFact("examination", D(2021, 9, 1), source="change_file"),
    ]
    # The current text is not what counts once the row's snapshot is known.
    assert record_status(with_snapshot, "有权-授权") == "失效-未缴年费"
