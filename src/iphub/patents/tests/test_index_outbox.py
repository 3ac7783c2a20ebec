"""The index follows the database through the outbox (core.outbox, patents.index_health):
a crash between the commit and the index write loses nothing and a crash after the
index write duplicates nothing; rows committed out of id order are not skipped; a
deleted, corrupted or truncated index is rebuilt from the database while search
answers 索引重建中 (503 with Retry-After on the API, a page on the web), and
``manage.py reindex`` recovers a corrupt index."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from iphub.core import outbox
from iphub.core.models import IndexOutbox
from iphub.patents import index_health, selectors
from iphub.patents.indexing import get_index
from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


def _import(tmp_path: Path, serials: range, name: str = "c.csv") -> list[Patent]:
    rows = [row(i, 名称=f"一种固态电池电解质{i}") for i in serials]
    import_file(actor=None, path=write_csv(tmp_path / name, rows))
    return list(Patent.objects.order_by("pk"))


def _drain() -> int:
    """Rows the patent index's follower read (brands and policies follow the same
    outbox with their own indexes, and read the same rows)."""
    (patents,) = [f for f in outbox.followers() if f.name == "patents"]
    total = 0
    while (n := outbox.outbox_drain(patents)) > 0:
        total += n
        if n < outbox.DRAIN_BATCH:
            break
    return total


def test_imports_write_their_outbox_rows_and_search_finds_them(
    regions: None, tmp_path: Path
) -> None:
    _import(tmp_path, range(1, 4))
    assert IndexOutbox.objects.filter(entity="patent").count() == 3
    assert selectors.patent_search("固态电池").total == 3
    assert _drain() == 0  # already applied when the import committed


def test_a_crash_between_commit_and_indexing_loses_nothing(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    get_index()  # the node's index exists before the change
    settings.INDEX_DRAIN_ON_COMMIT = False  # the process "dies" right after the commit
    _import(tmp_path, range(1, 4))
    assert selectors.patent_search("固态电池").total == 0

    assert _drain() == 3  # the follower finds what the dead process never indexed

    assert selectors.patent_search("固态电池").total == 3
    assert get_index().doc_count() == 3
    assert _drain() == 0  # and applies it once


def test_a_crash_after_the_index_write_duplicates_nothing(
    regions: None, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    get_index()
    settings.INDEX_DRAIN_ON_COMMIT = False
    _import(tmp_path, range(1, 4))

    def crash() -> None:
        raise SystemExit("killed after the index commit, before the position was saved")

    monkeypatch.setattr(outbox, "_after_index_write", crash)
    with pytest.raises(SystemExit):
        _drain()
    monkeypatch.undo()
    settings.INDEX_DRAIN_ON_COMMIT = False

    assert _drain() == 3  # the same rows again: written over themselves
    assert get_index().doc_count() == 3
    assert selectors.patent_search("固态电池").total == 3
    assert _drain() == 0


def test_rows_committed_out_of_id_order_are_not_skipped(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    """PostgreSQL numbers rows at insert: a later transaction may commit first.
    The id it passed over is kept as a gap and looked for again."""
    get_index()
    settings.INDEX_DRAIN_ON_COMMIT = False
    patents = _import(tmp_path, range(1, 4))
    late = IndexOutbox.objects.order_by("id")[1]
    late_row = (late.pk, late.entity, late.object_id)
    late.delete()  # not yet committed, as far as the follower can see
    Patent.objects.filter(pk=late_row[2]).update(title="一种钠离子电池负极")

    assert _drain() == 2
    state = outbox.OutboxState.load(Path(settings.SEARCH_INDEX_DIR))
    assert state is not None and [g[:2] for g in state.gaps] == [[late_row[0], late_row[0]]]
    assert selectors.patent_search("钠离子").total == 0

    IndexOutbox.objects.create(id=late_row[0], entity=late_row[1], object_id=late_row[2])
    assert _drain() == 1
    assert selectors.patent_search("钠离子").total == 1
    state = outbox.OutboxState.load(Path(settings.SEARCH_INDEX_DIR))
    assert state is not None and state.gaps == []
    assert len(patents) == get_index().doc_count() == 3


def test_a_deleted_patent_leaves_the_index_through_the_outbox(
    cast: dict[str, Any], tmp_path: Path
) -> None:
    from iphub.patents.services import patent_delete

    patents = _import(tmp_path, range(1, 3))
    patent_delete(actor=cast["supervisor"], patent_id=patents[0].pk)
    assert selectors.patent_search("固态电池").total == 1


def _break_index(path: Path, how: str) -> None:
    """Damage the index as the drills do, as a restarted process would find it."""
    index_health.forget(path)
    gc.collect()  # no open handle of this process on the files
    if how == "deleted":
        import shutil

        shutil.rmtree(path)
    elif how == "meta":
        (path / "meta.json").write_text('{"segments": [')
    else:
        segment = max(path.glob("*.idx"), key=lambda p: p.stat().st_size)
        with open(segment, "r+b") as fh:
            fh.truncate(segment.stat().st_size // 2)


@pytest.mark.parametrize("how", ["deleted", "meta", "segment"])
def test_a_broken_index_is_rebuilt_while_the_api_answers_503(
    regions: None, tmp_path: Path, settings: Any, client: Client, how: str
) -> None:
    _import(tmp_path, range(1, 4))
    index_dir = Path(settings.SEARCH_INDEX_DIR)
    _break_index(index_dir, how)
    settings.INDEX_SYNC_REBUILD_LIMIT = 0  # a corpus too large to rebuild inline

    busy = client.get("/api/v1/patents/search", {"q": "固态电池"})

    assert busy.status_code == 503
    assert busy["Retry-After"] == "30"
    assert busy.json()["code"] == "index_rebuilding"
    assert "索引重建中，请稍后再试" in busy.json()["message"]
    assert index_health.wait_for_rebuild(120)
    ok = client.get("/api/v1/patents/search", {"q": "固态电池"})
    assert ok.status_code == 200 and ok.json()["total"] == 3
    assert index_health.index_problem(index_dir) is None


def test_the_search_page_says_the_index_is_being_rebuilt(
    regions: None, tmp_path: Path, settings: Any, client: Client
) -> None:
    _import(tmp_path, range(1, 4))
    _break_index(Path(settings.SEARCH_INDEX_DIR), "segment")
    settings.INDEX_SYNC_REBUILD_LIMIT = 0

    page = client.get("/patents/", {"q": "固态电池"})

    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "索引重建中，请稍后再试" in page.content.decode()
    assert index_health.wait_for_rebuild(120)
    page = client.get("/patents/", {"q": "固态电池"})
    assert page.status_code == 200 and "电解质1" in page.content.decode()


def test_a_small_corpus_is_rebuilt_before_answering(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    _import(tmp_path, range(1, 4))
    _break_index(Path(settings.SEARCH_INDEX_DIR), "deleted")
    assert selectors.patent_search("固态电池").total == 3  # not an empty result


def test_reindex_recovers_a_corrupt_index(regions: None, tmp_path: Path, settings: Any) -> None:
    _import(tmp_path, range(1, 4))
    index_dir = Path(settings.SEARCH_INDEX_DIR)
    _break_index(index_dir, "meta")
    assert index_health.index_problem(index_dir) == "corrupt"

    call_command("reindex", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115

    assert index_health.index_problem(index_dir) is None
    assert selectors.patent_search("固态电池").total == 3


def test_the_follower_finds_a_broken_index_at_start_and_rebuilds_it(
    regions: None, tmp_path: Path, settings: Any
) -> None:
    _import(tmp_path, range(1, 4))
    index_dir = Path(settings.SEARCH_INDEX_DIR)
    _break_index(index_dir, "segment")
    settings.INDEX_SYNC_REBUILD_LIMIT = 0
    assert index_health.index_status()["state"] == "corrupt"
    outbox._checked_in.clear()  # a process starting

    outbox.outbox_follow_once()

    assert index_health.wait_for_rebuild(120)
    assert index_health.index_status() == {"state": "ok", "pending": 0}
    assert selectors.patent_search("固态电池").total == 3
