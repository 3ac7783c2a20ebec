"""The analysis tables of the selected patents, built in DuckDB.

:func:`derive` is the one place that turns raw patent and party rows into the
tables every query of :mod:`iphub.navigation.analysis` reads: ``p`` (one row per
patent), ``codes`` (patent, IPC code), ``parties`` (patent, normalised applicant
key, name), ``lead`` (each patent's first applicant) and ``inventors`` (patent,
person key, name). The raw rows come from one of two places:

* the navigation snapshot (:mod:`iphub.navigation.snapshot`), a DuckDB file
  holding the derived tables of the whole corpus, copied in the background and
  used only while no patent or party has been written since; the selected rows
  are kept with a semi-join on the id list, and the database is not read;
* the database itself (:func:`load_patents`), when the snapshot is missing or
  stale: one SQL statement per table fetches exactly the selected rows — the id
  list travels as one parameter (``json_each`` on SQLite, ``= ANY(array)`` on
  PostgreSQL), so there is no per-id placeholder limit and no ORM object
  construction — and the rows go into DuckDB as pandas frames.

Both paths run the same :func:`derive`, so they give the same numbers. Why not
DuckDB's ``sqlite``/``postgres`` scanners: the extensions are downloaded at first
use, which an offline server cannot do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from django.db import connection

from iphub.navigation.models import HighValueEvidence
from iphub.patents.models import LegalEvent, LegalEventKind, PartyRole, Patent, PatentParty

PATENT_COLUMNS = [
    "id",
    "patent_type",
    "app_date",
    "grant_date",
    "province_code",
    "city_code",
    "legal_status",
    "ipc_main",
    "ipc_codes",
    "citations",
]
PARTY_COLUMNS = ["patent_id", "role", "key", "name", "position"]
# The placeholder CNIPA prints for an inventor who asked not to be named.
UNNAMED_INVENTOR = "请求不公布姓名"
# Tables of (patent, key, name) rows whose keys derive() numbers, with the prefix
# of their ``*_dict`` (key -> integer) and ``*_keys`` (distinct patent, integer).
KEYED_TABLES = {"parties": "party", "inventors": "inventor"}
_TEXT_COLUMNS = ("app_date", "grant_date", "ipc_codes", "citations")
# Above this many ids, evidence and pledges are read whole and filtered in DuckDB.
ID_LIST_LIMIT = 20_000


def _id_filter(column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    """A WHERE clause restricting ``column`` to ``ids`` with one parameter."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _text(col: str) -> str:
    # Dates and JSON arrive as text on both backends, so DuckDB parses one shape.
    return f"{col}::text" if connection.vendor == "postgresql" else col


def patent_select_columns() -> list[str]:
    """The SELECT list of the patent columns, in ``PATENT_COLUMNS`` order."""
    return [_text(c) if c in _TEXT_COLUMNS else c for c in PATENT_COLUMNS]


def patent_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=PATENT_COLUMNS)


