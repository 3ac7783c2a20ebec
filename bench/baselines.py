"""SQL baselines for bench/search.py: SQLite FTS5 (trigram) and PostgreSQL pg_trgm.

Both answer the same structured query specs as the tantivy run: text words via
the trigram index (FTS5 MATCH for >= 3 characters, LIKE otherwise, since the
trigram tokenizer cannot index shorter patterns; ILIKE on pg_trgm GIN indexes),
the rest via WHERE, facets via GROUP BY over the matched ids, one page ordered by
application date. Each query gets a time budget; over-budget queries count at the
budget (so the baseline p95 is a lower bound when that happens).

Loading 1M documents takes tens of minutes per baseline, so a loaded store can be
kept and reused (``key`` names the corpus it holds; ``loaded_s`` is the load time
measured when it was built). Loading is not what the benchmark compares, query
latency is, so the loads may run ahead while the machine does other work, and the
queries later on a quiet machine.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

TEXT_COLS = ("title", "abstract", "claims", "description")
FACET_SQL = {
    "type": "SELECT type, count(*) c FROM docs JOIN m USING(id) GROUP BY type ORDER BY c DESC",
    "status": "SELECT status, count(*) c FROM docs JOIN m USING(id) "
    "GROUP BY status ORDER BY c DESC",
    "year": "SELECT year, count(*) c FROM docs JOIN m USING(id) GROUP BY year ORDER BY year DESC",
    "city": "SELECT city, count(*) c FROM docs JOIN m USING(id) "
    "GROUP BY city ORDER BY c DESC LIMIT 30",
    "ipc_subclass": "SELECT sub, count(DISTINCT id) c FROM doc_ipc JOIN m USING(id) "
    "GROUP BY sub ORDER BY c DESC LIMIT 20",
    "applicant": "SELECT name, count(*) c FROM doc_applicant JOIN m USING(id) "
    "GROUP BY name ORDER BY c DESC LIMIT 10",
}  # fmt: skip


def rows(docs: Iterable[dict[str, Any]]) -> Iterator[tuple[tuple[Any, ...], list[Any], list[Any]]]:
    """(docs row, ipc rows, applicant rows) per document."""
    for d in docs:
        year = int(d["app_date"][:4]) if d.get("app_date") else None
        row = (d["id"], d["title"], d["abstract"], d["claims"], d["description"],
               d.get("app_date"), year, d["type"], d["status"], d.get("city") or "")  # fmt: skip
        ipc = [(d["id"], c, c[:4]) for c in dict.fromkeys(d["ipc"])]
        apps = [(d["id"], a) for a in dict.fromkeys(d["applicants"])]
        yield row, ipc, apps


def where(spec: dict[str, Any], text_clause: Any) -> tuple[str, list[Any]]:
    """SQL WHERE for a spec; ``text_clause(word, cols)`` renders one text word."""
    parts: list[str] = []
    params: list[Any] = []

    def add(sql_params: tuple[str, list[Any]]) -> None:
        parts.append(sql_params[0])
        params.extend(sql_params[1])

    cols = ("title",) if spec.get("title_only") else TEXT_COLS
    for w in spec.get("must", []):
        add(text_clause(w, cols))
    if spec.get("should"):
        ors = [text_clause(w, cols) for w in spec["should"]]
        parts.append("(" + " OR ".join(s for s, _ in ors) + ")")
        for _, p in ors:
            params.extend(p)
    for w in spec.get("not", []):
        s, p = text_clause(w, cols)
        parts.append(f"NOT {s}")
        params.extend(p)
    if spec.get("years"):
        parts.append("app_date BETWEEN ? AND ?")
        params += [f"{spec['years'][0]}-01-01", f"{spec['years'][1]}-12-31"]
    if spec.get("ipc"):
        p = spec["ipc"]
        parts.append("id IN (SELECT id FROM doc_ipc WHERE code >= ? AND code < ?)")
        params += [p, p[:-1] + chr(ord(p[-1]) + 1)]
    if spec.get("city"):
        parts.append("city = ?")
        params.append(spec["city"])
    if spec.get("pa"):
        parts.append("id IN (SELECT id FROM doc_applicant WHERE name >= ? AND name < ?)")
        params += [spec["pa"], spec["pa"] + "\uffff"]
    if spec.get("type"):
        parts.append("type IN ('invention', 'pct_invention')")
    return (" AND ".join(parts) or "1=1"), params


class SQLiteBaseline:
    """SQLite FTS5 with the trigram tokenizer."""

    name = "sqlite_fts5_trigram"

    def __init__(self, path: Path, key: str = "", reuse: bool = False) -> None:
        self.marker = path.with_suffix(".loaded.json")
        self.key = key
        self.loaded_s: float | None = None
        if reuse and self.marker.exists() and path.exists():
            meta = json.loads(self.marker.read_text())
            if meta.get("key") == key:
                self.loaded_s = float(meta["load_s"])
                self.db = sqlite3.connect(path)
                self.db.execute("PRAGMA cache_size=-1000000")
                return
        self.marker.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;
            CREATE TABLE docs(id INTEGER PRIMARY KEY, title, abstract, claims, description,
                              app_date, year, type, status, city);
            CREATE TABLE doc_ipc(id, code, sub);
            CREATE TABLE doc_applicant(id, name);
            CREATE VIRTUAL TABLE fts USING fts5(title, abstract, claims, description,
                content='docs', content_rowid='id', tokenize='trigram');
            """
        )

    def load(self, docs: Iterable[dict[str, Any]]) -> None:
        cur = self.db.cursor()
        for row, ipc, apps in rows(docs):
            cur.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)", row)
            cur.executemany("INSERT INTO doc_ipc VALUES (?,?,?)", ipc)
            cur.executemany("INSERT INTO doc_applicant VALUES (?,?)", apps)
        self.db.executescript(
            """
            INSERT INTO fts(fts) VALUES ('rebuild');
            CREATE INDEX ix_ipc ON doc_ipc(code); CREATE INDEX ix_ipc_id ON doc_ipc(id);
            CREATE INDEX ix_app ON doc_applicant(name); CREATE INDEX ix_app_id ON doc_applicant(id);
            CREATE INDEX ix_date ON docs(app_date); CREATE INDEX ix_city ON docs(city);
            ANALYZE;
            """
        )
        self.db.commit()

    def mark_loaded(self, load_s: float) -> None:
        """Record that the store holds corpus ``key`` (for a later ``reuse``)."""
        self.marker.write_text(json.dumps({"key": self.key, "load_s": load_s}))
        self.loaded_s = load_s

    @staticmethod
    def text_clause(word: str, cols: tuple[str, ...]) -> tuple[str, list[Any]]:
        if len(word) >= 3:
            target = "fts" if len(cols) > 1 else "title"
            return f"id IN (SELECT rowid FROM fts WHERE {target} MATCH ?)", [f'"{word}"']
        return "(" + " OR ".join(f"{c} LIKE ?" for c in cols) + ")", [f"%{word}%"] * len(cols)

    def run(self, spec: dict[str, Any], budget: float) -> float:
        deadline = time.perf_counter() + budget
        self.db.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
        t0 = time.perf_counter()
        try:
            sql, params = where(spec, self.text_clause)
            self.db.execute("DROP TABLE IF EXISTS temp.m")
            self.db.execute(f"CREATE TEMP TABLE m AS SELECT id FROM docs WHERE {sql}", params)
            self.db.execute("SELECT count(*) FROM m").fetchone()
            self.db.execute(
                "SELECT id FROM docs JOIN m USING(id) ORDER BY app_date DESC LIMIT 20 OFFSET ?",
                [(spec.get("page", 1) - 1) * 20],
            ).fetchall()
            for q in FACET_SQL.values():
                self.db.execute(q).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            return budget
        finally:
            self.db.set_progress_handler(None, 0)
        return time.perf_counter() - t0


