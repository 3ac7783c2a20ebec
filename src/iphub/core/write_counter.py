"""A version number that every write to a set of tables moves, kept by the database.

Derived data (navigation's columnar snapshot, enterprises' peer figures) may be
served only while nothing it was computed from has been written since. Which
writes count is answered by database triggers, not by the writers: ``max(id)``
and ``count(*)`` do not see a row changed in place, ``updated_at`` is not set by
``QuerySet.update()`` or ``bulk_update``, and every future write path would have
to remember to stamp. A trigger sees them all — bulk statements, COPY, the admin,
raw SQL — without any of them knowing who reads the counter.

* SQLite: row triggers add one to the single row of the counter's table in the
  writer's own transaction (SQLite writers are serialised anyway).
* PostgreSQL: statement triggers call ``nextval`` on the counter's sequence. A
  counter row would be a lock every writer waits on (an all-or-nothing import
  would hold it for minutes, and two writers taking it and a data row in
  opposite orders deadlock); a sequence takes no lock but is not transactional,
  so a reader must know that the transactions running when it read the version
  have ended before it trusts what it computes (:func:`wait_for_writers`,
  :func:`writers_settled`).

The table also holds a random ``epoch`` chosen when it was created, so a stamp
of one database never passes for one of another (a recreated database starts
counting from zero again). Django's SQLite schema editor rebuilds a table for
many ``ALTER``\\ s and the rebuild drops its triggers; :meth:`WriteCounter.current`
therefore checks that the triggers are there and, if not, installs them again
and moves the version, which makes everything stamped before stale.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection as default_connection


@dataclass(frozen=True)
class Stamp:
    """Which database, and how far the counted tables have been written."""

    epoch: str
    version: int

    def as_text(self) -> str:
        return f"{self.epoch}:{self.version}"


class WritersStillRunning(Exception):
    """Transactions that were writing when the version was read have not ended in time."""


@dataclass(frozen=True)
class WriteCounter:
    """One counter: its version table, its PostgreSQL sequence, the prefix of its
    triggers (and of its PostgreSQL trigger function, ``<prefix>bump``), and the
    tables it counts, each with the columns whose updates count (inserts and
    deletes always count). ``tables`` is a callable so that model tables are
    looked up when the counter is used, not when the module is imported."""

    table: str
    sequence: str
    prefix: str
    tables: Callable[[], dict[str, tuple[str, ...]]]

    @property
    def function(self) -> str:
        return f"{self.prefix}bump"

    def triggers(self) -> list[tuple[str, str]]:
        """(trigger name, table) of every trigger the counter installs on PostgreSQL
        (SQLite has no TRUNCATE trigger)."""
        return [
            (f"{self.prefix}{table}_{event}", table)
            for table in self.tables()
            for event in ("insert", "delete", "update", "truncate")
        ]

    def _sqlite_statements(self) -> list[str]:
        bump = f"UPDATE {self.table} SET version = version + 1 WHERE id = 1;"
        out = [
            f"CREATE TABLE IF NOT EXISTS {self.table} (id INTEGER PRIMARY KEY CHECK (id = 1), "
            "epoch TEXT NOT NULL, version INTEGER NOT NULL)",
            f"INSERT OR IGNORE INTO {self.table} (id, epoch, version) "
            "VALUES (1, lower(hex(randomblob(8))), 0)",
        ]
        for table, columns in self.tables().items():
            name = f"{self.prefix}{table}"
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

    def _postgres_statements(self) -> list[str]:
        out = [
            f"CREATE TABLE IF NOT EXISTS {self.table} (id integer PRIMARY KEY CHECK (id = 1), "
            "epoch text NOT NULL)",
            f"INSERT INTO {self.table} (id, epoch) "
            "VALUES (1, md5(random()::text || clock_timestamp()::text)) "
            "ON CONFLICT (id) DO NOTHING",
            f"CREATE SEQUENCE IF NOT EXISTS {self.sequence}",
            f"CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM nextval('{self.sequence}'); RETURN NULL; END $$",
        ]
        for table, columns in self.tables().items():
            name = f"{self.prefix}{table}"
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
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {self.function}()",
                ]
        return out

    def install(self, conn: Any = None) -> None:
        """Create the version table (or sequence) and the triggers; idempotent.
        Called by the owning app's migration and again by :meth:`current` when a
        schema change has dropped the triggers."""
        conn = conn or default_connection
        pg = conn.vendor == "postgresql"
        statements = self._postgres_statements() if pg else self._sqlite_statements()
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)

    def uninstall(self, conn: Any = None) -> None:
        """Drop the triggers, the function, the sequence and the table."""
        conn = conn or default_connection
        with conn.cursor() as cur:
            for name, table in self.triggers():
                if conn.vendor == "postgresql":
                    cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                else:
                    cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            if conn.vendor == "postgresql":
                cur.execute(f"DROP FUNCTION IF EXISTS {self.function}()")
                cur.execute(f"DROP SEQUENCE IF EXISTS {self.sequence}")
            cur.execute(f"DROP TABLE IF EXISTS {self.table}")

    def _installed(self, cur: Any, vendor: str) -> bool:
        if vendor == "postgresql":
            cur.execute(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                [f"{self.prefix}%"],
            )
            expected = len(self.triggers())
        else:
            cur.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{self.prefix}%"],
            )
            expected = 3 * len(self.tables())  # SQLite has no TRUNCATE
        return bool(cur.fetchone()[0] == expected)

    def _read(self, cur: Any, vendor: str) -> Stamp | None:
        if vendor == "postgresql":
            cur.execute(
                f"SELECT t.epoch, CASE WHEN s.is_called THEN s.last_value ELSE 0 END "
                f"FROM {self.table} t, {self.sequence} s WHERE t.id = 1"
            )
        else:
            cur.execute(f"SELECT epoch, version FROM {self.table} WHERE id = 1")
        row = cur.fetchone()
        return Stamp(str(row[0]), int(row[1])) if row else None

    def current(self, conn: Any = None) -> Stamp:
        """The version now (one read of one row, plus the trigger check)."""
        conn = conn or default_connection
        vendor = conn.vendor
        with conn.cursor() as cur:
            stamp = self._read(cur, vendor) if self._installed(cur, vendor) else None
        if stamp is not None:
            return stamp
        # Missing triggers: writes since they went missing were not counted, so move
        # the version past anything stamped before.
        self.install(conn)
        self.advance(conn)
        with conn.cursor() as cur:
            stamp = self._read(cur, vendor)
        assert stamp is not None
        return stamp

    def advance(self, conn: Any = None) -> None:
        """Move the version by hand (after a repair; tests use it too)."""
        conn = conn or default_connection
        with conn.cursor() as cur:
            if conn.vendor == "postgresql":
                cur.execute(f"SELECT nextval('{self.sequence}')")
            else:
                cur.execute(f"UPDATE {self.table} SET version = version + 1 WHERE id = 1")


def _xact_mark(cur: Any) -> str:
    cur.execute("SELECT pg_current_xact_id()::text")
    return str(cur.fetchone()[0])


def _ended_since(cur: Any, mark: str) -> bool:
    cur.execute("SELECT pg_snapshot_xmin(pg_current_snapshot()) >= %s::xid8", [mark])
    return bool(cur.fetchone()[0])


def writers_settled(conn: Any = None) -> bool:
    """Whether no other transaction of this database is writing now (always true
    on SQLite, whose versions move inside the writer's transaction).

    Read a stamp, then ask this: if true, every write numbered at or below the
    stamp is committed and visible to the queries that follow, so what they
    compute may be stored under the stamp. If false, compute without storing.
    It is stricter than it must be (a writer that began after the stamp also
    says no), which only costs a recomputation, and it looks at this database's
    sessions only (``pg_stat_activity``; :func:`wait_for_writers`' snapshot
    horizon is cluster-wide and would wait on other databases' work). A session
    of another database role shows no ``backend_xid`` to a role without
    ``pg_read_all_stats``: the platform connects as one role.
    """
    conn = conn or default_connection
    if conn.vendor != "postgresql":
        return True
    with conn.cursor() as cur:
        cur.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL)"
        )
        return bool(cur.fetchone()[0])


def wait_for_writers(conn: Any = None, *, timeout: float = 600.0) -> None:
    """PostgreSQL: wait until every transaction that was running when this was
    called has ended (see the module docstring); a no-op on SQLite.

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
        mark = _xact_mark(cur)
        deadline = time.monotonic() + timeout
        while not _ended_since(cur, mark):
            if time.monotonic() > deadline:
                raise WritersStillRunning("仍有写入事务未结束，快照稍后再建。")
            time.sleep(0.2)
