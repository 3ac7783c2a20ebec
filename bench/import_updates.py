"""Benchmark legal-status change files (issue 24 item 2): apply 50k events to a 1M
corpus (target ≤ 60 s) and re-run the same file (target: changes nothing).

    python bench/import_updates.py --docs 1000000 --events 50000 [--db sqlite|postgres]
                                   [--repeat 3] [--seed 42]

Preparation (once per --db/--docs/--seed, cached under var/bench/updates_<db>_<docs>_<seed>/,
in a child process): the synthetic corpus of ``gen_corpus`` (the file bench/search.py
and bench/navigation.py share) is bulk-loaded into a scratch database with
bench/navigation.py's loader (patents, parties, a registered pledge on ~1% of granted
inventions), plus the events the patent import records for every record (申请 on the
申请日, 公开 on the 公开日, 授权 on the 授权公告日), so each record has the history
an imported record has. The change file is a CSV of ``--events`` rows in the Chinese
layout (申请号, 事件日期, 事件类型, 说明) on records drawn at random (a record may get
two): 授权 for applications under examination, 权利终止 / 期限届满 / 无效 / 转让 / 质押 /
许可 for granted patents, 转让 / 质押 for the others; dates in 2024-2026 after the
filing date.

Measurement: ``legal_status_file_apply(mode="skip")`` — what ``iphub import_updates
FILE`` runs — then the same file again, ``--repeat`` times. Between repeats the
state is put back (change-file events deleted, statuses and grant dates restored;
not timed). Background work is not in the figures: the regrade of the touched
records is queued (Django's dummy task backend here) and timed separately as
``regrade_s`` (``grades_compute`` of the touched ids, what the queued task runs),
and the index outbox rows are written in the transaction but not drained (no
index is built for the scratch corpus; the drain is each node's follower's work).

Output: the machine line (CPU, cores, ``python_ms`` calibration of
bench/filings.py), a table of the runs, then one JSON line with ``events, applied,
appended_rerun, status_changed, apply_s, rerun_s, regrade_s, corpus, db, runs,
load_avg, calibration``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
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

PG_DB = "iphub_bench_updates"
TODAY = dt.date(2026, 11, 30)
ALIVE_KINDS = [
    ("权利终止", 30),
    ("转让", 25),
    ("质押", 20),
    ("许可", 13),
    ("期限届满", 7),
    ("无效", 5),
]
OTHER_KINDS = [("转让", 60), ("质押", 40)]


def workdir(args: argparse.Namespace) -> Path:
    return ROOT / "var" / "bench" / f"updates_{args.db}_{args.docs}_{args.seed}"


def configure(args: argparse.Namespace) -> None:
    import navigation as nav

    nav.PG_DB = PG_DB
    os.environ["IPHUB_TASK_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("IPHUB_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["IPHUB_VAR_DIR"] = str(workdir(args))
    nav_args = argparse.Namespace(**{**vars(args), "source": "database"})
    nav.workdir = lambda _a: workdir(args)  # type: ignore[assignment]
    nav.configure(nav_args)
    from django.conf import settings

    # The outbox rows are written with the change; draining them into an index is
    # the follower's work, and the scratch corpus has no index.
    settings.INDEX_DRAIN_ON_COMMIT = False


# -- preparation (child process) -------------------------------------------------------


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
    rows = nav._rows

    def with_import_events(p: Path, seed: int) -> Any:
        # The loader's batches, plus the dated events the patent import records.
        now = dt.datetime.now(dt.UTC).isoformat()
        for patents, parties, events, evidence in rows(p, seed):
            for r in patents:
                for kind, day in (
                    ("filed", r["app_date"]),
                    ("published", r["pub_date"]),
                    ("granted", r["grant_date"]),
                ):
                    if day:
                        events.append((r["id"], kind, day, "", "import", now))
            yield patents, parties, events, evidence

    nav._rows = with_import_events  # type: ignore[assignment]
    n = (nav.load_postgres if args.db == "postgres" else nav.load_sqlite)(path, args.seed)
    print(f"database: {n} patents in {time.perf_counter() - t:.1f}s", flush=True)
    t = time.perf_counter()
    made = change_file(path, work / "changes.csv", args)
    print(f"change file: {made} events in {time.perf_counter() - t:.1f}s", flush=True)
    (work / "prepared.json").write_text(json.dumps({"docs": n, "events": made}))


def change_file(corpus: Path, out: Path, args: argparse.Namespace) -> int:
    """``args.events`` rows on records drawn at random (see the module docstring)."""
    import navigation as nav

    rng = random.Random(args.seed + 24)
    draws: dict[int, int] = {}
    for _ in range(args.events):
        pid = rng.randint(1, args.docs)
        draws[pid] = draws.get(pid, 0) + 1
    written = 0
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["申请号", "事件日期", "事件类型", "说明"])
        for d in nav.read(corpus):
            times = draws.get(d["id"])
            if not times:
                continue
            filed = dt.date.fromisoformat(d["app_date"]) if d["app_date"] else dt.date(2015, 1, 1)
            for _ in range(times):
                status = d["status"] or ""
                if status.startswith("审中"):
                    kind = "授权"
                else:
                    pool = ALIVE_KINDS if status.startswith("有权") else OTHER_KINDS
                    kind = rng.choices([k for k, _ in pool], [w for _, w in pool])[0]
                start = max(filed + dt.timedelta(days=30), dt.date(2024, 1, 1))
                span = max(0, (TODAY - start).days)
                day = start + dt.timedelta(days=rng.randint(0, span))
                w.writerow([d["an"], day.isoformat(), kind, "合成事件"])
                written += 1
    return written


# -- measurement ----------------------------------------------------------------------


def _snapshot() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM core_indexoutbox")
        outbox = cur.fetchone()[0]
    return {"outbox": outbox}


def _restore(before: dict[int, tuple[str, Any]]) -> None:
    """Put back what a run changed (not timed): its events, statuses, grant dates."""
    from django.db import connection, transaction

    from iphub.patents.models import CHANGE_FILE_SOURCE

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM patents_legalevent WHERE source = %s", [CHANGE_FILE_SOURCE])
        cur.executemany(
            "UPDATE patents_patent SET legal_status = %s, grant_date = %s WHERE id = %s",
            [(s, g, pid) for pid, (s, g) in before.items()],
        )


def measure(args: argparse.Namespace) -> dict[str, Any]:
    configure(args)
    from django.db import connection
    from filings import machine

    from iphub.core.models import IndexOutbox
    from iphub.patents.intelligence.grading import grades_compute
    from iphub.patents.models import CHANGE_FILE_SOURCE, LegalEvent, Patent
    from iphub.patents.services.updates import legal_status_file_apply

    work = workdir(args)
    path = work / "changes.csv"
    prepared = json.loads((work / "prepared.json").read_text())
    host = machine()
    print(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}")
    numbers = set()
    with open(path, encoding="utf-8") as fh:
        numbers = {r["申请号"] for r in csv.DictReader(fh)}
    before = {
        pid: (s, g)
        for pid, s, g in Patent.objects.filter(application_number__in=list(numbers)).values_list(
            "pk", "legal_status", "grant_date"
        )
    }
    # Left over from an interrupted run: start from the prepared state.
    _restore(before)
    runs: list[dict[str, Any]] = []
    for i in range(args.repeat):
        events_before = LegalEvent.objects.count()
        outbox_before = _snapshot()["outbox"]
        t = time.perf_counter()
        first = legal_status_file_apply(actor=None, path=path, mode="skip")
        apply_s = time.perf_counter() - t
        outbox_rows = IndexOutbox.objects.filter(id__gt=outbox_before).count()
        events_mid = LegalEvent.objects.count()
        stamps = LegalEvent.objects.filter(source=CHANGE_FILE_SOURCE).count()
        t = time.perf_counter()
        second = legal_status_file_apply(actor=None, path=path, mode="skip")
        rerun_s = time.perf_counter() - t
        events_after = LegalEvent.objects.count()
        outbox_after = IndexOutbox.objects.filter(id__gt=outbox_before).count()
        touched = list(
            LegalEvent.objects.filter(source=CHANGE_FILE_SOURCE)
            .values_list("patent_id", flat=True)
            .distinct()
        )
        t = time.perf_counter()
        grades_compute(touched, reindex=False)
        regrade_s = time.perf_counter() - t
        run = {
            "apply_s": round(apply_s, 1),
            "rerun_s": round(rerun_s, 1),
            "regrade_s": round(regrade_s, 1),
            "rows": first.total,
            "bad": first.bad,
            "applied": events_mid - events_before,
            "change_file_events": stamps,
            "status_changed": first.updated,
            "records_touched": first.report.get("records_touched"),
            "outbox_rows": outbox_rows,
            "appended_rerun": events_after - events_mid,
            "outbox_rows_rerun": outbox_after - outbox_rows,
            "rerun_created_updated": [second.created, second.updated],
            "load_avg": round(os.getloadavg()[0], 2),
        }
        runs.append(run)
        print(
            f"run {i + 1}: apply {apply_s:.1f}s ({run['applied']} events, "
            f"{run['status_changed']} statuses changed, {run['records_touched']} records), "
            f"re-run {rerun_s:.1f}s ({run['appended_rerun']} appended, "
            f"{run['outbox_rows_rerun']} outbox rows), regrade {regrade_s:.1f}s, "
            f"load {run['load_avg']}",
            flush=True,
        )
        _restore(before)
    if connection.vendor == "postgresql":
        connection.close()
    return {
        "events": runs[0]["rows"],
        "applied": runs[0]["applied"],
        "status_changed": runs[0]["status_changed"],
        "records_touched": runs[0]["records_touched"],
        "appended_rerun": max(r["appended_rerun"] for r in runs),
        "outbox_rows_rerun": max(r["outbox_rows_rerun"] for r in runs),
        "apply_s": statistics.median(r["apply_s"] for r in runs),
        "rerun_s": statistics.median(r["rerun_s"] for r in runs),
        "regrade_s": statistics.median(r["regrade_s"] for r in runs),
        "corpus": prepared["docs"],
        "db": args.db,
        "runs": runs,
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "calibration": host,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=50_000)
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
        base += ["--events", str(args.events), "--db", args.db]
        subprocess.run([*base, "--prepare"], check=True)
    result = measure(args)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
