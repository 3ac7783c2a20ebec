"""The navigation snapshot: the whole corpus's analysis columns in a DuckDB file.

An analysis of a big chain reads hundreds of thousands of patents with their
applicants and inventors. Fetching those rows from SQLite or PostgreSQL by id
and turning them into frames took ~11 s of a 14 s analysis at 1M records,
while the columnar queries took ~2 s. The snapshot moves that cost out of the
analysis: a background job copies the narrow columns of *every* patent and
party row, in the shape the analysis queries (tables ``p``, ``codes``,
``parties``, ``inventors`` and their distinct projections of
:func:`frames.derive`), into one DuckDB file
(``settings.NAVIGATION_SNAPSHOT_PATH``). An analysis then attaches the file
read-only and keeps the selected rows with a semi-join against the id list.

Correctness comes first: the snapshot records the corpus version
(:mod:`iphub.navigation.corpus_version`) it was copied at, and an analysis uses
it only when the database's version is still the same. Otherwise — a patent's
legal status changed by a filing, a record imported or deleted, a party edited
— the analysis reads from the database exactly as before (same derivation SQL,
so the same numbers) and queues a rebuild. Imports and ``reindex`` queue one
too when a snapshot exists. The build streams the database in id batches
(keyset pagination, the same SQL on SQLite and PostgreSQL), writes a temporary
file and renames it into place, so a reader sees the old file or the new one,
never half of one; a file lock keeps two builds from running at once.

Legal events (registered pledges) and staff evidence are not copied: they are
small tables read from the database by every analysis, so a pledge registered a
minute ago counts even though pledges do not invalidate the snapshot.

Versioning is deliberately all-or-nothing: after a write, analyses take the
database path until the rebuild (tens of seconds at 1M records) finishes.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction

from iphub.navigation import corpus_version, frames
from iphub.patents.models import Patent, PatentParty

logger = logging.getLogger(__name__)

# Bump when frames.derive or the copied columns change: older files are then ignored.
FORMAT = "4"
BATCH = 50_000
SNAPSHOT_TABLES: dict[str, str | None] = {
    "p": "id",
    "codes": "patent_id",
    "parties": "patent_id",
    "subs": "patent_id",
    "groups": "patent_id",
    "party_keys": "patent_id",
    "inventor_keys": "patent_id",
    # Read through views of the whole table. The key numberings are corpus-wide;
    # the inventor rows with their names are read once, for the spellings of a
    # few dozen network nodes, by a query that restricts them to the selection's
    # patents itself (``analysis._common_names``): copying the ~1M selected rows
    # cost ~0.3 s of every analysis.
    "party_dict": None,
    "inventor_dict": None,
    "inventors": None,
}

Progress = Callable[[int, int | None], None]


class SnapshotBusy(Exception):
    """Another process is building the snapshot."""


def snapshot_path() -> Path:
    return Path(settings.NAVIGATION_SNAPSHOT_PATH)


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def snapshot_info() -> dict[str, str] | None:
    """The metadata of the snapshot file (stamp, counts, build time), or None."""
    path = snapshot_path()
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta").fetchall()}
    except duckdb.Error:
        return None
    finally:
        con.close()


def snapshot_fresh() -> bool:
    info = snapshot_info()
    return bool(
        info
        and info.get("format") == FORMAT
        and info.get("stamp") == corpus_version.current().as_text()
    )


def attach_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Attach the snapshot as ``snap`` if it is current; False (nothing attached) if
    it is missing, of an older format, or older than the database's last write."""
    path = snapshot_path()
    if not path.exists():
        return False
    stamp = corpus_version.current().as_text()
    try:
        con.execute(f"ATTACH {_sql_path(path)} AS snap (READ_ONLY)")
    except duckdb.Error:
        logger.warning("navigation snapshot %s cannot be opened", path, exc_info=True)
        return False
    meta = dict(con.execute("SELECT key, value FROM snap.meta").fetchall())
    if meta.get("format") == FORMAT and meta.get("stamp") == stamp:
        return True
    con.execute("DETACH snap")
    return False


