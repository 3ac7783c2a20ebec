"""The value-grading method (docs/value-grade.md): each factor moves the grade the
way the method says, and the explanation names the factors used."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from iphub.patents.intelligence.grade import (
    DEFAULT_BANDS,
    DEFAULT_FACTORS,
    GradeFacts,
    claim_stats,
    grade,
)

WEIGHTS = {k: p for k, _label, p, _note in DEFAULT_FACTORS}
TODAY = dt.date(2026, 12, 5)
BASE = GradeFacts(
    patent_type="invention",
    legal_status="有权-审定授权",
    app_date=dt.date(2018, 3, 1),
    grant_date=dt.date(2020, 5, 1),
    claims="1.一种电池，其特征在于，包括正极。2.根据权利要求1所述的电池，其特征在于负极。",
    ipc_codes=["H01M10/0525"],
    applicants=["武汉测试电池有限公司"],
    inventors=2,
)


def score(f: GradeFacts) -> int:
    return grade(f, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY).score


def test_a_lapsed_patent_grades_lower_and_no_higher_than_band_d() -> None:
    lapsed = replace(BASE, legal_status="失效-未缴年费")
    g = grade(lapsed, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
    assert g.score < score(BASE)
    assert g.band == "D"
    assert g.factors["status"][0] == 0.0
    # A lapse recorded as a legal event counts the same as the status text.
    assert score(replace(BASE, event_kinds={"lapsed"})) == g.score


def test_a_cited_patent_grades_higher_the_more_it_is_cited() -> None:
    assert score(BASE) < score(replace(BASE, forward=1)) < score(replace(BASE, forward=8))


def test_a_licensed_pledged_or_transferred_patent_grades_higher() -> None:
    for kind in ("licensed", "pledged", "transferred", "open_licence"):
        assert score(replace(BASE, event_kinds={kind})) > score(BASE), kind
    both = replace(BASE, event_kinds={"licensed", "pledged"})
    assert score(both) > score(replace(BASE, event_kinds={"licensed"}))


def test_type_remaining_term_family_and_claims_move_the_grade() -> None:
    assert score(replace(BASE, patent_type="utility")) < score(BASE)
    kinds = {
        t: grade(replace(BASE, patent_type=t), weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
        for t in ("invention", "utility", "design")
    }
    type_points = [kinds[t].factors["type"][0] for t in ("invention", "utility", "design")]
    assert type_points == sorted(type_points, reverse=True) and len(set(type_points)) == 3
    older = replace(BASE, app_date=dt.date(2008, 3, 1), grant_date=dt.date(2010, 1, 1))
    g_old = grade(older, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
    g_new = grade(BASE, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
    assert g_old.factors["term"][0] < g_new.factors["term"][0]
    family = replace(BASE, family_known=True, family_size=4, family_foreign=2)
    alone = replace(BASE, family_known=True, family_size=1)
    assert score(family) > score(alone)
    many_claims = "".join(f"{i}.根据权利要求1所述的电池，包括部件{i}。" for i in range(2, 12))
    assert score(replace(BASE, claims=BASE.claims + many_claims)) > score(BASE)


def test_past_its_term_a_patent_is_dead_whatever_its_status_says() -> None:
    expired = replace(BASE, app_date=dt.date(2005, 1, 1), grant_date=dt.date(2007, 1, 1))
    g = grade(expired, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
    assert g.factors["status"][2] == "失效" and g.band == "D"


def test_the_explanation_lists_used_factors_and_leaves_out_unknown_ones() -> None:
    g = grade(BASE, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
    assert {"status", "term", "type", "claims", "forward", "ipc", "applicant", "deals"} <= set(
        g.factors
    )
    # No family column and no references listed: left out, not counted as zero.
    assert "family" not in g.factors and "backward" not in g.factors
    points, full, words = g.factors["claims"]
    assert full == 10 and 0 < points <= 10 and "2 项" in words
    assert g.score == round(
        100 * sum(f[0] for f in g.factors.values()) / sum(f[1] for f in g.factors.values())
    )
    # A factor with weight 0 in the settings table is not used.
    g0 = grade(BASE, weights={**WEIGHTS, "claims": 0}, bands=DEFAULT_BANDS, today=TODAY)
    assert "claims" not in g0.factors


def test_claims_are_counted_with_independent_ones() -> None:
    text = (
        "1.一种电池，其特征在于，包括正极。2.根据权利要求1所述的电池，其特征在于负极。"
        "3.一种电池的制造方法，包括以下步骤：步骤1、混合。"
    )
    assert claim_stats(text) == (3, 2, len("一种电池，其特征在于，包括正极。"))


def test_applicant_type_from_source_or_name() -> None:
    uni = replace(BASE, applicants=["华中科技大学"])
    person = replace(BASE, applicants=["张三"])
    g_uni = grade(uni, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
    g_person = grade(person, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
    assert g_uni.factors["applicant"][2] == "高校"
    assert g_person.factors["applicant"][0] < g_uni.factors["applicant"][0]
    declared = replace(BASE, applicants=["某某"], applicant_type="个人")
    assert (
        grade(declared, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY).factors["applicant"][2]
        == "个人"
    )


def test_a_leap_day_filing_is_graded() -> None:
    leap = replace(BASE, app_date=dt.date(2020, 2, 29), grant_date=dt.date(2022, 1, 4))
    g = grade(leap, weights=WEIGHTS, bands=DEFAULT_BANDS, today=TODAY)
    assert g.factors["term"][2].startswith("剩余 13.")
