"""A version number of the patent corpus that every write moves, kept by the database.

The navigation snapshot (:mod:`iphub.navigation.snapshot`) copies the patent
and party columns the analysis reads; it may be used only while nothing has
been written since. The question "has anything changed?" is answered here, by
a :class:`~iphub.core.write_counter.WriteCounter` over those columns (the
module docstring there says why triggers, and how PostgreSQL's sequence is
read safely): a write to any other column (titles, texts, region links) leaves
the snapshot valid. A party row's id counts too, since replacing a patent's
parties writes new rows.
"""

from __future__ import annotations

from typing import Any

from iphub.core.write_counter import Stamp, WriteCounter, WritersStillRunning, wait_for_writers
from iphub.navigation import frames
from iphub.patents.models import Patent, PatentParty

__all__ = [
    "COUNTER",
    "Stamp",
    "WritersStillRunning",
    "current",
    "install",
    "uninstall",
    "version_advance",
    "wait_for_writers",
]

TABLE = "navigation_corpus_version"
SEQUENCE = "navigation_corpus_seq"
TRIGGER_PREFIX = "navigation_corpus_"
PATENT_COLUMNS = tuple(frames.PATENT_COLUMNS)
PARTY_COLUMNS = ("id", *frames.PARTY_COLUMNS)


def _tables() -> dict[str, tuple[str, ...]]:
    return {Patent._meta.db_table: PATENT_COLUMNS, PatentParty._meta.db_table: PARTY_COLUMNS}


COUNTER = WriteCounter(table=TABLE, sequence=SEQUENCE, prefix=TRIGGER_PREFIX, tables=_tables)


def install(conn: Any = None) -> None:
    """Create the version table (or sequence) and the triggers; idempotent
    (the navigation migration calls it)."""
    COUNTER.install(conn)


def uninstall(conn: Any = None) -> None:
    """Drop what :func:`install` created."""
    COUNTER.uninstall(conn)


def current(conn: Any = None) -> Stamp:
    """The corpus version now."""
    return COUNTER.current(conn)


def version_advance(conn: Any = None) -> None:
    """Move the version by hand (after a repair; tests use it too)."""
    COUNTER.advance(conn)