def load_selected(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> bool:
    """Create the analysis tables for ``ids`` from the snapshot if it is current
    (returns True), else leave ``con`` untouched and return False.

    The snapshot stays attached, read-only, until ``con`` is closed: the tables
    without a key column in ``SNAPSHOT_TABLES`` are views of it, not copies.
    """
    if not attach_fresh(con):
        return False
    con.register("sel_ids", pd.DataFrame({"id": np.asarray(ids, dtype=np.int64)}))
    con.execute("CREATE OR REPLACE TEMP TABLE sel AS SELECT id FROM sel_ids")
    con.unregister("sel_ids")
    for table, key in SNAPSHOT_TABLES.items():
        if key is None:
            con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM snap.{table}")
            continue
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM snap.{table} "
            f"WHERE {key} IN (SELECT id FROM sel)"
        )
    return True


@contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SnapshotBusy("导航快照正在由另一个进程生成，请稍后再试。") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _batches(batch: int) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """(patents, parties) frames of consecutive id ranges, in id order."""
    table, party_table = Patent._meta.db_table, PatentParty._meta.db_table
    cols = ", ".join(frames.patent_select_columns())
    last = 0
    while True:
        patents = frames.fetch(
            f"SELECT {cols} FROM {table} WHERE id > %s ORDER BY id LIMIT %s", [last, batch]
        )
        if not patents:
            return
        high = patents[-1][0]
        parties = frames.fetch(
            f"SELECT {', '.join(frames.PARTY_COLUMNS)} FROM {party_table} "
            "WHERE patent_id > %s AND patent_id <= %s",
            [last, high],
        )
        yield frames.patent_frame(patents), frames.party_frame(parties)
        last = high


def snapshot_build(*, progress: Progress | None = None, batch: int = BATCH) -> dict[str, Any]:
    """Copy the corpus into a new snapshot file and put it in place.

    Raises :class:`SnapshotBusy` when another build holds the lock, and
    ``corpus_version.WritersStillRunning`` when writers do not finish in time.
    """
    path = snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(path):
        started = time.perf_counter()
        # The version first: rows written after this read make the file stale at
        # once, rows written before it are in the reads below.
        stamp = corpus_version.current()
        corpus_version.wait_for_writers()
        total = Patent.objects.count()
        tmp = path.with_name(f"{path.name}.building-{os.getpid()}")
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            frames.create_raw_tables(con)
            done = 0
            for patents, parties in _batches(batch):
                frames.append_raw(con, patents, parties)
                done += len(patents)
                if progress:
                    progress(done, max(total, done))
            frames.derive(con)
            con.execute("DROP TABLE lead")  # only inventors' keys are made from it
            con.execute("DROP TABLE raw_p")
            con.execute("DROP TABLE raw_parties")
            counts = {
                t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                for t in SNAPSHOT_TABLES
            }
            meta = {
                "format": FORMAT,
                "stamp": stamp.as_text(),
                "vendor": connection.vendor,
                "patents": str(counts["p"]),
                "parties": str(counts["parties"]),
                "inventors": str(counts["inventors"]),
                "build_s": f"{time.perf_counter() - started:.1f}",
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
            con.executemany("INSERT INTO meta VALUES (?, ?)", [list(i) for i in meta.items()])
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        os.replace(tmp, path)
    return meta


def snapshot_refresh() -> str:
    """Rebuild the snapshot unless it is current or being built; says which happened."""
    if snapshot_fresh():
        return "fresh"
    try:
        snapshot_build()
    except SnapshotBusy:
        return "busy"
    except corpus_version.WritersStillRunning:
        return "writers"
    return "built"


def snapshot_refresh_request(*, only_if_exists: bool = False) -> None:
    """Queue a rebuild in the background (after the current transaction commits).

    ``only_if_exists``: for the import and reindex hooks, which should keep an
    existing snapshot current but not create one on a platform that never used it.
    """
    if only_if_exists and not snapshot_path().exists():
        return
    from iphub.navigation.tasks import refresh_snapshot

    transaction.on_commit(refresh_snapshot.enqueue)