def party_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=PARTY_COLUMNS)


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty ``raw_p`` and ``raw_parties`` with fixed types (an all-NULL column of
    one batch must not decide a column's type)."""
    con.execute(
        "CREATE OR REPLACE TABLE raw_p (id BIGINT, patent_type VARCHAR, app_date VARCHAR, "
        "grant_date VARCHAR, province_code VARCHAR, city_code VARCHAR, legal_status VARCHAR, "
        "ipc_main VARCHAR, ipc_codes VARCHAR, citations VARCHAR)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE raw_parties (patent_id BIGINT, role VARCHAR, key VARCHAR, "
        "name VARCHAR, position INTEGER)"
    )


def append_raw(
    con: duckdb.DuckDBPyConnection, patents: pd.DataFrame, parties: pd.DataFrame
) -> None:
    """Append frames of database rows to ``raw_p`` and ``raw_parties``."""
    if not patents.empty:
        con.register("batch_p", patents)
        con.execute(
            "INSERT INTO raw_p SELECT "
            + ", ".join(
                f"CAST({c} AS {'BIGINT' if c == 'id' else 'VARCHAR'})" for c in PATENT_COLUMNS
            )
            + " FROM batch_p"
        )
        con.unregister("batch_p")
    if not parties.empty:
        con.register("batch_parties", parties)
        con.execute(
            "INSERT INTO raw_parties SELECT CAST(patent_id AS BIGINT), CAST(role AS VARCHAR), "
            "CAST(key AS VARCHAR), CAST(name AS VARCHAR), CAST(position AS INTEGER) "
            "FROM batch_parties"
        )
        con.unregister("batch_parties")


def derive(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``p``, ``codes``, ``parties`` and ``inventors`` (patent, integer key,
    name), ``lead``, the distinct projections ``subs``, ``groups``, ``party_keys``,
    ``inventor_keys`` (patent, integer key) and the key numberings ``party_dict``,
    ``inventor_dict`` (key, integer, unnamed) from ``raw_p`` and ``raw_parties``.

    Every derived row depends on its own patent's rows only, except the key
    numbers: those are numbered in key order over whatever was derived, so a
    selection of a whole-corpus derivation numbers its keys differently from a
    derivation of the selection, but in the same order, and every count, ranking
    and tie-break of the analysis (which orders by key or by number) is the same.

    Inventor records carry only a name, and common names recur across the
    country, so a person is a name *at* an organisation: the key is the name
    plus the patent's first applicant, the usual disambiguation in patent
    analytics when no inventor ids exist.
    """
    con.execute(
        """
        CREATE OR REPLACE TABLE p AS
        SELECT id::BIGINT AS id,
               coalesce(patent_type, '') AS patent_type,
               TRY_CAST(app_date AS DATE) AS app_date,
               TRY_CAST(grant_date AS DATE) AS grant_date,
               coalesce(province_code, '') AS province_code,
               coalesce(city_code, '') AS city_code,
               coalesce(legal_status, '') AS legal_status,
               replace(coalesce(ipc_main, ''), ' ', '') AS ipc_main,
               coalesce(TRY_CAST(json_array_length(citations) AS INTEGER), 0) AS citations,
               coalesce(TRY(from_json(ipc_codes, '["VARCHAR"]')), []) AS ipc_list
        FROM raw_p
        """
    )
    # Every code of a patent once, the main code included even when the list lacks it.
    con.execute(
        """
        CREATE OR REPLACE TABLE codes AS
        SELECT DISTINCT id AS patent_id, code FROM (
            SELECT id, replace(unnest(ipc_list), ' ', '') AS code FROM p
            UNION ALL SELECT id, ipc_main FROM p
        ) WHERE length(code) >= 4
        """
    )
    con.execute("ALTER TABLE p DROP COLUMN ipc_list")  # in ``codes`` now
    applicant, inventor = PartyRole.APPLICANT.value, PartyRole.INVENTOR.value
    con.execute(
        "CREATE OR REPLACE TABLE parties AS "
        "SELECT DISTINCT patent_id::BIGINT AS patent_id, key, name FROM raw_parties "
        f"WHERE role = '{applicant}' AND key <> ''"
    )
    con.execute(
        "CREATE OR REPLACE TABLE lead AS SELECT patent_id::BIGINT AS patent_id, "
        "arg_min(key, position) AS key, arg_min(name, position) AS name "
        f"FROM raw_parties WHERE role = '{applicant}' AND key <> '' GROUP BY 1"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE inventors AS
        SELECT DISTINCT i.patent_id::BIGINT AS patent_id,
               i.name || '@' || coalesce(l.key, '') AS key,
               CASE WHEN l.name IS NULL THEN i.name ELSE i.name || '（' || l.name || '）' END
                   AS name
        FROM raw_parties i LEFT JOIN lead l ON l.patent_id = i.patent_id
        WHERE i.role = '{inventor}' AND i.name <> ''
        """
    )
    # (patent, subclass), (patent, main group) and (patent, key) once each: the
    # counts of the analysis are then plain counts. Derived here rather than per
    # analysis so the snapshot carries them ready-made (at 400k selected patents
    # the four DISTINCTs cost ~1 s of every analysis).
    con.execute(
        "CREATE OR REPLACE TABLE subs AS SELECT DISTINCT patent_id, left(code, 4) AS sub FROM codes"
    )
    con.execute(
        "CREATE OR REPLACE TABLE groups AS "
        "SELECT DISTINCT patent_id, split_part(code, '/', 1) || '/00' AS grp FROM codes"
    )
    # Keys become integers numbered in key order (``*_dict``): the collaboration
    # networks group and self-join a million (patent, inventor) rows, and long
    # name strings cost ~3x what integers do there; numbering in key order keeps
    # every tie-break of the analysis the same as ordering by the key itself.
    for rows, name in KEYED_TABLES.items():
        con.execute(
            f"CREATE OR REPLACE TABLE {name}_dict AS "
            "SELECT key, (row_number() OVER (ORDER BY key))::INTEGER AS kid, "
            f"starts_with(key, '{UNNAMED_INVENTOR}') AS unnamed "
            f"FROM (SELECT DISTINCT key FROM {rows})"
        )
        con.execute(
            f"CREATE OR REPLACE TABLE {rows}_numbered AS SELECT r.patent_id, d.kid, r.name "
            f"FROM {rows} r JOIN {name}_dict d USING (key)"
        )
        con.execute(f"DROP TABLE {rows}")
        con.execute(f"ALTER TABLE {rows}_numbered RENAME TO {rows}")
        con.execute(
            f"CREATE OR REPLACE TABLE {name}_keys AS SELECT DISTINCT patent_id, kid FROM {rows}"
        )


def load_patents(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> int:
    """The database path: fetch the rows of ``ids`` and :func:`derive` the tables.

    Parties are fetched for both roles in one query filtered on the patent ids
    alone: with a ``role`` condition SQLite picks the (role, key) index and walks
    every applicant or inventor of the whole corpus, where the patent-id index
    reads only the selected patents' rows.
    """
    where, params = _id_filter("id", ids)
    cols = ", ".join(patent_select_columns())
    rows = fetch(f"SELECT {cols} FROM {Patent._meta.db_table} WHERE {where}", params)
    where, params = _id_filter("patent_id", ids)
    party_rows = fetch(
        f"SELECT {', '.join(PARTY_COLUMNS)} FROM {PatentParty._meta.db_table} WHERE {where}",
        params,
    )
    create_raw_tables(con)
    append_raw(con, patent_frame(rows), party_frame(party_rows))
    derive(con)
    con.execute("DROP TABLE raw_p")
    con.execute("DROP TABLE raw_parties")
    return len(rows)


def load_evidence(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> None:
    """Tables ``evidence`` (staff lists) and ``pledged`` (registered pledges) for the
    patents of table ``p`` (load that first), read from the database every time.

    For a big selection the id list is left out of the SQL: sending hundreds of
    thousands of ids costs more than reading every pledge event and staff entry
    (a few thousand rows) and keeping the selected ones in DuckDB.
    """
    if len(ids) > ID_LIST_LIMIT:
        where, params = "1 = 1", list[Any]()
    else:
        where, params = _id_filter("patent_id", ids)
    ev = fetch(
        f"SELECT patent_id, criterion FROM {HighValueEvidence._meta.db_table} WHERE {where}",
        params,
    )
    pledged = fetch(
        f"SELECT DISTINCT patent_id FROM {LegalEvent._meta.db_table} WHERE kind = %s AND {where}",
        [LegalEventKind.PLEDGED.value, *params],
    )
    ev_frame = pd.DataFrame.from_records(ev, columns=["patent_id", "criterion"])
    pledged_frame = pd.DataFrame.from_records(pledged, columns=["patent_id"])
    con.register("raw_evidence", ev_frame.astype({"patent_id": "int64", "criterion": "object"}))
    con.register("raw_pledged", pledged_frame.astype({"patent_id": "int64"}))
    con.execute(
        "CREATE OR REPLACE TABLE evidence AS SELECT patent_id::BIGINT AS patent_id, "
        "criterion::VARCHAR AS criterion FROM raw_evidence WHERE patent_id IN (SELECT id FROM p)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE pledged AS SELECT patent_id::BIGINT AS patent_id "
        "FROM raw_pledged WHERE patent_id IN (SELECT id FROM p)"
    )
    con.unregister("raw_evidence")
    con.unregister("raw_pledged")


def load_segments(
    con: duckdb.DuckDBPyConnection, segments: Sequence[tuple[str, str, Sequence[int]]]
) -> None:
    """Table ``seg`` (patent, stage, segment name) from the segments' id lists."""
    parts = [
        pd.DataFrame(
            {"patent_id": np.asarray(ids, dtype=np.int64), "stage": stage, "segment": name}
        )
        for stage, name, ids in segments
    ]
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(
            {
                "patent_id": pd.Series(dtype="int64"),
                "stage": pd.Series(dtype="object"),
                "segment": pd.Series(dtype="object"),
            }
        )
    )
    con.register("raw_seg", frame)
    con.execute(
        "CREATE OR REPLACE TABLE seg AS "
        "SELECT DISTINCT patent_id::BIGINT AS patent_id, stage::VARCHAR AS stage, "
        "segment::VARCHAR AS segment FROM raw_seg"
    )
    con.unregister("raw_seg")
