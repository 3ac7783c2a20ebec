"""The bulk write path of the import (issue 24): batches, both modes, interruptions,
re-imports and the one-pass index rebuild of a big load, on SQLite and PostgreSQL.

Batches are made small (``IMPORT_BATCH_ROWS`` = 5), so a file of 17 rows spans
four batches and the "last batch" is a real one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iphub.core.models import IndexOutbox
from iphub.patents.indexing import get_index
from iphub.patents.models import JobStatus, LegalEvent, Patent, PatentParty
from iphub.patents.receivers import suggest_ipc_after_import
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import app_no, fail_on_batch, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 17  # four batches of five: 5 + 5 + 5 + 2


@pytest.fixture(autouse=True)
def small_batches(settings: Any) -> None:
    settings.IMPORT_BATCH_ROWS = 5


def titled(i: int, **over: str) -> dict[str, str]:
    return row(i, 名称=f"一种第{i:02d}号钒液流储能电堆", **over)


def a_file(tmp_path: Path, *, bad_at: int | None = None, name: str = "bulk.csv") -> Path:
    """ROWS rows; the one numbered ``bad_at`` carries an impossible filing date."""
    rows = [
        titled(i, 申请日="2021-13-45") if i == bad_at else titled(i) for i in range(1, ROWS + 1)
    ]
    return write_csv(tmp_path / name, rows)


def test_all_or_nothing_with_a_bad_row_in_the_last_batch_commits_nothing(
    regions: None, tmp_path: Path
) -> None:
    job = import_file(actor=None, path=a_file(tmp_path, bad_at=ROWS), mode="all")
    assert job.status == JobStatus.REJECTED
    assert Patent.objects.count() == 0
    assert PatentParty.objects.count() == 0 and LegalEvent.objects.count() == 0
    assert [r["line"] for r in job.report["bad_rows"]] == [ROWS + 1]  # the header is line 1
    assert "未导入任何记录" in job.message
    assert get_index().count("钒液流") == 0


def test_skip_with_a_bad_row_in_the_last_batch_keeps_every_good_row(
    regions: None, tmp_path: Path
) -> None:
    job = import_file(actor=None, path=a_file(tmp_path, bad_at=ROWS), mode="skip")
    assert job.status == JobStatus.DONE
    assert (job.created, job.updated, job.bad) == (ROWS - 1, 0, 1)
    assert job.processed_rows == ROWS
    assert Patent.objects.count() == ROWS - 1
    assert [r["line"] for r in job.report["bad_rows"]] == [ROWS + 1]
    assert get_index().count("TI=第01号") == 1
    assert get_index().count("TI=第16号") == 1
    assert get_index().count("钒液流") == ROWS - 1


def test_interrupted_all_or_nothing_import_leaves_nothing_half_written(
    regions: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_batch(monkeypatch, 3)
    job = import_file(actor=None, path=a_file(tmp_path), mode="all")
    assert job.status == JobStatus.FAILED
    assert "数据库连接中断" in job.message and "未导入任何记录" in job.message
    assert (job.created, job.updated) == (0, 0)
    assert Patent.objects.count() == 0
    assert PatentParty.objects.count() == 0 and LegalEvent.objects.count() == 0
    assert get_index().count("钒液流") == 0


def test_interrupted_skip_import_keeps_whole_batches_and_says_where_it_stopped(
    regions: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_batch(monkeypatch, 3)
    job = import_file(actor=None, path=a_file(tmp_path), mode="skip")
    assert job.status == JobStatus.FAILED
    # Batches 1 and 2 (rows 1-10, file lines 2-11) are in; nothing of batch 3 is.
    assert Patent.objects.count() == 10
    assert job.created == 10
    assert job.report["stopped_after_line"] == 11
    assert "已提交 10 条（至文件第 11 行）" in job.message
    assert not Patent.objects.filter(application_number=app_no(2021, 1, 11)).exists()
    assert PatentParty.objects.filter(role="inventor").count() == 20  # two inventors a row
    assert get_index().count("钒液流") == 10

    # Run again without the fault: the file completes; the first ten, unchanged, are
    # left alone.
    monkeypatch.undo()
    again = import_file(actor=None, path=a_file(tmp_path), mode="skip")
    assert (again.status, again.created, again.updated) == (JobStatus.DONE, 7, 0)
    assert again.report["unchanged"] == 10
    assert Patent.objects.count() == ROWS


def broken_file(tmp_path: Path) -> Path:
    """ROWS rows as JSON Lines, line 13 (in batch 3) cut short."""
    lines = [json.dumps(titled(i), ensure_ascii=False) for i in range(1, ROWS + 1)]
    lines[12] = '{"申请号": "broken'
    path = tmp_path / "broken.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_broken_in_its_third_batch_keeps_the_two_before_and_says_so(
    regions: None, tmp_path: Path
) -> None:
    job = import_file(actor=None, path=broken_file(tmp_path), mode="skip")
    assert job.status == JobStatus.FAILED
    # The line to fix, and what is already in: re-importing after the fix is safe.
    assert "第 13 行不是合法的 JSON（第 16 个字符处）" in job.message  # the line break
    assert "Invalid" not in job.message  # json's English message stays out
    assert "已提交 10 条（至文件第 10 行）" in job.message  # JSON Lines: no header
    assert Patent.objects.count() == 10 and job.created == 10
    assert get_index().count("钒液流") == 10


def test_a_broken_file_all_or_nothing_commits_and_counts_nothing(
    regions: None, tmp_path: Path
) -> None:
    job = import_file(actor=None, path=broken_file(tmp_path), mode="all")
    assert job.status == JobStatus.FAILED
    assert "第 13 行不是合法的 JSON" in job.message and "未导入任何记录" in job.message
    assert Patent.objects.count() == 0 and (job.created, job.updated) == (0, 0)
    assert get_index().count("钒液流") == 0


@pytest.mark.parametrize("rebuild", [False, True], ids=["outbox", "rebuild"])
def test_reimport_of_the_same_file_updates_rather_than_duplicates(
    regions: None, tmp_path: Path, settings: Any, rebuild: bool
) -> None:
    settings.IMPORT_REBUILD_MIN_ROWS = 1 if rebuild else 10**9
    first = import_file(actor=None, path=a_file(tmp_path), mode="all")
    assert (first.created, first.updated) == (ROWS, 0)
    events = LegalEvent.objects.count()
    rows = [titled(i) for i in range(1, ROWS + 1)]
    rows[0] = row(1, 名称="一种改进的钒液流储能电堆密封结构")
    again = import_file(actor=None, path=write_csv(tmp_path / "bulk.csv", rows), mode="all")
    # The one changed row is updated; the others, the same, are left alone.
    assert (again.status, again.created, again.updated) == (JobStatus.DONE, 0, 1)
    assert again.report["unchanged"] == ROWS - 1
    assert Patent.objects.count() == ROWS
    assert PatentParty.objects.count() == ROWS * 3  # one applicant, two inventors
    assert LegalEvent.objects.count() == events
    assert Patent.objects.get(application_number=app_no(2021, 1, 1)).title.startswith("一种改进")
    assert get_index().count("密封结构") == 1
    assert get_index().doc_count() == ROWS
    assert ("index_s" in again.report) is rebuild


def test_a_big_load_rebuilds_the_index_once_and_a_small_one_goes_through_the_outbox(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    settings.IMPORT_REBUILD_MIN_ROWS = 10
    big = import_file(actor=None, path=a_file(tmp_path), mode="skip")
    assert big.report["index_s"] >= 0
    assert not IndexOutbox.objects.exists()  # no row-by-row indexing orders
    assert get_index().count("TI=第17号") == 1

    small = write_csv(tmp_path / "small.csv", [row(i) for i in range(100, 103)])
    job = import_file(actor=None, path=small, mode="skip")
    assert "index_s" not in job.report  # 3 rows into a corpus of 17: the outbox
    assert IndexOutbox.objects.count() == 3
    assert get_index().doc_count() == ROWS + 3


def test_ipc_suggestions_after_a_huge_import_stay_under_the_parameter_limit(
    regions: None, tmp_path: Path
) -> None:
    # PostgreSQL refuses a statement with more than 65,535 parameters; an id each
    # used to be bound in one query.
    import_file(actor=None, path=write_csv(tmp_path / "one.csv", [row(1, 主分类号="", 分类号="")]))
    real = Patent.objects.get().pk
    suggest_ipc_after_import(patent_ids=[*range(real + 1, real + 70_001), real])
