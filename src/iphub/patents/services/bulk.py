"""The import's bulk write path: a batch of validated rows in a few set-based statements.

``patents_upsert`` (records.py) writes through the ORM: every value of every row
passes Django's field preparation and a multi-row INSERT is compiled per 500 rows,
which was two thirds of an import's time (611 rows/s). Here one batch (``batch_rows``,
5,000 by default) is written as:

* **PostgreSQL**: ``COPY`` into a temporary staging table, then ONE
  ``INSERT … SELECT … ON CONFLICT (natural_key) DO UPDATE … RETURNING``, which also
  says which rows were new (``xmax = 0``). Parties and legal events are ``COPY``-ed
  straight into their tables (they are replaced, never merged).
* **SQLite**: ``executemany`` of ``INSERT … ON CONFLICT (natural_key) DO UPDATE``
  inside the caller's transaction (SQLite is fastest with few, large transactions).

The natural key, the values written (``records._values``), the replaced parties and
``import`` legal events, citations and grades are those of ``patents_upsert``, so a
record looks the same whichever path wrote it, and a re-import updates rather than
duplicates. Call inside a transaction.

**An unchanged record is left alone** (issue 24: a weekly publication file repeats
records it listed before). The upsert's ``DO UPDATE`` carries a ``WHERE`` that
compares the stored columns with the incoming ones, null-safe (PostgreSQL: the two
row values ``IS DISTINCT FROM``; SQLite: ``NOT (a IS excluded.a AND ...)``), so a
record whose every compared column is equal is not rewritten: no new row version,
no ``updated_at`` bump, its parties and ``import`` events are not replaced, it is
not regraded, not sent to the index and not counted as updated. Comparing the
columns was chosen over a stored content hash: it needs no new column, no
migration and no backfill of the hash for records already held, cannot go stale
when a record is edited on the platform (a pledge's transfer rewrites
``applicants``: the next import of the file's older value then counts as a
change, as it is), and costs one comparison per conflicting row. ``source`` (the
name of the file that last wrote the record) is not compared: the same record in
next week's file is the same record. Which rows changed is read back from the
statement itself: PostgreSQL's ``RETURNING`` lists only inserted and updated rows;
on SQLite an updated row is one whose ``updated_at`` is this batch's timestamp.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from iphub.patents.addresses import resolve_addresses
from iphub.patents.importers import PatentIn
from iphub.patents.indexing import _document, index_on_commit
from iphub.patents.legal_status import (
    DECISIVE_KINDS,
    IMPORT_SOURCE,
    EventFact,
    snapshot_date,
    status_over_snapshot,
)
from iphub.patents.models import (
    LegalEvent,
    LegalEventKind,
    PartyRole,
    Patent,
    PatentParty,
)
from iphub.patents.names import applicant_key, clean_person
from iphub.patents.services.records import _FIELDS, _hubei_region_ids, _intelligence_update, _values

DEFAULT_BATCH_ROWS = 5000
# Every written column but the file's name: an equal record in another file is unchanged.
_COMPARED = tuple(c for c in _FIELDS if c != "source")
# SQLite's limit of bound parameters per statement is 32,766 since 3.32; PostgreSQL's
# is 65,535. Id lists are cut well below either (PostgreSQL passes one array).
_SQLITE_IDS_PER_STATEMENT = 900
_JSON_FIELDS = frozenset({"applicants", "inventors", "ipc_codes", "extra", "citations"})
_DATE_FIELDS = frozenset({"app_date", "pub_date", "grant_date"})
_STAGE = "iphub_import_patent_stage"


def batch_rows() -> int:
    """Rows written per batch (``IMPORT_BATCH_ROWS``; tests set a small one so that a
    file spans several batches)."""
    return int(getattr(settings, "IMPORT_BATCH_ROWS", DEFAULT_BATCH_ROWS))


class BulkWrite(NamedTuple):
    """What one batch did: the records written (created or changed) and the counts."""

    ids: list[int]
    created: int
    updated: int
    unchanged: int  # records the batch repeated exactly: not rewritten


def patents_bulk_write(
    rows: Sequence[PatentIn],
    *,
    index: bool = True,
    documents: BatchDocuments | None = None,
) -> BulkWrite:
    """Create or update a batch of validated rows by natural key, set-based.

    Returns the ids written (created or changed; a record the batch repeats
    unchanged is left alone, see the module's docstring) and the counts.
    ``index=False`` skips the outbox rows: the caller indexes the load itself
    (``imports``: a load of most of the corpus). Given ``documents``, the written
    records' search documents are put there, built from the rows in hand and
    their fresh grades (the same documents ``indexing._documents`` reads back
    from the database), with the ids of the updated records. Call inside a
    transaction.
    """
    if not rows:
        return BulkWrite([], 0, 0, 0)
    # A file may repeat a record; the last occurrence wins, as a re-import would.
    by_key = {r.natural_key: r for r in rows}
    resolved = resolve_addresses(
        [r.address for r in by_key.values()], [r.province_code_hint for r in by_key.values()]
    )
    regions = _hubei_region_ids()
    records = [
        {"natural_key": key, **_values(row, res, regions)}
        for (key, row), res in zip(by_key.items(), resolved, strict=True)
    ]
    _status_reconcile(records, by_key)
    if connection.vendor == "postgresql":
        ids_by_key, created_keys = _patents_write_pg(records)
    else:
        ids_by_key, created_keys = _patents_write_sqlite(records)
    unchanged = len(records) - len(ids_by_key)
    # The unchanged are done with (an import's index build reads them back at the end).
    records = [r for r in records if r["natural_key"] in ids_by_key]
    by_key = {key: by_key[key] for key in ids_by_key}
    # Parties and import events of updated records are replaced; new ones have none.
    updated_ids = [pid for key, pid in ids_by_key.items() if key not in created_keys]
    _delete_where_in(PatentParty._meta.db_table, "patent_id", updated_ids)
    _delete_where_in(LegalEvent._meta.db_table, "patent_id", updated_ids, "source = 'import'")
    _rows_insert(PatentParty, _party_rows(by_key, ids_by_key))
    _rows_insert(LegalEvent, _event_rows(by_key, ids_by_key))
    grades = _intelligence_update(by_key, ids_by_key)
    ids = list(ids_by_key.values())
    if index:
        index_on_commit(ids)
    if documents is not None:
        documents.docs = _documents_of(records, by_key, ids_by_key, grades)
        documents.updated = [pid for key, pid in ids_by_key.items() if key not in created_keys]
    return BulkWrite(ids, len(created_keys), len(ids) - len(created_keys), unchanged)


@dataclass
class BatchDocuments:
    """A written batch's search documents, and the ids of its records that existed
    before it (``patents_bulk_write(documents=...)`` fills it)."""

    docs: list[dict[str, Any]] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)


def _documents_of(
    records: list[dict[str, Any]],
    by_key: dict[str, PatentIn],
    ids_by_key: dict[str, int],
    grades: dict[int, tuple[str, int]],
) -> list[dict[str, Any]]:
    """The index documents of the written records, as ``indexing._documents`` would
    read them back: the columns written, the parties' names as stored (cut to 200
    characters, inventors cleaned) and the grade just computed."""
    out = []
    for rec in records:
        key = rec["natural_key"]
        pid = ids_by_key[key]
        row = by_key[key]
        band, score = grades.get(pid, (None, None))
        out.append(
            _document(
                {**rec, "pk": pid, "grade__band": band, "grade__score": score},
                [name[:200] for name in row.applicants],
                [clean_person(name)[:200] for name in row.inventors],
            )
        )
    return out


# -- patents ---------------------------------------------------------------------------
def _columns() -> list[str]:
    return ["natural_key", *_FIELDS]


def _patents_write_pg(records: list[dict[str, Any]]) -> tuple[dict[str, int], set[str]]:
    """COPY into a staging table, one set-based upsert; (ids by key of the records
    created or changed, created keys). Unchanged records are not returned."""
    table = Patent._meta.db_table
    cols = _columns()
    col_sql = ", ".join(cols)
    with connection.cursor() as cursor:
        # The staging table lives for the session (a rolled-back transaction takes
        # its creation with it, hence IF NOT EXISTS on every batch).
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} AS "
            f"SELECT {col_sql} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY {_STAGE} ({col_sql}) FROM STDIN") as copy:
            for rec in records:
                copy.write_row([_pg_value(c, rec[c]) for c in cols])
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _FIELDS)
        stored = ", ".join(f"t.{c}" for c in _COMPARED)
        incoming = ", ".join(f"EXCLUDED.{c}" for c in _COMPARED)
        cursor.execute(
            f"INSERT INTO {table} AS t ({col_sql}, citations, created_at, updated_at) "
            f"SELECT {col_sql}, '[]'::jsonb, now(), now() FROM {_STAGE} "
            f"ON CONFLICT (natural_key) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at "
            f"WHERE ({stored}) IS DISTINCT FROM ({incoming}) "
            "RETURNING id, natural_key, (xmax = 0)"
        )
        returned = cursor.fetchall()
    ids_by_key = {key: pid for pid, key, _new in returned}
    created = {key for _pid, key, new in returned if new}
    # Keep the caller's order (the file's), as patents_upsert does.
    keys = (r["natural_key"] for r in records)
    return {k: ids_by_key[k] for k in keys if k in ids_by_key}, created


def _pg_value(column: str, value: Any) -> Any:
    if column in _JSON_FIELDS:
        return json.dumps(value)
    return value


def _patents_write_sqlite(records: list[dict[str, Any]]) -> tuple[dict[str, int], set[str]]:
    """executemany of an upsert; (ids by key of the records created or changed,
    created keys). Unchanged records are left out."""
    table = Patent._meta.db_table
    cols = _columns()
    keys = [r["natural_key"] for r in records]
    existing = _ids_by_key(keys)
    stamp = timezone.now()
    now = connection.ops.adapt_datetimefield_value(stamp)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _FIELDS)
    same = " AND ".join(f"{table}.{c} IS excluded.{c}" for c in _COMPARED)
    sql = (
        f"INSERT INTO {table} ({', '.join(cols)}, citations, created_at, updated_at) "
        f"VALUES ({', '.join(['%s'] * len(cols))}, '[]', %s, %s) "
        f"ON CONFLICT (natural_key) DO UPDATE SET {updates}, updated_at = excluded.updated_at "
        f"WHERE NOT ({same})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [[*(_sqlite_value(c, rec[c]) for c in cols), now, now] for rec in records]
        )
    created = {k for k in keys if k not in existing}
    changed = _ids_by_key([k for k in keys if k in existing], updated_at=stamp)
    ids_by_key = {**_ids_by_key(sorted(created)), **changed}
    return {k: ids_by_key[k] for k in keys if k in ids_by_key}, created


def _sqlite_value(column: str, value: Any) -> Any:
    if column in _JSON_FIELDS:
        return json.dumps(value)  # as Django's JSONField stores it
    if column in _DATE_FIELDS and value is not None:
        return value.isoformat()
    return value


def _ids_by_key(keys: list[str], *, updated_at: dt.datetime | None = None) -> dict[str, int]:
    """Ids of the records with these natural keys (only those stamped ``updated_at``,
    when given: the rows this batch's upsert rewrote)."""
    # Plain SQL: a QuerySet's ``natural_key__in`` prepares each of the 5,000 keys
    # of a batch in Python first, which cost more than the lookup.
    out: dict[str, int] = {}
    table = Patent._meta.db_table
    stamped = " AND updated_at = %s" if updated_at is not None else ""
    with connection.cursor() as cursor:
        for start in range(0, len(keys), _SQLITE_IDS_PER_STATEMENT):
            chunk = keys[start : start + _SQLITE_IDS_PER_STATEMENT]
            marks = ", ".join(["%s"] * len(chunk))
            params: list[Any] = list(chunk)
            if updated_at is not None:
                params.append(connection.ops.adapt_datetimefield_value(updated_at))
            cursor.execute(
                f"SELECT natural_key, id FROM {table} WHERE natural_key IN ({marks}){stamped}",
                params,
            )
            out.update(cursor.fetchall())
    return out


# -- status: the row's snapshot and the events recorded since ------------------------
def _status_reconcile(records: list[dict[str, Any]], by_key: dict[str, PatentIn]) -> None:
    """Give each held record the status its history implies, not the file's word alone.

    A weekly publication file repeats a record's 法律状态 as of its export; a change
    file applied since may have recorded a later lapse or restoration. The status
    written is the row's (the snapshot, kept as the import's undated ``status``
    event) with the dated decisive events recorded elsewhere after the row's own
    latest date replayed over it (``legal_status.status_over_snapshot``), the rule
    the change-file path applies too; an empty 授权公告日 takes the first recorded
    grant's date, as there. Done before the write, so the unchanged-row comparison,
    the documents and the grade all see the status that is stored. A new record,
    or one with no such events, keeps the row's values.
    """
    held = _later_events(list(by_key))
    if not held:
        return
    for rec in records:
        events = held.get(rec["natural_key"])
        if not events:
            continue
        row = by_key[rec["natural_key"]]
        as_of = snapshot_date((row.app_date, row.pub_date, row.grant_date), dict(row.extra))
        rec["legal_status"] = status_over_snapshot(row.legal_status[:100], as_of, events)[:100]
        grants = [e.date for e in events if e.kind == LegalEventKind.GRANTED and e.date]
        if rec["grant_date"] is None and grants:
            rec["grant_date"] = min(grants)


def _later_events(keys: list[str]) -> dict[str, list[EventFact]]:
    """The dated decisive events recorded outside imports (change files, the
    platform) on the held records of these natural keys, by key."""
    out: dict[str, list[EventFact]] = {}
    kinds = sorted(str(k) for k in DECISIVE_KINDS)
    sql = (
        f"SELECT p.natural_key, e.kind, e.date, e.detail, e.source "
        f"FROM {LegalEvent._meta.db_table} e JOIN {Patent._meta.db_table} p "
        f"ON p.id = e.patent_id WHERE e.source <> %s AND e.date IS NOT NULL "
        f"AND e.kind IN ({', '.join(['%s'] * len(kinds))}) AND p.natural_key IN "
    )
    pg = connection.vendor == "postgresql"
    step = max(len(keys), 1) if pg else _SQLITE_IDS_PER_STATEMENT  # PostgreSQL: one array
    with connection.cursor() as cursor:
        for start in range(0, len(keys), step):
            chunk = keys[start : start + step]
            if pg:
                cursor.execute(sql + "(SELECT unnest(%s::text[]))", [IMPORT_SOURCE, *kinds, chunk])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(sql + f"({marks})", [IMPORT_SOURCE, *kinds, *chunk])
            for key, kind, date, detail, source in cursor.fetchall():
                if isinstance(date, str):  # SQLite hands dates back as text
                    date = dt.date.fromisoformat(date)
                out.setdefault(key, []).append(EventFact(kind, date, detail, source))
    return out


# -- parties and legal events ----------------------------------------------------------
def _party_rows(by_key: dict[str, PatentIn], ids_by_key: dict[str, int]) -> Iterable[tuple]:
    for key, row in by_key.items():
        pid = ids_by_key[key]
        for i, name in enumerate(row.applicants):
            yield (pid, PartyRole.APPLICANT.value, i, name[:200], applicant_key(name)[:200])
        for i, name in enumerate(row.inventors):
            person = clean_person(name)[:200]
            yield (pid, PartyRole.INVENTOR.value, i, person, person)


_PARTY_COLUMNS = ("patent_id", "role", "position", "name", "key")
_EVENT_COLUMNS = ("patent_id", "kind", "date", "detail", "source", "created_at")


def _event_rows(by_key: dict[str, PatentIn], ids_by_key: dict[str, int]) -> Iterable[tuple]:
    iso = connection.vendor != "postgresql"
    now: Any = timezone.now()
    if iso:
        now = connection.ops.adapt_datetimefield_value(now)
    for key, row in by_key.items():
        pid = ids_by_key[key]
        for kind, date in (
            (LegalEventKind.FILED, row.app_date),
            (LegalEventKind.PUBLISHED, row.pub_date),
            (LegalEventKind.GRANTED, row.grant_date),
        ):
            if date:
                yield (pid, kind.value, date.isoformat() if iso else date, "", "import", now)
        if row.legal_status:
            yield (
                pid,
                LegalEventKind.STATUS.value,
                None,
                row.legal_status[:300],
                "import",
                now,
            )


def _rows_insert(model: type[PatentParty] | type[LegalEvent], rows: Iterable[tuple]) -> None:
    """Plain rows into ``model``'s table: COPY on PostgreSQL, executemany on SQLite."""
    table = model._meta.db_table
    columns = _PARTY_COLUMNS if model is PatentParty else _EVENT_COLUMNS
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            cursor.executemany(sql, list(rows))


def _delete_where_in(table: str, column: str, ids: list[int], extra: str = "") -> None:
    """DELETE the rows whose ``column`` is among ``ids`` (one array parameter on
    PostgreSQL, chunks of bound parameters on SQLite)."""
    if not ids:
        return
    cond = f" AND {extra}" if extra else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s){cond}", [ids])
            return
        for start in range(0, len(ids), _SQLITE_IDS_PER_STATEMENT):
            chunk = ids[start : start + _SQLITE_IDS_PER_STATEMENT]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks}){cond}", chunk)
