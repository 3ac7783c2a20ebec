"""A version number of the patent corpus that every write moves, kept by the database.

The navigation snapshot (:mod:`iphub.navigation.snapshot`) copies the patent
and party columns the analysis reads; it may be used only while nothing has
been written since. The question "has anything changed?" is answered here.

Why triggers and not a stamp computed from the rows: the cheap aggregates miss
writes. ``max(id)`` and ``count(*)`` do not see a row changed in place;
``updated_at`` is not set by ``QuerySet.update()`` or ``bulk_update`` (the
importer's re-import of existing records uses the latter), has no index, and
every future write path would have to remember it. A trigger on the two tables
sees every write — the importer's bulk statements, ``legal_event_append``'s
status changes, deletions, the admin, raw SQL and COPY — without any of them
knowing about the snapshot.

* SQLite: row triggers add one to the single row of ``navigation_corpus_version``
  in the writer's own transaction (SQLite writers are serialised anyway).
* PostgreSQL: statement triggers call ``nextval`` on the sequence
  ``navigation_corpus_seq``. A counter row would be a lock every patent writer
  waits on (an all-or-nothing import would hold it for minutes, and two writers
  taking it and a patent row in opposite orders deadlock); a sequence takes no
  lock, but is not transactional, so the snapshot builder first waits until the
  transactions that were running when it read the version have ended
  (:func:`wait_for_writers`): afterwards every write numbered at or below that
  version is committed and visible to the build's reads.

The table also holds a random ``epoch`` chosen when it was created, so a
snapshot of one database never passes for one of another (a recreated
database starts counting from zero again).

Django's SQLite schema editor rebuilds a table for many ``ALTER``\\ s and the
rebuild drops its triggers; :func:`current` therefore checks that the triggers
are there and, if not, installs them again and moves the version, which makes
every older snapshot stale.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import connection as default_connection

from iphub.navigation import frames
from iphub.patents.models import Patent, PatentParty

TABLE = "navigation_corpus_version"
SEQUENCE = "navigation_corpus_seq"
TRIGGER_PREFIX = "navigation_corpus_"
# The columns the snapshot copies (frames.py reads the same ones): a write to any
# other column (titles, texts, region links) leaves the snapshot valid. A party
# row's id counts too, since replacing a patent's parties writes new rows.
PATENT_COLUMNS = tuple(frames.PATENT_COLUMNS)
PARTY_COLUMNS = ("id", *frames.PARTY_COLUMNS)


@dataclass(frozen=True)
class Stamp:
    """Which database, and how far its corpus has been written."""

    epoch: str
    version: int

    def as_text(self) -> str:
        return f"{self.epoch}:{self.version}"


def _tables() -> dict[str, tuple[str, ...]]:
    return {Patent._meta.db_table: PATENT_COLUMNS, PatentParty._meta.db_table: PARTY_COLUMNS}


def _trigger_names() -> list[str]:
    names = []
    for table in _tables():
        for event in ("insert", "delete", "update", "truncate"):
            names.append(f"{TRIGGER_PREFIX}{table}_{event}")
    return names


def _sqlite_statements() -> list[str]:
    bump = f"UPDATE {TABLE} SET version = version + 1 WHERE id = 1;"
    out = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "epoch TEXT NOT NULL, version INTEGER NOT NULL)",
        f"INSERT OR IGNORE INTO {TABLE} (id, epoch, version) "
        "VALUES (1, lower(hex(randomblob(8))), 0)",
    ]
    for table, columns in _tables().items():
        name = f"{TRIGGER_PREFIX}{table}"
        cols = ", ".join(columns)
        out += [
            f"DROP TRIGGER IF EXISTS {name}_insert",
            f"DROP TRIGGER IF EXISTS {name}_delete",
            f"DROP TRIGGER IF EXISTS {name}_update",
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {bump} END",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {bump} END",
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF {cols} ON {table} BEGIN {bump} END",
        ]
    return out


def _postgres_statements() -> list[str]:
    out = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY CHECK (id = 1), "
        "epoch text NOT NULL)",
        f"INSERT INTO {TABLE} (id, epoch) "
        "VALUES (1, md5(random()::text || clock_timestamp()::text)) ON CONFLICT (id) DO NOTHING",
        f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
        "CREATE OR REPLACE FUNCTION navigation_corpus_bump() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$",
    ]
    for table, columns in _tables().items():
        name = f"{TRIGGER_PREFIX}{table}"
        cols = ", ".join(columns)
        for event, clause in (
            ("insert", "INSERT"),
            ("delete", "DELETE"),
            ("truncate", "TRUNCATE"),
            ("update", f"UPDATE OF {cols}"),
        ):
            out += [
                f"DROP TRIGGER IF EXISTS {name}_{event} ON {table}",
                f"CREATE TRIGGER {name}_{event} AFTER {clause} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION navigation_corpus_bump()",
            ]
    return out


def install(conn: Any = None) -> None:
    """Create the version table (or sequence) and the triggers; idempotent.

    Called by the navigation migration and again by :func:`current` when a
    schema change has dropped the triggers.
    """
    conn = conn or default_connection
    statements = _postgres_statements() if conn.vendor == "postgresql" else _sqlite_statements()
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def uninstall(conn: Any = None) -> None:
    conn = conn or default_connection
    with conn.cursor() as cur:
        for table in _tables():
            for event in ("insert", "delete", "update", "truncate"):
                name = f"{TRIGGER_PREFIX}{table}_{event}"
                if conn.vendor == "postgresql":
                    cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                else:
                    cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        if conn.vendor == "postgresql":
            cur.execute("DROP FUNCTION IF EXISTS navigation_corpus_bump()")
            cur.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
        cur.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _installed(cur: Any, vendor: str) -> bool:
    if vendor == "postgresql":
        cur.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
            [f"{TRIGGER_PREFIX}%"],
        )
        expected = len(_trigger_names())
    else:
        cur.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{TRIGGER_PREFIX}%"],
        )
        expected = 3 * len(_tables())  # SQLite has no TRUNCATE
    return bool(cur.fetchone()[0] == expected)


def _read(cur: Any, vendor: str) -> Stamp | None:
    if vendor == "postgresql":
        cur.execute(
            f"SELECT t.epoch, CASE WHEN s.is_called THEN s.last_value ELSE 0 END "
            f"FROM {TABLE} t, {SEQUENCE} s WHERE t.id = 1"
        )
    else:
        cur.execute(f"SELECT epoch, version FROM {TABLE} WHERE id = 1")
    row = cur.fetchone()
    return Stamp(str(row[0]), int(row[1])) if row else None


def current(conn: Any = None) -> Stamp:
    """The corpus version now (two index-free reads of one row, plus the trigger check)."""
    conn = conn or default_connection
    vendor = conn.vendor
    with conn.cursor() as cur:
        stamp = _read(cur, vendor) if _installed(cur, vendor) else None
    if stamp is not None:
        return stamp
    # Missing triggers: writes since they went missing were not counted, so move
    # the version past anything a snapshot can carry.
    install(conn)
    version_advance(conn)
    with conn.cursor() as cur:
        stamp = _read(cur, vendor)
    assert stamp is not None
    return stamp


def version_advance(conn: Any = None) -> None:
    """Move the version by hand (after a repair; tests use it too)."""
    conn = conn or default_connection
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            cur.execute(f"SELECT nextval('{SEQUENCE}')")
        else:
            cur.execute(f"UPDATE {TABLE} SET version = version + 1 WHERE id = 1")


class WritersStillRunning(Exception):
    """Transactions that were writing when the version was read have not ended in time."""


def wait_for_writers(conn: Any = None, *, timeout: float = 600.0) -> None:
    """PostgreSQL: wait until every transaction that was running when this was
    called has ended (see the module docstring); a no-op on SQLite, whose version
    moves inside the writer's transaction.

    ``pg_current_xact_id()`` takes a transaction id N; every writer that moved
    the sequence before holds a smaller id, and once the oldest transaction
    still running is at least N, all of them have committed or rolled back.
    (A snapshot's in-progress list would not do: it leaves out transactions
    whose ids are above the last completed one.)
    """
    conn = conn or default_connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cur:
        cur.execute("SELECT pg_current_xact_id()::text")
        mark = cur.fetchone()[0]
        deadline = time.monotonic() + timeout
        while True:
            cur.execute("SELECT pg_snapshot_xmin(pg_current_snapshot()) >= %s::xid8", [mark])
            if cur.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise WritersStillRunning("仍有写入事务未结束，快照稍后再建。")
            time.sleep(0.2)
