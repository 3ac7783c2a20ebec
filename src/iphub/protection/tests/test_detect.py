"""The detectors on in-memory records: planted copies found with the right score,
look-alikes not, MinHash close to the exact Jaccard, bursts against the norm."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from iphub.protection.screening.detect import (
    ScreeningDoc,
    ScreeningParams,
    find_bulk_filings,
    find_near_duplicates,
    find_split_filings,
)
from iphub.protection.screening.evidence import highlight, shared_passages
from iphub.protection.screening.minhash import estimate, signatures
from iphub.protection.screening.text import (
    exact_jaccard,
    normalise,
    screening_text,
    shingle_hashes,
)
from iphub.protection.tests.conftest import BASE, LOOKALIKE, edit


def doc(i: int, text: str, applicant: str = "甲公司", **kw: object) -> ScreeningDoc:
    return ScreeningDoc(id=i, title="", abstract=text, applicant_keys=frozenset({applicant}), **kw)  # type: ignore[arg-type]


def test_normalise_folds_width_punctuation_and_boilerplate() -> None:
    assert normalise("本发明公开了一种ＡＢＣ，电池。 X") == "abc电池x"


def test_planted_copies_cluster_with_exact_jaccard_and_lookalike_stays_out() -> None:
    docs = [doc(1, BASE), doc(2, edit(BASE, 40)), doc(3, edit(BASE, 25)), doc(4, LOOKALIKE)]
    result = find_near_duplicates(docs)
    assert [c.members for c in result.clusters] == [[1, 2, 3]]
    expected = exact_jaccard(
        shingle_hashes(screening_text(title="", abstract=BASE)),
        shingle_hashes(screening_text(title="", abstract=edit(BASE, 40))),
    )
    pair = next(p for p in result.clusters[0].pairs if (p.a, p.b) == (1, 2))
    assert abs(pair.jaccard - expected) < 1e-4 and 0.8 < pair.jaccard < 0.95


def test_unrelated_applicants_need_a_near_verbatim_copy() -> None:
    moderately_edited = [doc(1, BASE, "甲公司"), doc(2, edit(BASE, 12), "乙公司")]
    minhash_only = ScreeningParams(edited_copies=False)
    assert find_near_duplicates(moderately_edited, params=minhash_only).clusters == []
    # The edited-copy stage (issue 24; on in production), with its aligned
    # passages, flags the moderately edited copy between strangers, not a heavy edit.
    (found,) = find_near_duplicates(moderately_edited).clusters
    assert [p.stage for p in found.pairs] == ["edited"] and found.pairs[0].aligned >= 0.6
    heavily_edited = [doc(1, BASE, "甲公司"), doc(2, edit(BASE, 3), "乙公司")]
    assert find_near_duplicates(heavily_edited).clusters == []
    # The MinHash stage flags the same copy once both filings share an agency
    # (related parties, lower threshold).
    linked = [
        doc(1, BASE, "甲公司", agency="某代理所"),
        doc(2, edit(BASE, 12), "乙公司", agency="某代理所"),
    ]
    (cluster,) = find_near_duplicates(linked, params=minhash_only).clusters
    assert cluster.pairs[0].shared_agency and not cluster.pairs[0].same_applicant
    assert cluster.pairs[0].stage == "minhash"


def test_dismissed_pair_is_not_flagged_again() -> None:
    docs = [doc(1, BASE), doc(2, edit(BASE, 40))]
    assert find_near_duplicates(docs, excluded_pairs={(1, 2)}).clusters == []


def test_incremental_screening_only_reports_pairs_touching_new_records() -> None:
    docs = [doc(1, BASE), doc(2, edit(BASE, 40)), doc(3, LOOKALIKE), doc(4, edit(LOOKALIKE, 30))]
    (cluster,) = find_near_duplicates(docs, new_ids=[4]).clusters
    assert cluster.members == [3, 4]


@settings(max_examples=40, deadline=None)
@given(
    base=st.lists(st.integers(0, 5000), min_size=200, max_size=400, unique=True),
    keep=st.floats(0.2, 1.0),
    extra=st.integers(0, 200),
)
def test_minhash_estimate_is_close_to_exact_jaccard(
    base: list[int], keep: float, extra: int
) -> None:
    a = np.array(sorted(base), dtype=np.uint64)
    kept = a[: int(len(a) * keep)]
    b = np.unique(np.concatenate([kept, np.arange(10_000, 10_000 + extra, dtype=np.uint64)]))
    sig = signatures([a, b])
    # 128 permutations: the estimate's standard error is at most 0.5/sqrt(128) ≈ 0.044.
    assert abs(estimate(sig[0], sig[1]) - exact_jaccard(a, b)) <= 0.16


def test_shared_passages_highlight_the_copied_text_in_place() -> None:
    a = "背景技术。" + BASE[10:60] + "结尾甲"
    b = "其他开头文字。" + BASE[10:60] + "结尾乙"
    (start_a, start_b, length), *_ = shared_passages(a, b)
    assert a[start_a : start_a + length] == b[start_b : start_b + length]
    assert length >= 50
    runs = highlight(a, [(start_a, length)])
    assert "".join(t for t, _ in runs) == a and [m for _, m in runs].count(True) == 1


def test_bulk_filing_burst_against_the_applicants_own_norm() -> None:
    docs = []
    n = 0
    for month in range(1, 13):  # a steady 2 filings a month through 2021
        for _ in range(2):
            n += 1
            docs.append(doc(n, f"文本{n}", app_date=dt.date(2021, month, 5)))
    for _ in range(30):  # then 30 in March 2022
        n += 1
        docs.append(doc(n, f"文本{n}", app_date=dt.date(2022, 3, 10)))
    for month in (1, 2, 4):
        n += 1
        docs.append(doc(n, f"文本{n}", app_date=dt.date(2022, month, 10)))
    (burst,) = find_bulk_filings(docs)
    assert (burst.entity, burst.month, burst.count) == ("甲公司", "2022-03", 30)
    assert burst.median == 2 and len(burst.members) == 30


def test_a_large_but_steady_filer_is_not_a_burst() -> None:
    docs = [
        doc(m * 100 + k, f"文本{m}-{k}", app_date=dt.date(2021, m, 1))
        for m in range(1, 13)
        for k in range(20 + m % 3)
    ]
    assert find_bulk_filings(docs) == []


SPLIT_PARTS = [
    "其中所述散热鳍片采用铝合金压铸成型并在表面设置纳米级陶瓷涂层以增强辐射散热能力",
    "所述风道盖板上开设有导流孔且导流孔的孔径沿气流方向逐渐减小从而提高出口风速",
    "所述温度传感器贴附于电芯极耳处并与控制器电连接控制器根据温度调节风扇转速",
]


def test_one_invention_split_over_same_day_filings_is_found() -> None:
    day = dt.date(2022, 6, 1)
    common = BASE[:50]
    docs = [doc(i + 1, common + part, app_date=day) for i, part in enumerate(SPLIT_PARTS)]
    docs.append(doc(4, LOOKALIKE, app_date=day))  # same applicant, same day, another invention
    docs.append(doc(5, common + SPLIT_PARTS[0], "乙公司", app_date=day))  # another applicant
    (cluster,) = find_split_filings(docs)
    assert cluster.members == [1, 2, 3]
    assert all(0.3 <= p.jaccard < 0.5 for p in cluster.pairs)
    # Filed on different days, the same texts are not a split.
    spread = [
        doc(i + 1, common + part, app_date=day + dt.timedelta(days=40 * i))
        for i, part in enumerate(SPLIT_PARTS)
    ]
    assert find_split_filings(spread) == []
