"""Benchmark the patent-navigation landscape analysis of one chain, and its PDF report.

    python bench/navigation.py --docs 1000000 [--chain power-battery] [--db sqlite|postgres]
                               [--repeat 3] [--seed 42] [--source snapshot|database]

Preparation (once per --docs/--seed/--db, cached under var/bench/nav_<db>_<docs>_<seed>/):
the synthetic corpus of ``gen_corpus.generate`` (cached as var/bench/corpus_<docs>_<seed>.jsonl,
shared with bench/search.py) is bulk-loaded into a scratch database — a SQLite file
there, or the PostgreSQL database ``iphub_bench_nav`` through COPY — with applicant and
inventor parties, a registered pledge on ~1% of granted inventions and staff evidence
(foreign family, awards) on a few hundred; the tantivy index is built with
``PatentIndex.rebuild``; the 51020 chains are seeded; the navigation snapshot (the
columnar DuckDB copy the analysis reads, ``iphub.navigation.snapshot``) is built and
its build time reported as ``snapshot_s``. A work directory prepared before the
snapshot existed gets it (with the missing migration) in a child step. Preparation
runs in child processes, so the measuring process's peak memory covers the analysis
and the PDF only.

Measurement: ``services.analysis_run`` (the background task's own code: index search
of the chain and its segments, DuckDB load and every table, result stored on the row)
``--repeat`` times, then ``reports.report_pdf`` and the Excel workbook on its result.
``--source snapshot`` (default) requires every run to read the snapshot and stops if
one falls back to the database; ``--source database`` hides the snapshot and disables
background tasks, to measure the fallback path.

Output: the analysis's stage timings, then one JSON line with ``docs, chain,
chain_patents, analysis_s`` (median of the runs), ``analysis_first_s`` (the first,
colder run), ``pdf_s, xlsx_s, peak_mb`` (``resource.getrusage(RUSAGE_SELF).ru_maxrss``
of the measuring process: DuckDB's native memory and touched index pages included,
which tracemalloc would miss), ``timings`` (the stages of the median run), ``source``
(where the analysis read its rows), ``snapshot_s`` and ``snapshot_mb`` (the
snapshot's build time in preparation and its file size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

PG_DB = "iphub_bench_nav"
PG_SERVER = os.environ.get("IPHUB_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BATCH = 5000
PLEDGE_SHARE = 0.01  # of granted inventions: a registered pledge (legal event)
FOREIGN_FAMILY_SHARE = 0.002  # of inventions: staff evidence of a foreign family
AWARD_SHARE = 0.0005  # of inventions: staff evidence of an award


def corpus(n: int, seed: int) -> Path:
    """The cached corpus (same file name as bench/search.py uses), generated on first use."""
    from gen_corpus import generate

    path = ROOT / "var" / "bench" / f"corpus_{n}_{seed}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".nav{os.getpid()}.tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for d in generate(n, seed):
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        tmp.rename(path)
    return path


def read(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def workdir(args: argparse.Namespace) -> Path:
    return ROOT / "var" / "bench" / f"nav_{args.db}_{args.docs}_{args.seed}"


def configure(args: argparse.Namespace) -> None:
    """Point Django at the scratch database and index, then set it up."""
    work = workdir(args)
    work.mkdir(parents=True, exist_ok=True)
    if args.db == "postgres":
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["IPHUB_INDEX_DIR"] = str(work / "index")
    os.environ["IPHUB_MEDIA_DIR"] = str(work / "media")
    snapshot = work / "navigation.duckdb"
    if getattr(args, "source", "snapshot") == "database":
        # The fallback path: no snapshot to find, and no background rebuild to start.
        snapshot = work / "no-snapshot.duckdb"
        os.environ["IPHUB_TASK_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    os.environ["IPHUB_NAV_SNAPSHOT"] = str(snapshot)
    # As in production: with DEBUG on, Django would keep every query (and its
    # multi-megabyte id parameter) in connection.queries.
    os.environ.setdefault("IPHUB_DEBUG", "0")
    os.environ.setdefault("IPHUB_FIELD_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iphub.settings")
    import django

    django.setup()


# -- preparation (child process) -------------------------------------------------


def _patent_row(d: dict[str, Any], now: str) -> dict[str, Any]:
    codes = d["region_codes"]
    pns = d["pn"]
    granted = [p for p in pns if p.endswith("B")] if d["grant_date"] else []
    return {
        "id": d["id"],
        "natural_key": d["an"],
        "application_number": d["an"],
        "patent_type": d["type"],
        "title": d["title"][:500],
        "abstract": d["abstract"],
        "claims": d["claims"],
        "description": d["description"],
        "applicants": json.dumps(d["applicants"], ensure_ascii=False),
        "inventors": json.dumps(d["inventors"], ensure_ascii=False),
        "address": "",
        "province_code": codes[0] if codes else "",
        "city_code": codes[1] if len(codes) > 1 else "",
        "county_code": codes[2] if len(codes) > 2 else "",
        "region_id": None,
        "region_status": "resolved" if codes else "missing",
        "ipc_main": d["ipc"][0] if d["ipc"] else "",
        "ipc_codes": json.dumps(d["ipc"]),
        "app_date": d["app_date"],
        "pub_date": d["pub_date"],
        "grant_date": d["grant_date"],
        "publication_number": pns[0][:-1] if pns else "",
        "publication_kind": pns[0][-1:] if pns else "",
        "grant_number": granted[0] if granted else "",
        "priority": "",
        "legal_status": d["status"],
        "agency": "",
        "agent": "",
        "citations": "[]",
        "source": "bench",
        "source_id": "",
        "extra": "{}",
        "created_at": now,
        "updated_at": now,
    }


Batch = tuple[
    list[dict[str, Any]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]
]


def _rows(path: Path, seed: int) -> Iterator[Batch]:
    """Per corpus batch: patent rows, party rows, pledge events and evidence rows."""
    from iphub.patents.names import applicant_key, clean_person

    rng = random.Random(seed + 1)
    now = dt.datetime.now(dt.UTC).isoformat()
    keys: dict[str, str] = {}
    patents: list[dict[str, Any]] = []
    parties: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    evidence: list[tuple[Any, ...]] = []
    for d in read(path):
        pid = d["id"]
        patents.append(_patent_row(d, now))
        for i, name in enumerate(d["applicants"]):
            key = keys.get(name) or keys.setdefault(name, applicant_key(name)[:200])
            parties.append((pid, "applicant", i, name[:200], key, None))
        for i, name in enumerate(d["inventors"]):
            person = clean_person(name)[:200]
            parties.append((pid, "inventor", i, person, person, None))
        invention = d["type"] in ("invention", "pct_invention")
        if invention and d["grant_date"] and rng.random() < PLEDGE_SHARE:
            when = dt.date.fromisoformat(d["grant_date"]) + dt.timedelta(days=rng.randint(30, 900))
            events.append(
                (pid, "pledged", min(when, dt.date(2025, 12, 31)), "质押登记", "bench", now)
            )
        if invention and rng.random() < FOREIGN_FAMILY_SHARE:
            evidence.append((pid, "foreign_family", f"US{rng.randint(10**6, 10**7)}B2", None, now))
        if invention and rng.random() < AWARD_SHARE:
            evidence.append((pid, "award", "中国专利奖优秀奖（合成）", None, now))
        if len(patents) >= BATCH:
            yield patents, parties, events, evidence
            patents, parties, events, evidence = [], [], [], []
    if patents:
        yield patents, parties, events, evidence


def _tables() -> dict[str, tuple[str, list[str]]]:
    from iphub.navigation.models import HighValueEvidence
    from iphub.patents.models import LegalEvent, Patent, PatentParty

    columns = [str(f.column) for f in Patent._meta.concrete_fields]
    return {
        "patent": (Patent._meta.db_table, columns),
        "party": (
            PatentParty._meta.db_table,
            ["patent_id", "role", "position", "name", "key", "organisation_id"],
        ),
        "event": (
            LegalEvent._meta.db_table,
            ["patent_id", "kind", "date", "detail", "source", "created_at"],
        ),
        "evidence": (
            HighValueEvidence._meta.db_table,
            ["patent_id", "criterion", "source_note", "created_by_id", "created_at"],
        ),
    }


def load_sqlite(path: Path, seed: int) -> int:
    """executemany in one transaction per batch, with the journal off (a scratch file)."""
    from django.db import connection, transaction

    tables = _tables()
    n = 0
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous=OFF")
    for patents, parties, events, evidence in _rows(path, seed):
        rows: dict[str, list[Any]] = {
            "patent": [[p[c] for c in tables["patent"][1]] for p in patents],
            "party": parties,
            "event": events,
            "evidence": evidence,
        }
        with transaction.atomic(), connection.cursor() as cur:
            for name, (table, cols) in tables.items():
                if rows[name]:
                    marks = ", ".join(["%s"] * len(cols))
                    quoted = ", ".join(f'"{c}"' for c in cols)
                    cur.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows[name])
        n += len(patents)
        if n % 50_000 < BATCH:
            print(f"  loaded {n}", flush=True)
    return n


def load_postgres(path: Path, seed: int) -> int:
    """COPY per table and batch (psycopg 3's ``cursor.copy``)."""
    from django.db import connection

    tables = _tables()
    connection.ensure_connection()
    raw = connection.connection
    n = 0
    for patents, parties, events, evidence in _rows(path, seed):
        rows: dict[str, list[Any]] = {
            "patent": [[p[c] for c in tables["patent"][1]] for p in patents],
            "party": parties,
            "event": events,
            "evidence": evidence,
        }
        with raw.transaction(), raw.cursor() as cur:
            for name, (table, cols) in tables.items():
                if not rows[name]:
                    continue
                quoted = ", ".join(f'"{c}"' for c in cols)
                with cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows[name]:
                        copy.write_row(row)
        n += len(patents)
        if n % 50_000 < BATCH:
            print(f"  loaded {n}", flush=True)
    with raw.cursor() as cur:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{tables['patent'][0]}', 'id'), %s)", [n]
        )
        for name in ("patent", "party", "event"):
            cur.execute(f"ANALYZE {tables[name][0]}")
    return n