class PostgresBaseline:
    """PostgreSQL with pg_trgm GIN indexes and ILIKE, in a scratch database."""

    name = "postgres_pg_trgm"
    DSN = "host=127.0.0.1 port=5432 user=postgres"

    def __init__(self, key: str = "", reuse: bool = False, keep: bool = False) -> None:
        import psycopg

        self.key = key
        self.keep = keep
        self.loaded_s: float | None = None
        self.dbname = "iphub_bench_" + (
            "".join(c if c.isalnum() else "_" for c in key)[:40] if keep or reuse else "tmp"
        )
        admin = psycopg.connect(self.DSN + " dbname=postgres", autocommit=True)
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [self.dbname]
        ).fetchone()
        if reuse and exists:
            self.db = psycopg.connect(self.DSN + f" dbname={self.dbname}", autocommit=True)
            has_meta = self.db.execute("SELECT to_regclass('bench_meta')").fetchone()
            row = None
            if has_meta and has_meta[0]:
                row = self.db.execute("SELECT load_s FROM bench_meta WHERE key = %s", [key])
                row = row.fetchone()
            if row is not None:
                self.loaded_s = float(row[0])
                admin.close()
                return
            self.db.close()
        admin.execute(f"DROP DATABASE IF EXISTS {self.dbname}")
        admin.execute(f"CREATE DATABASE {self.dbname}")
        admin.close()
        self.db = psycopg.connect(self.DSN + f" dbname={self.dbname}", autocommit=True)
        self.db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        self.db.execute(
            """CREATE TABLE docs(id int PRIMARY KEY, title text, abstract text, claims text,
               description text, app_date date, year int, type text, status text, city text);
               CREATE TABLE doc_ipc(id int, code text, sub text);
               CREATE TABLE doc_applicant(id int, name text);"""
        )

    def mark_loaded(self, load_s: float) -> None:
        """Record that the database holds corpus ``key`` (for a later ``reuse``)."""
        self.db.execute("CREATE TABLE IF NOT EXISTS bench_meta(key text, load_s float)")
        self.db.execute("DELETE FROM bench_meta")
        self.db.execute("INSERT INTO bench_meta VALUES (%s, %s)", [self.key, load_s])
        self.loaded_s = load_s

    def load(self, docs: Iterable[dict[str, Any]]) -> None:
        cur = self.db.cursor()
        with (
            cur.copy("COPY docs FROM STDIN") as c_docs,
        ):
            ipc_all: list[Any] = []
            app_all: list[Any] = []
            for row, ipc, apps in rows(docs):
                c_docs.write_row(row)
                ipc_all += ipc
                app_all += apps
        with cur.copy("COPY doc_ipc FROM STDIN") as c:
            for r in ipc_all:
                c.write_row(r)
        with cur.copy("COPY doc_applicant FROM STDIN") as c:
            for r in app_all:
                c.write_row(r)
        cur.execute("SET maintenance_work_mem = '2GB'")
        for col in TEXT_COLS:
            cur.execute(f"CREATE INDEX ON docs USING gin ({col} gin_trgm_ops)")
        for sql in (
            "CREATE INDEX ON docs(app_date)",
            "CREATE INDEX ON docs(city)",
            "CREATE INDEX ON doc_ipc(code text_pattern_ops)",
            "CREATE INDEX ON doc_ipc(id)",
            "CREATE INDEX ON doc_applicant(name text_pattern_ops)",
            "CREATE INDEX ON doc_applicant(id)",
            "VACUUM ANALYZE",
        ):
            cur.execute(sql)

    @staticmethod
    def text_clause(word: str, cols: tuple[str, ...]) -> tuple[str, list[Any]]:
        return "(" + " OR ".join(f"{c} ILIKE %s" for c in cols) + ")", [f"%{word}%"] * len(cols)

    def run(self, spec: dict[str, Any], budget: float) -> float:
        import psycopg

        t0 = time.perf_counter()
        sql, params = where(spec, self.text_clause)
        sql = sql.replace("?", "%s")
        try:
            with self.db.transaction():
                cur = self.db.cursor()
                cur.execute(f"SET LOCAL statement_timeout = {int(budget * 1000)}")
                cur.execute(
                    f"CREATE TEMP TABLE m ON COMMIT DROP AS SELECT id FROM docs WHERE {sql}",
                    params,
                )
                cur.execute("ANALYZE m")
                cur.execute("SELECT count(*) FROM m")
                cur.execute(
                    "SELECT id FROM docs JOIN m USING(id) ORDER BY app_date DESC "
                    "LIMIT 20 OFFSET %s",
                    [(spec.get("page", 1) - 1) * 20],
                )
                for q in FACET_SQL.values():
                    cur.execute(q)
                    cur.fetchall()
        except psycopg.errors.QueryCanceled:
            return budget
        return min(time.perf_counter() - t0, budget)

    def close(self) -> None:
        import psycopg

        self.db.close()
        if self.keep:
            return
        admin = psycopg.connect(self.DSN + " dbname=postgres", autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {self.dbname}")
        admin.close()
