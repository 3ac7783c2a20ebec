"""Benchmark 一网通办 pledge registration over HTTP: submit → accept → approve.

    python bench/filings.py [--seconds 60] [--clients 8] [--workers 5] [--threads 4]

Sets up everything it needs and takes it down again:

* a scratch PostgreSQL database ``iphub_bench_filings`` (dropped first if left
  over, dropped at the end unless ``--keep``; the cluster is started with
  ``pg_ctlcluster`` if it is down, and stopped again only if this run started it),
  migrated, with Hubei's regions;
* one enterprise per client (a Wuhan company, its applicant user and API token),
  Wuhan city window clerks with tokens, and enough granted patents owned by the
  enterprises (created through ``patents_upsert``, so they are also indexed) for
  every client to pledge a fresh one in every cycle;
* gunicorn (gthread workers) on a free port of 127.0.0.1, with its own var dir.

Each client thread then runs pledge cycles through the JSON API with bearer
tokens (the API needs no CSRF token that way): the enterprise submits a pledge
with its three materials (multipart), a clerk accepts it and approves it, each
step carrying the version it saw. After ``--seconds`` the clients finish their
cycle, the server stops, and the filings the server acknowledged are counted in
the database: ``lost`` is acknowledged but missing, ``not_registered`` approved
but not in state 已登记.

Output: a table per step (count, rate, p50/p95/p99, max), the error summary, the
CPU each cycle cost the server, the database and the client (Linux ``/proc``; on
two cores, 100 cycles/s means 20 ms for all three together), and as the last
line one JSON object with ``cycles_per_s, p95_ms, errors, lost`` and more.
Target on the 2-core machine: >= 100 cycles/s, p95 <= 300 ms per step, no
errors, nothing lost.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

DB_NAME = "iphub_bench_filings"
PASSWORD = "Bench@Pass2026"
STEPS = ("submit", "accept", "approve")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# Wuhan districts the benchmark's companies sit in; all are handled by the city (420100).
DISTRICTS = ("420102", "420103", "420104", "420105", "420106", "420111", "420112", "420115")
HANDLING_CITY = "420100"


# --------------------------------------------------------------------------- setup


@dataclass
class Client:
    """One simulated applicant: its company, token and the patents it may pledge."""

    organisation: str
    token: str
    patents: list[str]


@dataclass
class World:
    clients: list[Client]
    clerk_tokens: list[str]


def application_number(serial: int) -> str:
    """A valid invention application number (check digit included) for ``serial``."""
    from iphub.patents.numbers import application_check_char

    body = f"20201{serial:07d}"
    return f"{body}.{application_check_char(body)}"


def world_create(*, clients: int, patents_per_client: int, clerks: int) -> World:
    """Create the enterprises, users, tokens and granted patents of a run (Django set up).

    Goes through the core and patents services, as the platform's own setup does.
    """
    import datetime as dt

    from django.db import transaction

    from iphub.core import services as core
    from iphub.core.demo import demo_uscc
    from iphub.core.models import Role
    from iphub.patents.importers import PatentIn
    from iphub.patents.services import patents_upsert

    core.regions_load()
    tag = uuid.uuid4().hex[:6]
    clerk_tokens = []
    for i in range(clerks):
        clerk = core.user_create(
            actor=None,
            username=f"bench_clerk_{tag}_{i}",
            password=PASSWORD,
            role=Role.WINDOW,
            region_code=HANDLING_CITY,
        )
        clerk_tokens.append(core.api_token_create(user=clerk, name="bench")[1])
    out: list[Client] = []
    rows: list[PatentIn] = []
    serial = 1
    for c in range(clients):
        district = DISTRICTS[c % len(DISTRICTS)]
        name = f"基准测试{tag}科技有限公司{c:03d}"
        org = core.organisation_create(
            actor=None,
            data={
                "name": name,
                "uscc": demo_uscc(district, 700_000_000 + int(tag, 16) % 1_000_000 * 100 + c),
                "kind": "enterprise",
                "region": district,
            },
        )
        user = core.user_create(
            actor=None,
            username=f"bench_ent_{tag}_{c}",
            password=PASSWORD,
            role=Role.ENTERPRISE,
            organisation=org,
        )
        token = core.api_token_create(user=user, name="bench")[1]
        numbers = []
        for _ in range(patents_per_client):
            number = application_number(serial)
            serial += 1
            numbers.append(number)
            rows.append(
                PatentIn(
                    application_number=number,
                    type="invention",
                    title=f"一种基准测试用锂电池正极材料{number}",
                    applicants=[name],
                    address="湖北省武汉市洪山区珞喻路1号",
                    app_date=dt.date(2020, 3, 15),
                    grant_date=dt.date(2022, 5, 10),
                    legal_status="有效",
                    source_name=f"bench-{tag}",
                )
            )
        out.append(Client(organisation=name, token=token, patents=numbers))
    for start in range(0, len(rows), 2000):
        with transaction.atomic():
            patents_upsert(rows[start : start + 2000])
    return World(clients=out, clerk_tokens=clerk_tokens)


def _admin_connect(pg: str) -> Any:
    import psycopg

    return psycopg.connect(f"{pg.rstrip('/')}/postgres", autocommit=True)


def postgres_ensure(pg: str) -> list[str] | None:
    """Start the local cluster if nothing answers; the command to stop it, if started."""
    try:
        _admin_connect(pg).close()
        return None
    except Exception:
        pass
    versions = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").exists() else []
    if not versions:
        raise SystemExit(f"PostgreSQL does not answer at {pg} and no local cluster to start.")
    cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]
    subprocess.run([*cmd, "start"], check=True)
    for _ in range(30):
        with contextlib.suppress(Exception):
            _admin_connect(pg).close()
            return [*cmd, "stop"]
        time.sleep(1)
    raise SystemExit("PostgreSQL did not come up.")


def database_recreate(pg: str) -> None:
    with _admin_connect(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def database_drop(pg: str) -> None:
    with _admin_connect(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        IPHUB_VAR_DIR=str(var_dir),
        IPHUB_DEBUG="0",
        IPHUB_SECRET_KEY=secrets.token_urlsafe(40),
        IPHUB_FIELD_KEY=secrets.token_urlsafe(32),
        # Plain HTTP on the loopback (debug off would otherwise redirect to HTTPS).
        IPHUB_HTTPS="0",
        # Hundreds of requests a second from one address and a few tokens: the
        # platform's rate limits (core.ratelimit) would answer 429, by design.
        IPHUB_RATELIMIT="0",
        DJANGO_SETTINGS_MODULE="iphub.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")])),
    )
    return env


def process_cpu(match: Any) -> dict[int, float]:
    """CPU seconds (user + system) so far of each live process whose
    ``match(name, stat fields)`` accepts; Linux ``/proc`` only, elsewhere empty."""
    out: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name (which may contain spaces) in parentheses.
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        if match(name, rest):
            out[int(entry.name)] = (int(rest[11]) + int(rest[12])) / tick  # utime, stime
    return out


class CpuMeter:
    """CPU used during the run by the server (gunicorn's process group), the
    database (every ``postgres`` process) and this process (the clients).

    Sampled every second, because processes come and go during a run (Django
    closes a database connection after ``CONN_MAX_AGE``, ending its PostgreSQL
    backend): each process counts up to its last sample, so at most a second of
    an exiting process's work is missed.
    """

    def __init__(self, server_pgid: int) -> None:
        self.roles = {
            "server": lambda name, rest: int(rest[2]) == server_pgid,
            "database": lambda name, rest: name.startswith("postgres"),
        }
        self.first: dict[str, dict[int, float]] = {}
        self.last: dict[str, dict[int, float]] = {r: {} for r in self.roles}
        self.stop = threading.Event()
        self.sample()
        self.first = {r: dict(v) for r, v in self.last.items()}
        self.client0 = time.process_time()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        for role, match in self.roles.items():
            self.last[role].update(process_cpu(match))

    def _run(self) -> None:
        while not self.stop.wait(1.0):
            self.sample()

    def finish(self) -> dict[str, float]:
        """CPU seconds per role since the meter started."""
        self.stop.set()
        self.thread.join()
        self.sample()
        used = {
            role: sum(v - self.first[role].get(pid, 0.0) for pid, v in self.last[role].items())
            for role in self.roles
        }
        used["client"] = time.process_time() - self.client0
        return used


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], *, port: int, workers: int, threads: int
) -> Iterator[tuple[str, int]]:
    """Serve the app with gunicorn on 127.0.0.1:``port`` until the block ends;
    yields the address and the server's process group."""
    cmd = [
        sys.executable, "-m", "gunicorn", "iphub.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(threads),
        "--keep-alive", "30", "--log-level", "warning", "--timeout", "60", "--preload",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    base = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {proc.returncode}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(base, timeout=5)
                conn.request("GET", "/api/v1/filings/catalogue")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer within 60 s")
            time.sleep(0.3)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# --------------------------------------------------------------------------- load


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    """Encode a multipart/form-data body; returns (body, content type)."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, content, ctype) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


MATERIALS = {
    "application_form": ("申请表.pdf", PDF, "application/pdf"),
    "pledge_contract": ("质押合同.pdf", PDF, "application/pdf"),
    "identity_proof": ("营业执照.png", PNG, "image/png"),
}


class Api:
    """A keep-alive HTTP connection; reconnects once when the server closed it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.conn: http.client.HTTPConnection | None = None

    def call(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.base, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                data = {"message": raw[:200].decode(errors="replace")}
            return resp.status, data
        raise AssertionError("unreachable")


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: Counter[str] = field(default_factory=Counter)
    submitted: list[int] = field(default_factory=list)
    approved: list[int] = field(default_factory=list)
    cycles: int = 0
    exhausted: bool = False


def pledge_data(number: str, organisation: str) -> dict[str, str]:
    return {
        "application_number": number,
        "pledgor": organisation,
        "pledgee": "中国银行股份有限公司武汉分行",
        "debt_amount": "1000000.00",
        "debt_start": "2026-01-01",
        "debt_end": "2029-12-31",
        "debt_type": "流动资金贷款",
        "guarantee_scope": "主债权及利息、违约金、实现质权的费用",
    }


def client_run(client: Client, clerk_token: str, base: str, stop_at: float, tally: Tally) -> None:
    """Pledge cycles until ``stop_at``; every step timed, every failure counted."""
    api = Api(base)
    ent = {"Authorization": f"Bearer {client.token}"}
    clerk = {"Authorization": f"Bearer {clerk_token}", "Content-Type": "application/json"}
    patents = iter(client.patents)
    while time.monotonic() < stop_at:
        number = next(patents, None)
        if number is None:
            tally.exhausted = True
            return
        body, ctype = multipart(pledge_data(number, client.organisation), MATERIALS)
        headers = {**ent, "Content-Type": ctype, "Idempotency-Key": uuid.uuid4().hex}
        filing_id = version = None
        for step in STEPS:
            if step == "submit":
                path, data, hdrs, want = "/api/v1/filings/pledges", body, headers, 201
            else:
                path = f"/api/v1/filings/{filing_id}/{step}"
                data, hdrs, want = json.dumps({"version": version}).encode(), clerk, 200
            t0 = time.perf_counter()
            try:
                status, out = api.call("POST", path, data, hdrs)
            except OSError as exc:
                tally.errors[f"{step}: {type(exc).__name__}"] += 1
                break
            tally.times[step].append(time.perf_counter() - t0)
            if status != want:
                tally.errors[f"{step}: HTTP {status} {out.get('code', '')}"] += 1
                break
            filing_id, version = out["id"], out["version"]
            if step == "submit":
                tally.submitted.append(filing_id)
        else:
            tally.approved.append(int(filing_id or 0))
            tally.cycles += 1


def machine() -> dict[str, Any]:
    """What ran the benchmark: CPU model, cores, and ``python_ms``, the CPU time of
    a fixed pure-Python workload (dicts and strings, as Django spends it), taken
    before the run. Hosts of the same kind differ: the same code measured 46 ms
    of CPU per cycle on one and 18 ms on another, so results are compared with
    this figure beside them, not across hosts bare."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    runs = []
    for _ in range(3):
        t = time.process_time()
        table = {str(i): i * 2 for i in range(200_000)}
        sum(len(k) + v for k, v in table.items())
        runs.append(time.process_time() - t)
    return {"cpu": model, "cores": os.cpu_count(), "python_ms": round(1000 * min(runs), 1)}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def db_counts(submitted: list[int], approved: list[int]) -> dict[str, int]:
    """What the database holds of what the server acknowledged."""
    from iphub.filings.models import Filing, FilingState

    found = set()
    for start in range(0, len(submitted), 5000):
        chunk = submitted[start : start + 5000]
        found |= set(Filing.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    registered = 0
    for start in range(0, len(approved), 5000):
        chunk = approved[start : start + 5000]
        registered += Filing.objects.filter(pk__in=chunk, state=FilingState.REGISTERED).count()
    total = Filing.objects.count()
    return {
        "lost": len(set(submitted) - found),
        "not_registered": len(approved) - registered,
        # Created without the client learning its id (a timed-out submit).
        "unacknowledged": total - len(found),
        "in_database": total,
    }


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    # Two cores: beyond ~8 clients the extra requests only wait in line (measured: 8
    # and 16 clients give the same cycles/s, 16 doubles the p95).
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    ap.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    ap.add_argument("--clerks", type=int, default=4)
    ap.add_argument(
        "--max-rate", type=float, default=300.0, help="cycles/s the patent pool is sized for"
    )
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args(argv)

    host = machine()
    print(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}")
    pg = args.pg.rstrip("/")
    database_url = f"{pg}/{DB_NAME}"
    var_dir = Path(tempfile.mkdtemp(prefix="iphub-bench-filings-"))
    os.environ.update(server_env(database_url, var_dir))
    stop_cluster = postgres_ensure(pg)
    try:
        database_recreate(pg)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        per_client = math.ceil(args.seconds * args.max_rate / args.clients) + 5
        world = world_create(
            clients=args.clients, patents_per_client=per_client, clerks=max(1, args.clerks)
        )
        connections.close_all()
        print(
            f"setup: {args.clients} enterprises, {args.clients * per_client} granted patents, "
            f"{args.clerks} clerks in {time.monotonic() - t0:.1f} s",
            flush=True,
        )
        tallies = [Tally() for _ in world.clients]
        env = server_env(database_url, var_dir)
        with gunicorn(env, port=free_port(), workers=args.workers, threads=args.threads) as (
            base,
            server_pgid,
        ):
            print(
                f"gunicorn {args.workers} workers x {args.threads} threads at {base}; "
                f"{args.clients} clients for {args.seconds:g} s",
                flush=True,
            )
            meter = CpuMeter(server_pgid)
            start = time.monotonic()
            stop_at = start + args.seconds
            threads = [
                threading.Thread(
                    target=client_run,
                    args=(c, world.clerk_tokens[i % len(world.clerk_tokens)], base, stop_at, t),
                    daemon=True,
                )
                for i, (c, t) in enumerate(zip(world.clients, tallies, strict=True))
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - start
            cpu = meter.finish()
        submitted = [i for t in tallies for i in t.submitted]
        approved = [i for t in tallies for i in t.approved]
        counts = db_counts(submitted, approved)
        connections.close_all()
    finally:
        if not args.keep:
            with contextlib.suppress(Exception):
                database_drop(pg)
        shutil.rmtree(var_dir, ignore_errors=True)
        if stop_cluster:
            subprocess.run(stop_cluster, check=False)

    report = summarize(tallies, elapsed, counts, args, cpu, host)
    return 0 if report["errors"] == 0 and report["lost"] == 0 else 1


def summarize(
    tallies: list[Tally],
    elapsed: float,
    counts: dict[str, int],
    args: argparse.Namespace,
    cpu: dict[str, float],
    host: dict[str, Any],
) -> dict[str, Any]:
    cycles = sum(t.cycles for t in tallies)
    errors: Counter[str] = Counter()
    for t in tallies:
        errors.update(t.errors)
    steps: dict[str, dict[str, float]] = {}
    print(f"\n{'step':<8} {'count':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8}")  # fmt: skip
    for step in STEPS:
        times = [x for t in tallies for x in t.times[step]]
        row = {
            "count": len(times),
            "per_s": round(len(times) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(1000 * percentile(times, 0.50), 1),
            "p95_ms": round(1000 * percentile(times, 0.95), 1),
            "p99_ms": round(1000 * percentile(times, 0.99), 1),
            "max_ms": round(1000 * max(times, default=0.0), 1),
        }
        steps[step] = row
        print(f"{step:<8} {row['count']:>7} {row['per_s']:>8} {row['p50_ms']:>8} "
              f"{row['p95_ms']:>8} {row['p99_ms']:>8} {row['max_ms']:>8}")  # fmt: skip
    n_errors = sum(errors.values())
    print(f"\ncycles: {cycles} in {elapsed:.1f} s = {cycles / elapsed:.1f}/s; errors: {n_errors}")
    for what, n in errors.most_common(10):
        print(f"  {n:>6}  {what}")
    print(
        f"database: {counts['in_database']} filings; lost {counts['lost']}, "
        f"approved but not registered {counts['not_registered']}, "
        f"unacknowledged {counts['unacknowledged']}"
    )
    # Where a cycle's CPU goes: on two cores, 100 cycles/s leaves 20 ms for all three.
    cpu_ms = {k: round(1000 * v / cycles, 1) if cycles else 0.0 for k, v in cpu.items()}
    print(
        "CPU per cycle: "
        + ", ".join(f"{k} {v} ms" for k, v in cpu_ms.items())
        + f"; total {sum(cpu_ms.values()):.1f} ms"
    )
    if any(t.exhausted for t in tallies):
        print("note: some clients ran out of patents; raise --max-rate")
    p95 = max(r["p95_ms"] for r in steps.values())
    cycles_per_s = round(cycles / elapsed, 1) if elapsed else 0.0
    report: dict[str, Any] = {
        "cycles_per_s": cycles_per_s,
        "p95_ms": p95,
        "errors": n_errors,
        "lost": counts["lost"],
        "not_registered": counts["not_registered"],
        "unacknowledged": counts["unacknowledged"],
        "cycles": cycles,
        "seconds": round(elapsed, 1),
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "steps": steps,
        "cpu_ms_per_cycle": cpu_ms,
        "machine": host,
        "target_met": cycles_per_s >= 100 and p95 <= 300 and n_errors == 0 and not counts["lost"],
    }
    print(json.dumps(report, ensure_ascii=False))
    return report


if __name__ == "__main__":
    sys.exit(main())