def _fresh_postgres() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def prepare(args: argparse.Namespace) -> None:
    work = workdir(args)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t0 = time.perf_counter()
    path = corpus(args.docs, args.seed)
    print(f"corpus: {path} ({time.perf_counter() - t0:.1f}s)", flush=True)
    if args.db == "postgres":
        _fresh_postgres()
    configure(args)
    from django.core.management import call_command

    from iphub.navigation.services import chains_load
    from iphub.patents.search import PatentIndex

    t1 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t1:.1f}s", flush=True)
    t2 = time.perf_counter()
    n = (load_postgres if args.db == "postgres" else load_sqlite)(path, args.seed)
    load_s = time.perf_counter() - t2
    print(f"database: {n} patents in {load_s:.1f}s", flush=True)
    chains_load()
    t3 = time.perf_counter()

    def progress(done: int, total: int | None) -> None:
        if done % 50_000 < 256:
            print(f"  indexed {done}/{total} ({time.perf_counter() - t3:.0f}s)", flush=True)

    marker: dict[str, Any] = {"docs": n, "load_s": round(load_s, 1)}
    source = Path(args.index_from) if args.index_from else None
    if source is not None:
        # bench/search.py indexes the same corpus file with the same ids and the same
        # code, so its index is this one; it writes bench-build.json when complete.
        while not (source / "bench-build.json").exists():
            print(f"  waiting for {source} to be built", flush=True)
            time.sleep(30)
        shutil.copytree(source, work / "index")
        marker["index_copied_from"] = str(source)
        print(f"index: copied from {source} in {time.perf_counter() - t3:.1f}s", flush=True)
    else:
        PatentIndex(work / "index").rebuild(read(path), total=n, progress=progress)
        index_s = time.perf_counter() - t3
        print(f"index: {n} docs in {index_s:.1f}s", flush=True)
        marker["index_s"] = round(index_s, 1)
    marker.update(build_snapshot(work))
    (work / "prepared.json").write_text(json.dumps(marker))


