"""A big load's search index, built by another process beside the writes (issue 24):
every committed record is searchable afterwards, a rejected or interrupted
all-or-nothing import leaves the index it found, the documents built from the rows
in hand are those a rebuild reads from the database, and a failed build falls back
to a rebuild.

Every import here counts as a big load (``IMPORT_REBUILD_MIN_ROWS`` = 1) and spans
several batches (``IMPORT_BATCH_ROWS`` = 5).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iphub.core.models import IndexOutbox
from iphub.patents.importers import read_file, validate_row
from iphub.patents.indexing import _documents, get_index
from iphub.patents.ipc import get_table
from iphub.patents.models import JobStatus, Patent
from iphub.patents.search.builder import IndexBuilder
from iphub.patents.search.schema import to_json
from iphub.patents.services import bulk, import_file
from iphub.patents.services.import_index import staging_dir
from iphub.patents.tests.conftest import fail_on_batch, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 17  # four batches: 5 + 5 + 5 + 2


@pytest.fixture(autouse=True)
def big_loads(settings: Any) -> None:
    settings.IMPORT_BATCH_ROWS = 5
    settings.IMPORT_REBUILD_MIN_ROWS = 1


def rows(first: int = 1, n: int = ROWS, *, word: str = "钒液流", bad_at: int | None = None):
    out = []
    for i in range(first, first + n):
        over = {"名称": f"一种第{i:02d}号{word}储能电堆"}
        if i == bad_at:
            over["申请日"] = "2021-13-45"
        out.append(row(i, **over))
    return out


def seeded(tmp_path: Path) -> None:
    """An earlier load of three records (ids 1-3, word 燃料电池), indexed."""
    job = import_file(
        actor=None, path=write_csv(tmp_path / "old.csv", rows(101, 3, word="燃料电池"))
    )
    assert job.status == JobStatus.DONE
    assert get_index().count("燃料电池") == 3


def test_a_big_load_is_searchable_record_by_record_without_outbox_rows(
    regions: None, tmp_path: Path
) -> None:
    job = import_file(actor=None, path=write_csv(tmp_path / "a.csv", rows()), mode="skip")
    assert (job.status, job.created) == (JobStatus.DONE, ROWS)
    assert job.report["index_s"] >= 0 and job.report["index_wait_s"] >= 0
    assert not IndexOutbox.objects.exists()
    index = get_index()
    assert index.doc_count() == ROWS
    for i in range(1, ROWS + 1):
        assert index.count(f"TI=第{i:02d}号") == 1
    assert not staging_dir().exists()


def test_the_documents_built_from_the_rows_are_those_read_back_from_the_database(
    regions: None, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", [*rows(1, 4), row(1, 名称="一种重复的钒液流电堆")])
    table = get_table()
    batch = [p for raw in read_file(path) if (p := validate_row(raw, table=table)[0])]
    out = bulk.BatchDocuments()
    wrote = bulk.patents_bulk_write(batch, index=False, documents=out)
    ids, created = wrote.ids, wrote.created
    assert created == 4 and out.updated == []
    from_db = {d["id"]: to_json(d) for d in _documents(ids)}
    assert {d["id"]: to_json(d) for d in out.docs} == from_db
    assert out.docs[0]["title"] == "一种重复的钒液流电堆"  # the last row wins
    assert json.loads(from_db[ids[0]])["pa_raw"] == ["武汉测试电池有限公司"]
    again = bulk.BatchDocuments()
    bulk.patents_bulk_write(batch[:2], index=False, documents=again)
    # Record 1 comes back with its first title (a change), record 2 exactly as it
    # is stored: only the changed one is rewritten and re-documented.
    assert again.updated == ids[:1]
    assert [d["id"] for d in again.docs] == ids[:1]


def test_a_rejected_all_or_nothing_load_leaves_the_index_it_found(
    regions: None, tmp_path: Path
) -> None:
    seeded(tmp_path)
    path = write_csv(tmp_path / "a.csv", rows(bad_at=ROWS))  # the last batch's last row
    job = import_file(actor=None, path=path, mode="all")
    assert job.status == JobStatus.REJECTED
    assert Patent.objects.count() == 3
    index = get_index()
    assert index.count("钒液流") == 0
    assert index.count("燃料电池") == 3 and index.doc_count() == 3
    assert not staging_dir().exists()


def test_an_interrupted_all_or_nothing_load_leaves_the_index_it_found(
    regions: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(tmp_path)
    fail_on_batch(monkeypatch, 3)
    job = import_file(actor=None, path=write_csv(tmp_path / "a.csv", rows()), mode="all")
    assert job.status == JobStatus.FAILED
    index = get_index()
    assert index.count("钒液流") == 0 and index.doc_count() == 3
    assert not staging_dir().exists()


def test_an_interrupted_skip_load_indexes_the_batches_it_committed(
    regions: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(tmp_path)
    fail_on_batch(monkeypatch, 3)
    job = import_file(actor=None, path=write_csv(tmp_path / "a.csv", rows()), mode="skip")
    assert job.status == JobStatus.FAILED and job.created == 10
    index = get_index()
    assert index.count("钒液流") == 10
    assert index.count("燃料电池") == 3 and index.doc_count() == 13


def test_a_load_over_an_existing_corpus_keeps_untouched_records_and_replaces_rewritten_ones(
    regions: None, tmp_path: Path
) -> None:
    seeded(tmp_path)
    # Record 101 rewritten with a new title, 102 and 103 untouched; one row twice
    # in the file in different batches (created, then rewritten by this import).
    new = [*rows(1, 6), row(101, 名称="一种改进的密封结构"), row(3, 名称="一种第03号改名电堆")]
    job = import_file(actor=None, path=write_csv(tmp_path / "a.csv", new), mode="skip")
    assert (job.status, job.created, job.updated) == (JobStatus.DONE, 6, 2)
    index = get_index()
    assert index.doc_count() == Patent.objects.count() == 9
    assert index.count("密封结构") == 1
    assert index.count("燃料电池") == 2  # 102 and 103
    assert index.count("TI=第03号") == 1 and index.count("改名") == 1


def test_a_failed_index_build_falls_back_to_a_rebuild(
    regions: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: IndexBuilder, docs: Any, **kw: Any) -> None:
        from iphub.patents.search.builder import IndexBuildFailed

        raise IndexBuildFailed("the index builder stopped")

    monkeypatch.setattr(IndexBuilder, "add", broken)
    job = import_file(actor=None, path=write_csv(tmp_path / "a.csv", rows()), mode="skip")
    assert job.status == JobStatus.DONE
    assert get_index().count("钒液流") == ROWS
    assert not staging_dir().exists()
