"""Benchmark the value grade (issue 20): grade the whole corpus.

    python bench/grade.py --docs 100000 [--db sqlite|postgres] [--repeat 3] [--seed 42]

Preparation (once per --docs/--seed/--db, cached under var/bench/grade_<db>_<docs>_<seed>/):
the synthetic corpus of ``gen_corpus.generate`` (the file bench/search.py and
bench/navigation.py share) is bulk-loaded into a scratch database with
bench/navigation.py's loader (patents, parties, a registered pledge on ~1% of
granted inventions). The generator has no citations or families, so preparation
adds them the way real exports carry them: each record cites 0-8 earlier
records of the corpus (a skewed choice, so some records are cited often) plus
0-3 foreign documents, written as ``PatentCitation`` rows; ~8% of inventions get
a simple family of 2-5 members (``extra.family``, some abroad) and ~1% a
licence or transfer event. Preparation runs in a child process.

Measurement: ``grades_compute(None, reindex=False)`` — the code the background
task runs after a weights change: read every record's columns, event kinds and
citation counts a chunk at a time, grade, upsert ``PatentGrade`` — ``--repeat``
times; the grades are identical each time, so later runs measure updates.

Output: the machine line (CPU, cores, ``python_ms`` calibration of
bench/filings.py), a table of the runs, the band distribution and score
quartiles, then one JSON line with ``grade_s`` (median), ``runs``, ``docs``,
``per_band``, ``docs_per_s``, ``machine``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

PG_DB = "iphub_bench_grade"
CITE_SHARE = 0.6  # of records: cite something at all
FAMILY_SHARE = 0.08  # of inventions: a simple family listed
DEAL_SHARE = 0.01  # of granted records: a licence or a transfer
FOREIGN = ("US", "EP", "JP", "KR", "WO", "DE")


def workdir(args: argparse.Namespace) -> Path:
    return ROOT / "var" / "bench" / f"grade_{args.db}_{args.docs}_{args.seed}"


def configure(args: argparse.Namespace) -> None:
    import navigation as nav

    nav.PG_DB = PG_DB
    os.environ["IPHUB_TASK_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    # Production settings (debug off) need their own keys; a scratch run makes some.
    os.environ.setdefault("IPHUB_SECRET_KEY", secrets.token_urlsafe(50))
    nav_args = argparse.Namespace(**{**vars(args), "source": "snapshot"})
    nav.workdir = lambda _a: workdir(args)  # type: ignore[assignment]
    nav.configure(nav_args)


def prepare(args: argparse.Namespace) -> None:
    import shutil

    import navigation as nav

    work = workdir(args)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    path = nav.corpus(args.docs, args.seed)
    if args.db == "postgres":
        nav.PG_DB = PG_DB
        nav._fresh_postgres()
    configure(args)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    n = (nav.load_postgres if args.db == "postgres" else nav.load_sqlite)(path, args.seed)
    print(f"database: {n} patents in {time.perf_counter() - t:.1f}s", flush=True)
    t = time.perf_counter()
    links = add_links(path, args.seed)
    print(f"citations and families: {links} in {time.perf_counter() - t:.1f}s", flush=True)
    (work / "prepared.json").write_text(json.dumps({"docs": n, **links}))


def add_links(path: Path, seed: int) -> dict[str, int]:
    """Citation rows, family columns and deal events (see the module docstring)."""
    import datetime as dt

    import navigation as nav
    from django.db import connection, transaction

    from iphub.patents.models import LegalEvent, PatentCitation

    rng = random.Random(seed + 7)
    cites = families = deals = 0
    batch_c: list[tuple[Any, ...]] = []
    batch_f: list[tuple[str, int]] = []
    batch_e: list[tuple[Any, ...]] = []
    now = dt.datetime.now(dt.UTC).isoformat()
    pubs: list[str] = []

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cur:
            if batch_c:
                cur.executemany(
                    f"INSERT INTO {PatentCitation._meta.db_table} (citing_id, number, cited_id) "
                    "VALUES (%s, %s, %s)",
                    batch_c,
                )
            if batch_f:
                cur.executemany("UPDATE patents_patent SET extra = %s WHERE id = %s", batch_f)
            if batch_e:
                cur.executemany(
                    f"INSERT INTO {LegalEvent._meta.db_table} "
                    "(patent_id, kind, date, detail, source, created_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    batch_e,
                )
        batch_c.clear(), batch_f.clear(), batch_e.clear()

    for d in nav.read(path):
        pid = d["id"]
        pub = d["pn"][0][:-1] if d["pn"] else ""
        if pid > 1 and rng.random() < CITE_SHARE:
            chosen: set[int] = set()
            for _ in range(rng.randint(1, 8)):
                # Skewed toward a minority of records: citations are concentrated.
                target = 1 + int((pid - 1) * rng.random() ** 3)
                if target != pid and target not in chosen:
                    chosen.add(target)
                    batch_c.append((pid, pubs[target - 1], target))
            for _ in range(rng.randint(0, 3)):
                batch_c.append((pid, f"{rng.choice(FOREIGN)}{rng.randint(10**6, 10**8)}", None))
            cites += 1
        pubs.append(pub)
        if d["type"] in ("invention", "pct_invention") and rng.random() < FAMILY_SHARE:
            members = [pub] + [
                f"{rng.choice(FOREIGN)}{rng.randint(10**6, 10**8)}B2"
                for _ in range(rng.randint(1, 4))
            ]
            batch_f.append((json.dumps({"family": ";".join(members)}), pid))
            families += 1
        if d["grant_date"] and rng.random() < DEAL_SHARE:
            kind = rng.choice(("licensed", "transferred"))
            batch_e.append((pid, kind, d["grant_date"], "合成事件", "bench", now))
            deals += 1
        if len(batch_c) > 20_000 or len(batch_f) > 5000:
            flush()
    flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {PatentCitation._meta.db_table}")
    return {"citing_records": cites, "families": families, "deal_events": deals}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    configure(args)
    from django.db.models import Count
    from filings import machine

    from iphub.patents.intelligence.grading import grades_compute
    from iphub.patents.models import PatentGrade

    host = machine()
    print(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}")
    runs = []
    graded = 0
    for i in range(args.repeat):
        t = time.perf_counter()
        out = grades_compute(None, reindex=False)
        runs.append(time.perf_counter() - t)
        graded = out["graded"]
        print(f"run {i + 1}: {graded} graded in {runs[-1]:.1f}s ({graded / runs[-1]:,.0f}/s)")
    per_band = dict(PatentGrade.objects.values_list("band").annotate(n=Count("pk")))
    scores = sorted(PatentGrade.objects.values_list("score", flat=True))
    quart = [scores[int(q * (len(scores) - 1))] for q in (0.25, 0.5, 0.75)] if scores else []
    print("\nband  records   share")
    for band in "ABCD":
        n = per_band.get(band, 0)
        print(f"{band:>4}  {n:>8}  {100 * n / max(1, graded):5.1f}%")
    print(f"score quartiles (25/50/75%): {quart}")
    median = statistics.median(runs)
    return {
        "grade_s": round(median, 1),
        "runs": [round(r, 1) for r in runs],
        "docs": graded,
        "docs_per_s": round(graded / median),
        "per_band": {b: per_band.get(b, 0) for b in "ABCD"},
        "score_quartiles": quart,
        "db": args.db,
        "machine": host,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.prepare:
        prepare(args)
        return
    if not (workdir(args) / "prepared.json").exists():
        base = [sys.executable, __file__, "--docs", str(args.docs), "--seed", str(args.seed)]
        subprocess.run([*base, "--db", args.db, "--prepare"], check=True)
    result = measure(args)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
