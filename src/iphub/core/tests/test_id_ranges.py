"""IdRanges: the ids an import announces, kept as runs of consecutive ids."""

from __future__ import annotations

from array import array
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iphub.core.id_ranges import JSON_RUN_MIN, IdRanges


def test_a_fresh_load_is_one_run() -> None:
    ids = IdRanges(array("q", range(1, 1_000_001)))
    assert len(ids) == 1_000_000 and ids.ranges() == [(1, 1_000_000)]
    assert ids.to_json() == [[1, 1_000_000]]
    assert 1 in ids and 1_000_000 in ids and 0 not in ids and 1_000_001 not in ids


def test_sorted_distinct_from_any_order() -> None:
    ids = IdRanges([5, 3, 4, 4, 10, 21, 20])
    assert list(ids) == [3, 4, 5, 10, 20, 21]
    assert ids.ranges() == [(3, 5), (10, 10), (20, 21)]
    assert not IdRanges() and len(IdRanges(array("q"))) == 0


def test_chunks_cut_runs_to_size() -> None:
    ids = IdRanges([*range(1, 8), 20, 21])
    assert [list(c) for c in ids.chunks(3)] == [[1, 2, 3], [4, 5, 6], [7, 20, 21]]


@pytest.mark.django_db
def test_q_selects_the_ids(cast: dict[str, Any]) -> None:
    from iphub.core.models import User

    pks = sorted(User.objects.values_list("pk", flat=True))
    wanted = IdRanges([pks[0], *pks[2:]])
    chosen = User.objects.filter(wanted.q("pk")).values_list("pk", flat=True)
    assert sorted(chosen) == [pks[0], *pks[2:]]
    assert not User.objects.filter(IdRanges().q("pk")).exists()


@given(st.lists(st.integers(min_value=1, max_value=200), max_size=80))
def test_json_round_trip(values: list[int]) -> None:
    ids = IdRanges(values)
    assert list(ids) == sorted(set(values))
    assert IdRanges.from_json(ids.to_json()) == ids
    assert sum(len(c) for c in ids.chunks(7)) == len(ids)
    long_runs = [r for r in ids.to_json() if isinstance(r, list)]
    assert all(last - first + 1 >= JSON_RUN_MIN for first, last in long_runs)
    # Plain lists of ids, as runs stored before, read back as they are.
    assert list(IdRanges.from_json(sorted(set(values)))) == sorted(set(values))