def build_snapshot(work: Path) -> dict[str, float]:
    """Build the navigation snapshot; its time and size for the marker."""
    from iphub.navigation.snapshot import snapshot_build, snapshot_path

    t = time.perf_counter()

    def progress(done: int, total: int | None) -> None:
        if done % 100_000 < 50_000:
            print(f"  snapshot {done}/{total} ({time.perf_counter() - t:.0f}s)", flush=True)

    meta = snapshot_build(progress=progress)
    snapshot_s = time.perf_counter() - t
    size_mb = snapshot_path().stat().st_size / 2**20
    print(
        f"snapshot: {meta['patents']} patents, {meta['parties']} applicant rows, "
        f"{meta['inventors']} inventor rows in {snapshot_s:.1f}s ({size_mb:.0f} MB)",
        flush=True,
    )
    return {"snapshot_s": round(snapshot_s, 1), "snapshot_mb": round(size_mb, 1)}


def add_snapshot(args: argparse.Namespace) -> None:
    """A work directory prepared before the snapshot existed: migrate, then build it."""
    configure(args)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    marker_path = workdir(args) / "prepared.json"
    marker = json.loads(marker_path.read_text())
    marker.update(build_snapshot(workdir(args)))
    marker_path.write_text(json.dumps(marker))


def prepared(args: argparse.Namespace) -> dict[str, Any] | None:
    marker = workdir(args) / "prepared.json"
    if not marker.exists():
        return None
    data: dict[str, Any] = json.loads(marker.read_text())
    if args.db == "postgres":
        import psycopg

        try:
            with psycopg.connect(f"{PG_SERVER}/{PG_DB}") as conn:
                row = conn.execute("SELECT count(*) FROM patents_patent").fetchone()
        except psycopg.Error:
            return None
        if not row or row[0] != data["docs"]:
            return None
    return data


