"""Screening through the services: a full run over imported records flags the
planted cluster in the right region; staff decisions are audited and stick."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.id_ranges import IdRanges
from iphub.core.models import AuditEntry, User
from iphub.protection import selectors
from iphub.protection.models import (
    FlaggedGroup,
    GroupKind,
    GroupStatus,
    RunKind,
    RunStatus,
    ScreeningRun,
)
from iphub.protection.services.screening import (
    flagged_group_confirm,
    flagged_group_dismiss,
    screening_run_create,
    screening_run_execute,
    screening_run_incremental,
)
from iphub.protection.tests.conftest import BASE, edit, import_rows, pid, row

pytestmark = pytest.mark.django_db


def full_run(actor: User) -> ScreeningRun:
    run = screening_run_create(actor=actor)
    return screening_run_execute(run.pk)


def near_groups() -> list[FlaggedGroup]:
    return list(FlaggedGroup.objects.filter(kind=GroupKind.NEAR_DUPLICATE).order_by("region__code"))


def test_full_run_flags_planted_copies_not_the_lookalike(
    corpus: dict[int, int], cast: dict[str, User]
) -> None:
    run = full_run(cast["wuhan_enforcer"])
    assert run.status == RunStatus.DONE and run.docs == 6 and run.groups_found == 2
    wuhan, yichang = near_groups()
    assert sorted(wuhan.patents.values_list("id", flat=True)) == [corpus[1], corpus[2], corpus[3]]
    assert wuhan.region.code == "420111"  # all three filed from 洪山区
    assert yichang.region.code == "420502"
    assert wuhan.applicants == ["武汉甲测试电池有限公司"]
    assert wuhan.agencies == ["武汉某某专利代理事务所"]
    top = wuhan.evidence["pairs"][0]
    assert top["same_applicant"] and top["shared_agency"] and top["jaccard"] > 0.8
    assert max(length for _, _, length in top["passages"]) >= 30
    assert 0 < wuhan.score <= 100


def test_a_second_run_does_not_flag_the_same_group_twice(
    corpus: dict[int, int], cast: dict[str, User]
) -> None:
    full_run(cast["wuhan_enforcer"])
    again = full_run(cast["wuhan_enforcer"])
    assert again.groups_found == 0 and FlaggedGroup.objects.count() == 2


def test_run_is_claimed_once(corpus: dict[int, int], cast: dict[str, User]) -> None:
    run = full_run(cast["wuhan_enforcer"])
    assert screening_run_execute(run.pk).groups_found == run.groups_found
    assert FlaggedGroup.objects.count() == 2


def test_confirm_is_audited_and_cannot_be_repeated(
    corpus: dict[int, int], cast: dict[str, User]
) -> None:
    officer = cast["wuhan_enforcer"]
    full_run(officer)
    group = near_groups()[0]
    flagged_group_confirm(actor=officer, group=group, note="同一申请人重复申请")
    group.refresh_from_db()
    assert group.status == GroupStatus.CONFIRMED and group.decided_by == officer
    entry = AuditEntry.objects.get(action="flagged_group_confirm")
    assert entry.actor == officer and (entry.after or {})["status"] == "confirmed"
    with pytest.raises(ApplicationError) as err:
        flagged_group_dismiss(actor=officer, group=group)
    assert err.value.code == "group_already_decided"


def test_dismissed_pairs_are_not_flagged_in_later_runs(
    corpus: dict[int, int], cast: dict[str, User], tmp_path: Path
) -> None:
    officer = cast["wuhan_enforcer"]
    full_run(officer)
    flagged_group_dismiss(actor=officer, group=near_groups()[0], note="系列产品，正常申请")
    assert AuditEntry.objects.filter(action="flagged_group_dismiss", actor=officer).exists()
    # A new copy joins: only its own pairs may be flagged, not the dismissed ones again.
    import_rows(
        tmp_path,
        [
            row(
                7,
                名称="一种三元正极材料的包覆改性方法",
                摘要=edit(BASE, 33),
                申请人="武汉甲测试电池有限公司",
            )
        ],
        "more.csv",
    )
    with_new = screening_run_execute(screening_run_create(actor=officer).pk)
    assert with_new.groups_found == 1
    new_group = FlaggedGroup.objects.latest("id")
    pairs = {(p["a"], p["b"]) for p in new_group.evidence["pairs"]}
    assert all(pid(7) in pair for pair in pairs)


def test_confirmed_history_raises_the_next_groups_score(
    corpus: dict[int, int], cast: dict[str, User], tmp_path: Path
) -> None:
    officer = cast["wuhan_enforcer"]
    full_run(officer)
    first = near_groups()[0]
    flagged_group_confirm(actor=officer, group=first)
    import_rows(
        tmp_path,
        [
            row(
                8,
                名称="一种正极材料包覆方法",
                摘要=edit(BASE, 20, "乙"),
                申请人="武汉甲测试电池有限公司",
                代理机构="武汉某某专利代理事务所",
            )
        ],
        "more.csv",
    )
    full_run(officer)
    newest = FlaggedGroup.objects.latest("id")
    assert newest.evidence["prior_confirmed"] == 1


def test_other_regions_and_roles_cannot_see_or_decide(
    corpus: dict[int, int], cast: dict[str, User], yichang_enforcer: User
) -> None:
    full_run(cast["wuhan_enforcer"])
    wuhan_group, yichang_group = near_groups()
    assert list(selectors.flagged_group_list(user=yichang_enforcer)) == [yichang_group]
    with pytest.raises(AccessDenied):
        flagged_group_confirm(actor=yichang_enforcer, group=wuhan_group)
    for name in ("wuhan_clerk", "enterprise", "supervisor"):
        with pytest.raises(AccessDenied):
            selectors.flagged_group_list(user=cast[name])
    assert wuhan_group.status == GroupStatus.OPEN


def test_incremental_hook_screens_new_records(
    corpus: dict[int, int],
    cast: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:
    full_run(cast["wuhan_enforcer"])
    import_rows(
        tmp_path,
        [
            row(
                9,
                名称="一种锂电池隔膜及其制备方法",
                摘要="本发明公开了一种聚乙烯隔膜。",
                申请人="宜昌乙测试材料有限公司",
            )
        ],
        "new.csv",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = screening_run_incremental(patent_ids=[pid(9)])
    assert run is not None
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.groups_found == 1
    assert screening_run_incremental(patent_ids=[]) is None


@pytest.mark.django_db
def test_incremental_run_keeps_a_fresh_load_as_one_range() -> None:
    # An import of a million new records: one [first, last] pair on the run and a
    # count in the audit entry, not a million ids in each (issue 24).
    from array import array

    run = screening_run_incremental(patent_ids=array("q", range(1000, 1_001_000)))
    assert run is not None
    assert run.patent_ids == [[1000, 1_000_999]]
    assert len(IdRanges.from_json(run.patent_ids)) == 1_000_000
    entry = AuditEntry.objects.get(action="screening_run_create")
    assert entry.after is not None and entry.after["patent_count"] == 1_000_000
    assert "patent_ids" not in entry.after
    # A few scattered ids stay a plain list.
    assert screening_run_incremental(patent_ids=[9, 3, 3]).patent_ids == [3, 9]  # type: ignore[union-attr]


def test_bulk_filing_burst_is_flagged(regions: None, cast: dict[str, User], tmp_path: Path) -> None:
    rows = [
        row(
            100 + m,
            名称=f"常规申请{m}号装置",
            申请日=f"2021-{m:02d}-10",
            申请人="襄阳丙测试机械有限公司",
            摘要=f"一种常规装置第{m}号。",
        )
        for m in range(1, 13)
    ]
    rows += [
        row(
            200 + k,
            名称=f"突击申请{k}号结构",
            申请日="2022-03-15",
            申请人="襄阳丙测试机械有限公司",
            摘要=f"突击第{k}号结构，型号{k * 7919}。",
        )
        for k in range(15)
    ]
    import_rows(tmp_path, rows)
    full_run(cast["wuhan_enforcer"])
    burst = FlaggedGroup.objects.get(kind=GroupKind.BULK_FILING, evidence__entity_kind="applicant")
    assert burst.evidence["month"] == "2022-03" and burst.evidence["count"] == 15
    assert burst.members.count() == 15


def test_split_filing_group_is_stored_and_dismissal_sticks(
    regions: None, cast: dict[str, User], tmp_path: Path
) -> None:
    from iphub.protection.tests.test_detect import SPLIT_PARTS

    officer = cast["wuhan_enforcer"]
    same_day = {"申请日": "2022-06-01", "申请人": "武汉丁测试热管理有限公司"}
    import_rows(
        tmp_path,
        [
            row(300 + i, 名称=f"电池包散热结构{i}", 摘要=BASE[:50] + part, **same_day)
            for i, part in enumerate(SPLIT_PARTS)
        ],
    )
    full_run(officer)
    group = FlaggedGroup.objects.get(kind=GroupKind.SPLIT_FILING)
    assert group.members.count() == 3 and group.region.code == "420111"
    flagged_group_dismiss(actor=officer, group=group, note="确属不同改进点")
    FlaggedGroup.objects.filter(pk=group.pk).update(
        signature="gone"
    )  # even if the signature changed
    assert full_run(officer).groups_found == 0


def test_management_command_screens_the_corpus(
    corpus: dict[int, int], cast: dict[str, User]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("screen_patents", stdout=out)
    assert "新标记 2 组" in out.getvalue()
    full = ScreeningRun.objects.get(kind=RunKind.FULL)
    assert full.status == RunStatus.DONE
    # The import that built the corpus queued an incremental run of its records.
    incremental = ScreeningRun.objects.get(kind=RunKind.INCREMENTAL)
    assert list(IdRanges.from_json(incremental.patent_ids)) == sorted(corpus.values())
