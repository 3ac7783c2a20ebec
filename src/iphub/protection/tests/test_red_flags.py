"""The two per-filing 蓝天 signals: an IPC far from the applicant's business, and an
assignment soon after filing — each found on a small fixture, its look-alike not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from iphub.core.models import User
from iphub.patents.services import legal_event_append
from iphub.protection.models import FlaggedGroup, GroupKind
from iphub.protection.screening.detect import ScreeningDoc
from iphub.protection.screening.evidence import RiskInputs, risk_score
from iphub.protection.screening.red_flags import (
    add_months,
    find_ipc_outliers,
    find_quick_assignments,
)
from iphub.protection.services.screening import screening_run_create, screening_run_execute
from iphub.protection.tests.conftest import import_rows, pid, row

BATTERY = frozenset({"武汉甲电池"})


def filing(i: int, ipc: str, day: dt.date, applicant: frozenset[str] = BATTERY) -> ScreeningDoc:
    return ScreeningDoc(id=i, title=f"t{i}", applicant_keys=applicant, app_date=day, ipc=ipc)


def battery_history() -> list[ScreeningDoc]:
    """Ten battery filings (H01M) over 2021, one a month from February."""
    return [filing(i, "H01M4/505", dt.date(2021, 1 + i, 10)) for i in range(1, 11)]


def test_filing_far_from_the_applicants_field_is_found() -> None:
    docs = [*battery_history(), filing(50, "A23L2/38", dt.date(2022, 3, 1))]
    [outlier] = find_ipc_outliers(docs)
    assert (outlier.patent_id, outlier.ipc, outlier.earlier) == (50, "A23L", 10)
    assert outlier.section_share == 0.0 and outlier.usual == [("H01M", 10)]


def test_neighbouring_class_or_short_history_is_not_far() -> None:
    # A capacitor (H01G) from a battery maker: a new class, but its own section.
    docs = [*battery_history(), filing(51, "H01G11/00", dt.date(2022, 3, 1))]
    assert find_ipc_outliers(docs) == []
    # A food filing after only five battery filings: too little history to judge.
    short = [*battery_history()[:5], filing(52, "A23L2/38", dt.date(2022, 3, 1))]
    assert find_ipc_outliers(short) == []
    # Another applicant's food filing does not count against the battery maker.
    other = [*battery_history(), filing(53, "A23L2/38", dt.date(2022, 3, 1), frozenset({"食品"}))]
    assert find_ipc_outliers(other) == []


def test_history_is_only_what_came_before() -> None:
    # The odd filing is the first: the history after it does not make it an outlier.
    docs = [filing(60, "A23L2/38", dt.date(2020, 1, 5)), *battery_history()]
    assert find_ipc_outliers(docs) == []


def test_assignment_within_the_window_is_found_a_late_one_is_not() -> None:
    day = dt.date(2022, 1, 31)
    docs = [filing(i, "H01M4/505", day) for i in (1, 2, 3, 4)]
    transfers = {
        1: [(dt.date(2022, 3, 17), "转让给武汉乙")],  # 45 days
        2: [(dt.date(2025, 2, 1), "转让给武汉丙")],  # three years on: ordinary business
        3: [(dt.date(2021, 12, 1), "")],  # dated before filing: a data error, not a signal
        4: [(add_months(day, 6), "")],  # exactly six months: still inside
    }
    found = {q.patent_id: q for q in find_quick_assignments(docs, transfers)}
    assert sorted(found) == [1, 4]
    assert found[1].days == 45 and found[1].detail == "转让给武汉乙"
    assert add_months(day, 1) == dt.date(2022, 2, 28)
    transfers[4] = [(add_months(day, 6) + dt.timedelta(days=1), "")]
    assert [q.patent_id for q in find_quick_assignments(docs, transfers)] == [1]


def test_signals_raise_a_groups_risk_score() -> None:
    base = RiskInputs(kind="near_duplicate", max_jaccard=0.7, size=2, same_applicant=True)
    with_both = RiskInputs(**{**base.__dict__, "ipc_outliers": 1, "quick_assignments": 1})
    assert risk_score(with_both) == risk_score(base) + 18
    alone = RiskInputs(kind="quick_assignment", size=1, fastest_days=30)
    assert risk_score(alone) > risk_score(RiskInputs(kind="quick_assignment", size=1))


@pytest.mark.django_db
def test_full_run_flags_both_signals_and_the_page_shows_them(
    client: Client, regions: None, cast: dict[str, User], tmp_path: Path
) -> None:
    who = {"申请人": "武汉戊测试电池有限公司"}
    rows = [
        row(
            400 + m,
            名称=f"电池结构{m}",
            摘要=f"第{m}种极片涂布{m * 7919}工艺。",
            申请日=f"2021-{m:02d}-10",
            **who,
        )
        for m in range(1, 11)
    ]
    rows.append(row(450, 名称="一种月饼馅料", 摘要="莲蓉馅料配方与烘焙。", 申请日="2022-03-01",
                    主分类号="A23L2/38", 分类号="A23L2/38", **who))  # fmt: skip
    rows.append(row(451, 名称="一种超级电容", 摘要="双电层电容电极。", 申请日="2022-03-01",
                    主分类号="H01G11/00", 分类号="H01G11/00", **who))  # fmt: skip
    import_rows(tmp_path, rows)
    legal_event_append(actor=None, patent_id=pid(401), kind="transferred",
                       date=dt.date(2021, 2, 20), detail="转让给武汉己投资有限公司")  # fmt: skip
    legal_event_append(actor=None, patent_id=pid(402), kind="transferred",
                       date=dt.date(2024, 6, 1), detail="转让给母公司")  # fmt: skip
    officer = cast["wuhan_enforcer"]
    screening_run_execute(screening_run_create(actor=officer).pk)

    far = FlaggedGroup.objects.get(kind=GroupKind.IPC_OUTLIER)
    assert list(far.patents.values_list("id", flat=True)) == [pid(450)]  # not the capacitor
    [signal] = far.evidence["signals"]
    assert signal["ipc"] == "A23L" and signal["earlier"] == 10
    quick = FlaggedGroup.objects.get(kind=GroupKind.QUICK_ASSIGNMENT)
    assert list(quick.patents.values_list("id", flat=True)) == [pid(401)]  # not the 2024 one
    assert quick.evidence["signals"][0]["days"] == 41 and quick.score > 0

    client.force_login(officer)
    page = client.get(f"/protection/screening/{quick.pk}/").content.decode()
    assert "相隔 41 天" in page and "转让给武汉己投资有限公司" in page
    page = client.get(f"/protection/screening/{far.pk}/").content.decode()
    assert "分类 A23L 远离申请人既往领域" in page
    client.force_login(cast["wuhan_clerk"])
    assert client.get(f"/protection/screening/{quick.pk}/").status_code == 403


@pytest.mark.django_db
def test_a_quick_assignment_feeds_its_near_duplicate_groups_score(
    corpus: dict[int, int], cast: dict[str, User]
) -> None:
    legal_event_append(actor=None, patent_id=corpus[2], kind="transferred",
                       date=dt.date(2021, 4, 1), detail="转让")  # fmt: skip
    screening_run_execute(screening_run_create(actor=cast["wuhan_enforcer"]).pk)
    group = FlaggedGroup.objects.get(kind=GroupKind.NEAR_DUPLICATE, region__code="420111")
    assert [s["patent"] for s in group.evidence["signals"]] == [corpus[2]]
    relations = group.evidence["relations"]
    plain = RiskInputs(kind="near_duplicate", max_jaccard=group.evidence["max_jaccard"],
                       size=3, **relations)  # fmt: skip
    assert group.score == min(100, risk_score(plain) + 10)