# -- measurement -------------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict[str, Any]:
    configure(args)
    from iphub.navigation import services
    from iphub.navigation.models import Analysis, AnalysisStatus, IndustryChain
    from iphub.navigation.pdf import report_pdf
    from iphub.navigation.reports import write_report_xlsx

    chain = IndustryChain.objects.get(code=args.chain)
    runs: list[tuple[float, Analysis]] = []
    for i in range(args.repeat):
        job = Analysis.objects.create(chain=chain, title=chain.name)
        t = time.perf_counter()
        job = services.analysis_run(job.pk)
        elapsed = time.perf_counter() - t
        if job.status != AnalysisStatus.DONE:
            raise SystemExit(f"analysis failed: {job.message}")
        source = job.result.get("source")
        print(
            f"run {i + 1}: {elapsed:.2f}s, {job.patent_count} patents, from {source}, "
            f"{job.timings}",
            flush=True,
        )
        if source != args.source:
            raise SystemExit(f"the analysis read from {source}, expected {args.source}")
        runs.append((elapsed, job))
    median = statistics.median(t for t, _ in runs)
    job = min(runs, key=lambda r: abs(r[0] - median))[1]
    t = time.perf_counter()
    data = report_pdf(title=job.title, query=job.result["query"], result=job.result)
    pdf_s = time.perf_counter() - t
    (workdir(args) / "report.pdf").write_bytes(data)
    t = time.perf_counter()
    write_report_xlsx(
        workdir(args) / "report.xlsx", title=job.title, query=job.result["query"], result=job.result
    )
    xlsx_s = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "docs": args.docs,
        "db": args.db,
        "chain": args.chain,
        "chain_patents": job.patent_count,
        "analysis_s": round(median, 3),
        "analysis_first_s": round(runs[0][0], 3),
        "runs": len(runs),
        "pdf_s": round(pdf_s, 3),
        "pdf_kb": round(len(data) / 1024),
        "xlsx_s": round(xlsx_s, 3),
        "peak_mb": round(peak_mb, 1),
        "peak_mb_method": "ru_maxrss of the measuring process (preparation in a child process)",
        "timings": job.timings,
        "source": job.result.get("source"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="patent navigation analysis benchmark")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--chain", default="power-battery", help="chain code (data/chains.json)")
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--source", choices=("snapshot", "database"), default="snapshot")
    ap.add_argument(
        "--index-from",
        help="copy the index bench/search.py built for the same --docs/--seed "
        "(var/bench/index_<docs>_<seed>) instead of building it again",
    )
    ap.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--add-snapshot", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.prepare:
        prepare(args)
        return
    if args.add_snapshot:
        add_snapshot(args)
        return
    cached = prepared(args)
    base = [sys.executable, __file__, "--docs", str(args.docs), "--seed", str(args.seed)]
    if cached is None:
        extra = ["--index-from", args.index_from] if args.index_from else []
        subprocess.run([*base, "--db", args.db, "--prepare", *extra], check=True)
        cached = prepared(args)
        assert cached is not None
    else:
        print(f"prepared data reused: {workdir(args)}", flush=True)
        if "snapshot_s" not in cached or not (workdir(args) / "navigation.duckdb").exists():
            subprocess.run([*base, "--db", args.db, "--add-snapshot"], check=True)
            cached = prepared(args)
            assert cached is not None
    result = measure(args)
    result["snapshot_s"] = cached.get("snapshot_s")
    result["snapshot_mb"] = cached.get("snapshot_mb")
    result["prepare"] = cached
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
