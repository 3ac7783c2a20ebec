"""Profile one 一网通办 pledge cycle in-process: submit → accept → approve through
the JSON API (Django's test client, bearer tokens), on PostgreSQL.

    python bench/filings_profile.py [--cycles 30] [--db iphub_h_filings_prof] [--profile submit]

No server and no concurrency: this is where the time of *one* request goes, to
find waste (queries per step, PDF, audit, index), not a throughput figure
(``bench/filings.py`` is that). The database ``--db`` is dropped and created
afresh, migrated, and dropped again at the end unless ``--keep``.

Output: per step the number of SQL queries (from ``CaptureQueriesContext``),
the median and p90 of the in-process wall time and the median of this process's
CPU time (which the database server's load does not blur) over ``--cycles``
cycles after two warm-up cycles; ``--profile STEP`` adds the cProfile top 30 (cumulative) of
that step over all cycles; ``--queries STEP`` prints the SQL of one cycle's step.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

STEPS = ("submit", "accept", "approve")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cycles", type=int, default=30)
    ap.add_argument("--db", default="iphub_h_filings_prof")
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--profile", choices=STEPS, default=None)
    ap.add_argument("--queries", choices=STEPS, default=None)
    ap.add_argument("--sort", default="cumulative", help="cProfile sort key (tottime, ...)")
    ap.add_argument("--top", type=int, default=40, help="lines of the profile to print")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)

    import filings as bench  # bench/filings.py: the world and the request bodies

    bench.DB_NAME = args.db
    bench.postgres_ensure(args.pg)
    bench.database_recreate(args.pg)
    var_dir = Path(tempfile.mkdtemp(prefix="iphub-prof-"))
    os.environ.update(
        DATABASE_URL=f"{args.pg.rstrip('/')}/{args.db}",
        IPHUB_VAR_DIR=str(var_dir),
        IPHUB_DEBUG="0",
        # One address and a few tokens at full speed: no rate limits (core.ratelimit).
        IPHUB_RATELIMIT="0",
        DJANGO_SETTINGS_MODULE="iphub.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    try:
        call_command("migrate", verbosity=0)
        world = bench.world_create(clients=1, patents_per_client=args.cycles + 2, clerks=1)
        c = world.clients[0]
        client = Client()
        ent = {"HTTP_AUTHORIZATION": f"Bearer {c.token}"}
        clerk = {"HTTP_AUTHORIZATION": f"Bearer {world.clerk_tokens[0]}"}
        times: dict[str, list[float]] = {s: [] for s in STEPS}
        cpu_times: dict[str, list[float]] = {s: [] for s in STEPS}
        queries: dict[str, list[int]] = {s: [] for s in STEPS}
        sql: dict[str, list[str]] = {}
        prof = cProfile.Profile()

        def call(step: str, run: Any, measured: bool) -> Any:
            profiling = measured and args.profile == step
            with CaptureQueriesContext(connection) as ctx:
                t0, c0 = time.perf_counter(), time.process_time()
                if profiling:
                    prof.enable()
                resp = run()
                if profiling:
                    prof.disable()
                elapsed = time.perf_counter() - t0
                cpu = time.process_time() - c0
            if resp.status_code not in (200, 201):
                raise SystemExit(f"{step}: HTTP {resp.status_code} {resp.content[:300]!r}")
            if measured:
                times[step].append(elapsed)
                cpu_times[step].append(cpu)
                queries[step].append(len(ctx.captured_queries))
                sql.setdefault(step, [q["sql"] for q in ctx.captured_queries])
            return resp.json()

        for i, number in enumerate(c.patents):
            measured = i >= 2
            fields = bench.pledge_data(number, c.organisation)
            body, ctype = bench.multipart(fields, bench.MATERIALS)
            filing = call(
                "submit",
                lambda body=body, ctype=ctype: client.post(
                    "/api/v1/filings/pledges",
                    data=body,
                    content_type=ctype,
                    HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
                    **ent,
                ),
                measured,
            )
            for step in ("accept", "approve"):
                path = f"/api/v1/filings/{filing['id']}/{step}"
                payload = json.dumps({"version": filing["version"]})
                filing = call(
                    step,
                    lambda path=path, payload=payload: client.post(
                        path, data=payload, content_type="application/json", **clerk
                    ),
                    measured,
                )
        rows = {}
        for step in STEPS:
            ts = sorted(times[step])
            rows[step] = {
                "queries": statistics.median(queries[step]),
                "p50_ms": round(statistics.median(ts) * 1000, 1),
                "p90_ms": round(ts[int(0.9 * (len(ts) - 1))] * 1000, 1),
                "cpu_p50_ms": round(statistics.median(cpu_times[step]) * 1000, 1),
            }
            r = rows[step]
            q, p50, p90, cpu = r["queries"], r["p50_ms"], r["p90_ms"], r["cpu_p50_ms"]
            print(f"{step:8s} queries={q:>4}  p50={p50:>7} ms  p90={p90:>7} ms  cpu={cpu:>6} ms")
        if args.queries:
            print(f"\n-- SQL of one {args.queries}:")
            for q in sql[args.queries]:
                print("  ", q[:220])
        if args.profile:
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
        print(json.dumps({"cycles": len(times["submit"]), **rows}))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            bench.database_drop(args.pg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
