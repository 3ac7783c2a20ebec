"""Fault drills on the production layout, each checked for lost or duplicated data.

    python bench/faults.py [--patents 3000] [--keep]

Starts, on this machine and all of its own (nothing shared with other work here):

* a PostgreSQL instance of its own (``initdb`` + ``pg_ctl`` of the installed
  server, a data directory and a free port), so restarting it disturbs nobody;
* a Redis server of its own on a free port (cache and rate-limit counters);
* an upload directory (``IPHUB_MEDIA_DIR``) on a small tmpfs, to be filled;
* two gunicorn web nodes, A and B, on two ports, each with its own search index
  directory (as on two machines) and ``deploy/gunicorn.conf.py``;
* one worker (``manage.py worker``) beside node A, sharing A's index.

Drills (each prints what it checked):

1. ``worker_kill_import``: kill -9 the worker while it imports; the job must end
   failed with a reason (or done), the re-run must leave every record once, in the
   database and in both nodes' search.
2. ``worker_kill_export``: kill -9 the worker while it writes an export; the job
   must not stay running; the re-requested export holds every row once.
3. ``web_kill_approval``: pledge cycles (submit, accept, approve) against node A,
   kill -9 node A mid-run; clients go on against node B with the same
   idempotency keys and versions; every acknowledged filing exists once and
   every approval is registered.
4. ``postgres_restart``: the same cycles against both nodes while PostgreSQL
   restarts; /readyz says 503 while it is down; nothing lost or doubled after.
5. ``index_delete`` / ``index_corrupt``: node B's index directory deleted, then its
   ``meta.json`` overwritten; search must answer (results or 索引重建中, never a
   500 or a silent empty result) and come back complete.
6. ``upload_disk_full``: the upload tmpfs filled; a pledge with materials must be
   refused with a message (no 500, no filing without its files); after space is
   freed the same pledge goes through once.
7. ``cross_node``: a patent imported through node A's page is found by search on
   node B; the seconds from the upload to the hit (target <= 5 s).
8. ``backup_restore``: ``iphub backup``, the database dropped and the uploads
   removed, ``iphub restore`` into a new empty database; every table's row count
   and every file's SHA-256 must match, and both nodes search again.

Prints a table and, as the last line, one JSON object with ``drills, passed,
lost, duplicated, cross_node_s`` and each drill's figures. Needs root for the
tmpfs mount (without it a size-limited file-backed filesystem is not possible
either, and the disk drill is reported as skipped).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import glob
import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

from filings import (  # noqa: E402
    MATERIALS,
    PASSWORD,
    Api,
    free_port,
    machine,
    multipart,
    pledge_data,
    server_env,
    world_create,
)

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
DB = "iphub_faults"
MEDIA_MB = 16


def log(msg: str) -> None:
    print(msg, flush=True)


# ------------------------------------------------------------------------ the layout


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit(f"{name} not found: install postgresql (apt-get install postgresql).")
    return found[-1]


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]

    def kill9(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()


@dataclass
class Layout:
    base: Path
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, Proc] = field(default_factory=dict)
    mounted: bool = False
    redis: subprocess.Popen[bytes] | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(40))
    field_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    # -- paths
    @property
    def pg_dir(self) -> Path:
        return self.base / "pg"

    @property
    def var(self) -> Path:
        return self.base / "var"

    @property
    def media(self) -> Path:
        return self.base / "media"

    def index_dir(self, node: str) -> Path:
        return self.base / f"index-{node}"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/{DB}"

    def env(self, node: str = "A") -> dict[str, str]:
        env = server_env(self.url, self.var)
        env.update(
            IPHUB_SECRET_KEY=self.secret,
            IPHUB_FIELD_KEY=self.field_key,
            IPHUB_MEDIA_DIR=str(self.media),
            IPHUB_INDEX_DIR=str(self.index_dir(node)),
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            IPHUB_LOG_LEVEL="WARNING",
            IPHUB_ACCESS_LOG="0",
            IPHUB_READY_MIN_FREE_MB="1",
            IPHUB_TASK_LEASE_SECONDS="15",
            IPHUB_TASK_HEARTBEAT_SECONDS="1",
        )
        return env

    # -- PostgreSQL of its own
    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", pg_bin("pg_ctl"), "-D", str(self.pg_dir), *args],
            check=True,
            capture_output=True,
        )

    def pg_start(self) -> None:
        if not (self.pg_dir / "PG_VERSION").exists():
            self.pg_dir.mkdir(parents=True)
            shutil.chown(self.pg_dir, "postgres", "postgres")
            subprocess.run(
                ["runuser", "-u", "postgres", "--", pg_bin("initdb"), "-D", str(self.pg_dir),
                 "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "-U", "postgres"],
                check=True, capture_output=True,
            )  # fmt: skip
        opts = f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.pg_dir}"
        self.pg_ctl("-o", opts, "-l", str(self.pg_dir / "server.log"), "-w", "start")

    def pg_restart(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "restart")

    def pg_stop(self) -> None:
        with contextlib.suppress(Exception):
            self.pg_ctl("-m", "fast", "-w", "stop")

    def psql(self, sql: str, db: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            f"postgres://postgres@127.0.0.1:{self.pg_port}/{db}", autocommit=True
        ) as conn:
            conn.execute(sql)

    # -- Redis of its own
    def redis_start(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip

    # -- the upload disk
    def media_mount(self) -> None:
        self.media.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={MEDIA_MB}m", "tmpfs", str(self.media)],
            capture_output=True,
        )
        self.mounted = done.returncode == 0
        if not self.mounted:
            log(f"  (no tmpfs: {done.stderr.decode().strip()}; the disk drill is skipped)")

    # -- iphub processes
    def manage(self, *args: str, node: str = "A", check: bool = True) -> str:
        done = subprocess.run(
            [PY, str(ROOT / "manage.py"), *args],
            env=self.env(node), cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        if check and done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def web_start(self, node: str) -> None:
        port = self.ports.setdefault(node, free_port())
        env = self.env(node)
        metrics_dir = self.base / f"metrics-{node}"
        env.update(
            IPHUB_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        )
        out = (self.base / f"web-{node}.log").open("ab")
        popen = subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
        self.procs[f"web-{node}"] = Proc(f"web-{node}", popen)
        wait_until(lambda: http_get(self.host(node), "/healthz")[0] == 200, 90, f"node {node}")

    def worker_start(self) -> None:
        out = (self.base / "worker.log").open("ab")
        popen = subprocess.Popen(
            [PY, str(ROOT / "manage.py"), "worker", f"--worker-id=faults-{uuid.uuid4().hex[:6]}",
             "--interval=0.2"],
            env=self.env("A"), cwd=ROOT, stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
        self.procs["worker"] = Proc("worker", popen)

    def host(self, node: str) -> str:
        return f"127.0.0.1:{self.ports[node]}"

    def stop_all(self) -> None:
        for proc in list(self.procs.values()):
            proc.stop()
        self.procs.clear()


def wait_until(cond: Callable[[], bool], seconds: float, what: str, every: float = 0.2) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        with contextlib.suppress(Exception):
            if cond():
                return time.monotonic() - start
        time.sleep(every)
    raise TimeoutError(f"{what}: not within {seconds:g} s")


def http_get(host: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def search_total(host: str, query: str) -> tuple[int, int]:
    """(HTTP status, total hits) of the public search API on one node."""
    status, body = http_get(host, "/api/v1/patents/search?" + urllib.parse.urlencode({"q": query}))
    total = json.loads(body).get("total", -1) if status == 200 else -1
    return status, total


# ------------------------------------------------------------------------ the data


@dataclass
class Drill:
    name: str
    passed: bool = False
    lost: int = 0
    duplicated: int = 0
    seconds: float = 0.0
    detail: str = ""
    figures: dict[str, Any] = field(default_factory=dict)


def patent_rows(tag: str, serials: range) -> list[dict[str, str]]:
    from iphub.patents.numbers import application_check_char

    rows = []
    for s in serials:
        body = f"20221{s:07d}"
        rows.append(
            {
                "申请号": f"{body}.{application_check_char(body)}",
                "名称": f"一种故障演练{tag}用固态电池电解质{s}",
                "摘要": "本发明公开了一种固态电池电解质，提高了离子电导率。",
                "申请人": "武汉演练电池有限公司",
                "发明人": "张三;李四",
                "申请日": "2022-03-15",
                "主分类号": "H01M10/0562",
                "分类号": "H01M10/0562",
                "申请人地址": "湖北省武汉市洪山区珞喻路1号",
                "法律状态": "有效",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def numbers_in_db(numbers: list[str]) -> dict[str, int]:
    from django.db.models import Count

    from iphub.patents.models import Patent

    rows = (
        Patent.objects.filter(application_number__in=numbers)
        .values("application_number")
        .annotate(n=Count("id"))
    )
    return {r["application_number"]: r["n"] for r in rows}


def import_via_worker(lay: Layout, rows: list[dict[str, str]], actor: Any) -> int:
    """What the import page does: store the file, create the job, enqueue the task."""
    from iphub.patents import services
    from iphub.patents.tasks import run_import_job

    path = write_csv(lay.base / f"import-{uuid.uuid4().hex[:6]}.csv", rows)
    job = services.import_job_create(actor=actor, path=path, file_name=path.name, mode="all")
    run_import_job.enqueue(job.pk)
    return int(job.pk)


def job_status(model: Any, pk: int) -> str:
    return str(model.objects.filter(pk=pk).values_list("status", flat=True).first())


# ------------------------------------------------------------------------ drills


def drill_worker_kill_import(lay: Layout, ctx: dict[str, Any]) -> Drill:
    from iphub.patents.models import ImportJob

    d = Drill("worker_kill_import")
    n = ctx["import_rows"]
    rows = patent_rows("导入", range(100_000, 100_000 + n))
    numbers = [r["申请号"] for r in rows]
    job = import_via_worker(lay, rows, ctx["clerk"])
    wait_until(lambda: job_status(ImportJob, job) == "running", 60, "import running")
    time.sleep(0.5)
    lay.procs["worker"].kill9()
    killed_at = job_status(ImportJob, job)
    lay.worker_start()
    t0 = time.monotonic()
    wait_until(lambda: job_status(ImportJob, job) in ("done", "failed"), 120, "import settled")
    first = job_status(ImportJob, job)
    message = ImportJob.objects.get(pk=job).message
    d.figures.update(killed_while=killed_at, ended=first, settle_s=round(time.monotonic() - t0, 1))
    if first == "failed":
        # The person who uploaded it sees why and uploads again.
        again = import_via_worker(lay, rows, ctx["clerk"])
        wait_until(lambda: job_status(ImportJob, again) in ("done", "failed"), 180, "re-import")
        d.figures["rerun"] = job_status(ImportJob, again)
    counts = numbers_in_db(numbers)
    d.lost = sum(1 for x in numbers if x not in counts)
    d.duplicated = sum(c - 1 for c in counts.values())
    q = "固态电池电解质 AND 导入"
    found = {}
    for node in ("A", "B"):
        with contextlib.suppress(TimeoutError):
            wait_until(lambda node=node: search_total(lay.host(node), q)[1] == n, 60, "indexed")
        found[node] = search_total(lay.host(node), q)[1]
    d.lost += max(n - min(found.values()), 0)
    d.figures["search"] = found
    d.passed = d.lost == 0 and d.duplicated == 0 and (first == "done" or bool(message))
    d.detail = f"job {killed_at}->{first} ({message[:40]}); search A/B {found['A']}/{found['B']}"
    return d


def drill_worker_kill_export(lay: Layout, ctx: dict[str, Any]) -> Drill:
    from iphub.patents.models import ExportJob

    d = Drill("worker_kill_export")
    api = Api(lay.host("A"))
    hdr = {"Authorization": f"Bearer {ctx['clerk_token']}", "Content-Type": "application/json"}
    query = "电池"
    expected = search_total(lay.host("A"), query)[1]
    body = json.dumps({"q": query, "fmt": "csv"}).encode()
    status, out = api.call("POST", "/api/v1/patents/exports", body, hdr)
    if status != 202:
        d.detail = f"export request HTTP {status} {out}"
        return d
    first = int(out["id"])
    with contextlib.suppress(TimeoutError):
        wait_until(lambda: job_status(ExportJob, first) == "running", 30, "export running", 0.02)
    lay.procs["worker"].kill9()
    killed_at = job_status(ExportJob, first)
    lay.worker_start()
    try:
        wait_until(lambda: job_status(ExportJob, first) in ("done", "failed"), 120, "settled")
    except TimeoutError:
        from django_tasks_db.models import DBTaskResult

        tasks = list(
            DBTaskResult.objects.order_by("-enqueued_at").values_list("status", "task_path")[:3]
        )
        d.detail = f"export job {killed_at} -> still {job_status(ExportJob, first)} after 120 s"
        d.detail += f"; last tasks {tasks}"
        return d
    ended = job_status(ExportJob, first)
    job = first
    if ended == "failed":
        status, out = api.call("POST", "/api/v1/patents/exports", body, hdr)
        job = int(out["id"])
        wait_until(lambda: job_status(ExportJob, job) in ("done", "failed"), 120, "re-export")
    status, content = http_get(
        lay.host("B"),
        f"/api/v1/patents/exports/{job}/file",
        {"Authorization": hdr["Authorization"]},
    )
    lines = [r for r in csv.reader(content.decode("utf-8-sig").splitlines()) if r]
    numbers = [r[0] for r in lines[1:] if r[0][:1].isdigit() or r[0].startswith("CN")]
    d.lost = max(expected - len(set(numbers)), 0)
    d.duplicated = len(numbers) - len(set(numbers))
    d.figures.update(killed_while=killed_at, ended=ended, rows=len(numbers), expected=expected)
    d.passed = status == 200 and expected > 0 and d.lost == 0 and d.duplicated == 0
    d.detail = f"job {killed_at}->{ended}; file from node B: {len(numbers)}/{expected} rows"
    return d


@dataclass
class Cycles:
    """Pledge cycles of several clients; every acknowledged id kept, every failed
    step retried (same idempotency key, same version) on the next node."""

    acked: list[int] = field(default_factory=list)
    approved: list[int] = field(default_factory=list)
    retries: int = 0
    gave_up: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_cycles(lay: Layout, ctx: dict[str, Any], nodes: list[str], seconds: float) -> Cycles:
    tally = Cycles()
    stop_at = time.monotonic() + seconds

    def client(i: int, cl: Any) -> None:
        apis = [Api(lay.host(n)) for n in nodes]
        turn = i
        ent = {"Authorization": f"Bearer {cl.token}"}
        clerk = {
            "Authorization": f"Bearer {ctx['world'].clerk_tokens[0]}",
            "Content-Type": "application/json",
        }
        while time.monotonic() < stop_at and ctx["patents"][i]:
            number = ctx["patents"][i].pop()
            body, ctype = multipart(pledge_data(number, cl.organisation), MATERIALS)
            key = uuid.uuid4().hex
            fid, version = None, None
            for step in ("submit", "accept", "approve"):
                if step == "submit":
                    path, data = "/api/v1/filings/pledges", body
                    hdrs = {**ent, "Content-Type": ctype, "Idempotency-Key": key}
                else:
                    path = f"/api/v1/filings/{fid}/{step}"
                    data, hdrs = json.dumps({"version": version}).encode(), clerk
                deadline = time.monotonic() + 40
                while True:
                    api = apis[turn % len(apis)]
                    try:
                        status, out = api.call("POST", path, data, hdrs)
                    except OSError:
                        status, out = 0, {}
                    if status in (200, 201):
                        break
                    if step != "submit" and status == 409 and fid:
                        # The step went through before the connection broke: read it back.
                        status2, cur = api_get(api, f"/api/v1/filings/{fid}", ent)
                        want = "accepted" if step == "accept" else "registered"
                        if status2 == 200 and cur.get("state") in (want, "registered"):
                            out = cur
                            break
                    with tally.lock:
                        tally.retries += 1
                    turn += 1
                    if time.monotonic() > deadline:
                        with tally.lock:
                            tally.gave_up += 1
                        return
                    time.sleep(0.3)
                fid, version = out.get("id", fid), out.get("version", version)
                if step == "submit":
                    with tally.lock:
                        tally.acked.append(int(fid))
            with tally.lock:
                tally.approved.append(int(fid))

    threads = [
        threading.Thread(target=client, args=(i, cl), daemon=True)
        for i, cl in enumerate(ctx["world"].clients)
    ]
    for t in threads:
        t.start()
    ctx["cycle_threads"] = threads
    return tally


def api_get(api: Api, path: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    return api.call("GET", path, b"", headers)


def check_filings(tally: Cycles) -> tuple[int, int, int]:
    """(lost, duplicated, not registered) of what the servers acknowledged."""
    from django.db.models import Count

    from iphub.filings.models import Filing, FilingState

    present = set(Filing.objects.filter(pk__in=tally.acked).values_list("pk", flat=True))
    lost = len(set(tally.acked) - present)
    dup_patents = (
        Filing.objects.exclude(state__in=["withdrawn", "rejected"])
        .values("patent_id", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1, kind="pledge")
        .count()
    )
    not_reg = (
        len(tally.approved)
        - Filing.objects.filter(pk__in=tally.approved, state=FilingState.REGISTERED).count()
    )
    return lost, dup_patents, not_reg


def drill_web_kill(lay: Layout, ctx: dict[str, Any]) -> Drill:
    d = Drill("web_kill_approval")
    tally = run_cycles(lay, ctx, ["A", "B"], seconds=12)
    time.sleep(4)
    lay.procs["web-A"].kill9()
    killed = time.monotonic()
    for t in ctx["cycle_threads"]:
        t.join()
    lay.web_start("A")
    lost, dup, not_reg = check_filings(tally)
    d.lost, d.duplicated = lost + not_reg, dup
    d.figures.update(
        acked=len(tally.acked), approved=len(tally.approved), retries=tally.retries,
        gave_up=tally.gave_up, restart_s=round(time.monotonic() - killed, 1),
    )  # fmt: skip
    d.passed = d.lost == 0 and d.duplicated == 0 and tally.gave_up == 0 and bool(tally.approved)
    d.detail = (
        f"{len(tally.approved)} cycles, {tally.retries} retries on the other node, "
        f"{tally.gave_up} given up"
    )
    return d


def drill_postgres_restart(lay: Layout, ctx: dict[str, Any]) -> Drill:
    d = Drill("postgres_restart")
    tally = run_cycles(lay, ctx, ["A", "B"], seconds=12)
    time.sleep(3)
    seen: list[int] = []
    lay.pg_ctl("-m", "fast", "-w", "stop")
    down = time.monotonic()
    seen.append(http_get(lay.host("B"), "/readyz")[0])
    time.sleep(2)
    opts = f"-p {lay.pg_port} -c listen_addresses=127.0.0.1 -k {lay.pg_dir}"
    lay.pg_ctl("-o", opts, "-l", str(lay.pg_dir / "server.log"), "-w", "start")
    outage = time.monotonic() - down
    for t in ctx["cycle_threads"]:
        t.join()
    ready_after = wait_until(lambda: http_get(lay.host("B"), "/readyz")[0] == 200, 30, "ready")
    from django.db import connections

    connections.close_all()
    lost, dup, not_reg = check_filings(tally)
    d.lost, d.duplicated = lost + not_reg, dup
    d.figures.update(
        acked=len(tally.acked), approved=len(tally.approved), retries=tally.retries,
        gave_up=tally.gave_up, outage_s=round(outage, 1), readyz_down=seen[0],
        ready_again_s=round(ready_after, 1),
    )  # fmt: skip
    d.passed = (
        d.lost == 0 and d.duplicated == 0 and tally.gave_up == 0 and seen[0] == 503
    ) and bool(tally.approved)
    d.detail = (
        f"outage {outage:.1f} s, /readyz {seen[0]} while down; {len(tally.approved)} cycles, "
        f"{tally.retries} retries, {tally.gave_up} given up"
    )
    return d


def _index_drill(
    lay: Layout, name: str, damage: Callable[[Path], None], restart: bool = False
) -> Drill:
    from iphub.patents.models import Patent

    d = Drill(name)
    total = Patent.objects.count()
    q = "电池"
    want = search_total(lay.host("B"), q)[1]
    if restart:
        # The node is down while its index is damaged, and must find out at start.
        lay.procs.pop("web-B").stop()
        damage(lay.index_dir("B"))
        lay.web_start("B")
    else:
        damage(lay.index_dir("B"))
    statuses: list[int] = []
    bodies: list[str] = []

    def back() -> bool:
        status, body = http_get(lay.host("B"), "/api/v1/patents/search?q=" + urllib.parse.quote(q))
        statuses.append(status)
        if status != 200:
            bodies.append(body.decode(errors="replace"))
        return status == 200 and json.loads(body)["total"] == want

    took = wait_until(back, 120, f"{name}: search back", every=0.25)
    page_status, _page = http_get(lay.host("B"), "/patents/?q=" + urllib.parse.quote(q))
    silent_empty = any(s == 200 for s in statuses[:-1])  # 200 with a wrong count before rebuilt
    d.figures.update(
        recovered_s=round(took, 1), statuses=sorted(set(statuses)), patents=total, hits=want
    )
    said = all(s == 200 for s in statuses) or any(
        "索引重建中" in json.loads(b).get("message", "") for b in bodies if b.startswith("{")
    )
    d.passed = 500 not in statuses and said and not silent_empty and page_status == 200
    d.lost = 0 if d.passed else max(want - search_total(lay.host("B"), q)[1], 0)
    d.detail = f"answers {sorted(set(statuses))}, complete again after {took:.1f} s"
    if bodies:
        first = json.loads(bodies[0]) if bodies[0].startswith("{") else {"message": bodies[0]}
        d.detail += f"; meanwhile {first.get('code', '')}: {first.get('message', '')[:30]}"
    return d


def drill_index_delete(lay: Layout, ctx: dict[str, Any]) -> Drill:
    return _index_drill(lay, "index_delete", lambda p: shutil.rmtree(p))


def drill_index_corrupt(lay: Layout, ctx: dict[str, Any]) -> Drill:
    def corrupt(p: Path) -> None:
        (p / "meta.json").write_text('{"segments": [garbage')

    return _index_drill(lay, "index_corrupt", corrupt, restart=True)


def drill_disk_full(lay: Layout, ctx: dict[str, Any]) -> Drill:
    from iphub.filings.models import Filing

    d = Drill("upload_disk_full")
    if not lay.mounted:
        d.detail = "skipped: no tmpfs could be mounted here"
        d.passed = False
        return d
    filler = lay.media / "filler.bin"
    # Unbuffered, so that the last short write fails here and not in close().
    with filler.open("wb", buffering=0) as f:
        for size in (1 << 20, 4096, 512):
            with contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * size)
    cl = ctx["world"].clients[0]
    # Set aside before the drills: on a quiet machine the pledge cycles of the
    # two drills before this one used up every client's patents.
    number = ctx["disk_patent"]
    body, ctype = multipart(pledge_data(number, cl.organisation), MATERIALS)
    key = uuid.uuid4().hex
    hdrs = {"Authorization": f"Bearer {cl.token}", "Content-Type": ctype, "Idempotency-Key": key}
    before = Filing.objects.count()
    try:
        status, out = Api(lay.host("A")).call("POST", "/api/v1/filings/pledges", body, hdrs)
        after_full = Filing.objects.count()
        ready = json.loads(http_get(lay.host("A"), "/readyz")[1])
    finally:
        filler.unlink()
    status2, out2 = Api(lay.host("B")).call("POST", "/api/v1/filings/pledges", body, hdrs)
    status3, out3 = Api(lay.host("A")).call("POST", "/api/v1/filings/pledges", body, hdrs)
    created = Filing.objects.count() - before
    docs_ok = all(
        Path(doc.file.path).exists()
        for f in Filing.objects.filter(pk__in=[out2.get("id"), out3.get("id")])
        for doc in f.documents.all()
    )
    d.figures.update(
        full_status=status, full_code=out.get("code", ""),
        readyz_disk=ready["checks"]["disk"]["status"],
        after_status=status2, replay_status=status3, created=created,
    )  # fmt: skip
    d.lost = 0 if status2 == 201 else 1
    d.duplicated = max(created - 1, 0) + max(after_full - before, 0)
    d.passed = (
        (400 <= status < 500 or status == 507)
        and after_full == before
        and status2 == 201
        and created == 1
        and docs_ok
    )
    d.detail = (
        f"full: HTTP {status} {out.get('message', '')[:40]}; readyz disk "
        f"{ready['checks']['disk']['status']}; freed: HTTP {status2}, replay {status3}"
    )
    return d


def drill_cross_node(lay: Layout, ctx: dict[str, Any]) -> Drill:
    d = Drill("cross_node")
    tag = uuid.uuid4().hex[:4]
    rows = patent_rows("跨节点" + tag, range(200_000, 200_001))
    rows[0]["名称"] = f"一种跨节点{tag}检索演练用钠离子电池"
    path = write_csv(lay.base / "cross.csv", rows)
    # A clerk uploads the file on node A's import page (session, CSRF, multipart).
    t0 = time.monotonic()
    status, location = upload_import(lay.host("A"), ctx["clerk_name"], path)
    # A bare application number is a number search (AN=) on every node.
    q = rows[0]["申请号"]
    try:
        wait_until(lambda: search_total(lay.host("B"), q)[1] == 1, 30, "cross", 0.05)
        took = time.monotonic() - t0
    except TimeoutError:
        took = float("inf")
    d.seconds = took
    d.passed = status in (302, 303) and took <= 5.0
    d.lost = 0 if took != float("inf") else 1
    d.detail = f"upload on A answered {status}; found on B after {took:.2f} s (target 5 s)"
    d.figures.update(cross_node_timeline(lay, q))
    d.detail += "; " + ", ".join(f"{k} {v}" for k, v in d.figures.items() if k.endswith("_s"))
    if took == float("inf"):
        from iphub.patents.models import ImportJob

        job = ImportJob.objects.order_by("-pk").values("status", "message").first()
        d.detail += f"; redirected to {location}; last import job {job}"
    return d


def cross_node_timeline(lay: Layout, number: str) -> dict[str, Any]:
    """Where the cross-node seconds went, from the rows the path leaves behind:
    the import job (created, claimed, finished), its queue task (enqueued,
    started), the outbox row and node B's index position (saved when applied).
    Each figure is seconds after the import job row was created."""
    from django_tasks_db.models import DBTaskResult

    from iphub.core.models import IndexOutbox
    from iphub.patents.models import ImportJob, Patent

    job = ImportJob.objects.order_by("-pk").first()
    if job is None:
        return {}
    t0 = job.created_at

    def since(t: Any) -> float | None:
        return None if t is None else round((t - t0).total_seconds(), 2)

    out: dict[str, Any] = {"job_claimed_s": since(job.claimed_at),
                           "job_finished_s": since(job.finished_at)}  # fmt: skip
    task = (
        DBTaskResult.objects.filter(
            task_path__endswith="run_import_job", args_kwargs__args=[job.pk]
        )
        .order_by("-enqueued_at")
        .first()
    )
    if task is not None:
        out["task_enqueued_s"] = since(task.enqueued_at)
        out["task_started_s"] = since(task.started_at)
        # What the one worker ran between the upload and this task's start.
        ahead = DBTaskResult.objects.filter(
            started_at__gte=t0, started_at__lt=task.started_at or t0
        ).values_list("task_path", "started_at", "finished_at")
        out["ran_before"] = [
            f"{path.rsplit('.', 1)[-1]} {since(a)}-{since(b)}" for path, a, b in ahead
        ]
    pk = Patent.objects.filter(application_number=number).values_list("pk", flat=True).first()
    row = IndexOutbox.objects.filter(entity="patent", object_id=pk).order_by("-id").first()
    if row is not None:
        out["outbox_row_s"] = since(row.created_at)
    state = lay.index_dir("B") / "outbox-state.json"
    with contextlib.suppress(OSError, ValueError):
        import datetime as dt

        updated = json.loads(state.read_text())["updated"]
        out["b_state_saved_s"] = since(dt.datetime.fromtimestamp(updated, dt.UTC))
    return out


def upload_import(host: str, username: str, path: Path) -> tuple[int, str]:
    from http.cookies import SimpleCookie

    jar: dict[str, str] = {}

    def req(method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
        conn = http.client.HTTPConnection(host, timeout=60)
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), **(headers or {})}
        conn.request(method, url, body=body, headers=h)
        resp = conn.getresponse()
        resp.read()
        for header in resp.headers.get_all("Set-Cookie") or []:
            for k, m in SimpleCookie(header).items():
                jar[k] = m.value
        conn.close()
        return resp

    req("GET", "/login/")
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": jar["csrftoken"]}
    ).encode()
    login = req("POST", "/login/", form, {"Content-Type": "application/x-www-form-urlencoded",
                                          "Referer": f"http://{host}/login/"})  # fmt: skip
    if login.status != 302:
        raise RuntimeError(f"login on {host} answered {login.status}")

    body, ctype = multipart(
        {"mode": "all", "csrfmiddlewaretoken": jar["csrftoken"]},
        {"file": (path.name, path.read_bytes(), "text/csv")},
    )
    resp = req("POST", "/patents/imports/", body,
               {"Content-Type": ctype, "Referer": f"http://{host}/patents/imports/"})  # fmt: skip
    return int(resp.status), str(resp.headers.get("Location", ""))


def tree_sums(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def drill_backup_restore(lay: Layout, ctx: dict[str, Any]) -> Drill:
    d = Drill("backup_restore")
    lay.stop_all()  # a quiet moment for a comparable before/after
    from django.db import connections

    from iphub.core.backup import table_counts

    connections.close_all()
    rows_before = table_counts()
    files_before = tree_sums(lay.media)
    connections.close_all()
    t0 = time.monotonic()
    out = json.loads(lay.manage("backup", "--dest", str(lay.base / "backups"), "--json"))
    backup_s = time.monotonic() - t0
    # The machine is lost: the database and the uploads go.
    lay.psql(f'DROP DATABASE "{DB}" WITH (FORCE)')
    lay.psql(f'CREATE DATABASE "{DB}"')
    for child in lay.media.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    for node in ("A", "B"):
        shutil.rmtree(lay.index_dir(node), ignore_errors=True)
    t1 = time.monotonic()
    restored = json.loads(lay.manage("restore", out["path"], "--json", check=False) or "{}")
    restore_s = time.monotonic() - t1
    connections.close_all()
    rows_after = table_counts()
    files_after = tree_sums(lay.media)
    connections.close_all()
    missing_rows = sum(max(n - rows_after.get(t, 0), 0) for t, n in rows_before.items())
    extra_rows = sum(max(rows_after.get(t, 0) - n, 0) for t, n in rows_before.items())
    # Compared as restore loaded them (before its index rebuild, which may queue
    # follow-up tasks such as the navigation snapshot), and as they are now.
    loaded_differ = restored.get("mismatched_tables", {"?": "restore failed"})
    d.lost = missing_rows + len(set(files_before) - set(files_after))
    d.duplicated = extra_rows if loaded_differ else 0
    changed = [k for k in files_before if k in files_after and files_before[k] != files_after[k]]
    lay.web_start("A")
    lay.web_start("B")
    lay.worker_start()
    # Each node rebuilds its own index from the restored database (in the
    # background above INDEX_SYNC_REBUILD_LIMIT, answering 索引重建中 meanwhile).
    with contextlib.suppress(TimeoutError):
        wait_until(
            lambda: all(search_total(lay.host(n), "电池")[0] == 200 for n in ("A", "B")), 120, "up"
        )
    hits = {n: search_total(lay.host(n), "电池")[1] for n in ("A", "B")}
    d.figures.update(
        tables=len(rows_before), rows=sum(rows_before.values()), files=len(files_before),
        backup_s=round(backup_s, 1), restore_s=round(restore_s, 1), bytes=out["bytes"],
        search=hits, indexed=restored.get("indexed"),
    )  # fmt: skip
    d.passed = (
        d.lost == 0 and d.duplicated == 0 and not changed and not loaded_differ
        and hits["A"] == hits["B"] and hits["A"] > 0
    )  # fmt: skip
    differ = {t: (n, rows_after.get(t)) for t, n in rows_before.items() if rows_after.get(t) != n}
    if differ or changed or restored.get("mismatched_tables"):
        # Tables that grew after the load (the index rebuild queues follow-up tasks).
        d.figures["after_rebuild"] = {
            "tables": differ,
            "files_changed": changed[:5],
            "mismatched_at_load": restored.get("mismatched_tables"),
        }
    d.detail = (
        f"{len(rows_before)} tables {sum(rows_before.values())} rows, {len(files_before)} files; "
        f"backup {backup_s:.1f} s, restore {restore_s:.1f} s; search A/B {hits['A']}/{hits['B']}"
    )
    return d


DRILLS = [
    drill_worker_kill_import,
    drill_worker_kill_export,
    drill_web_kill,
    drill_postgres_restart,
    drill_index_delete,
    drill_index_corrupt,
    drill_disk_full,
    drill_cross_node,
    drill_backup_restore,
]


# ------------------------------------------------------------------------ main


@contextlib.contextmanager
def layout(keep: bool) -> Iterator[Layout]:
    lay = Layout(base=Path(tempfile.mkdtemp(prefix="iphub-faults-")))
    shutil.chown(lay.base, "postgres", "postgres")
    os.chmod(lay.base, 0o755)
    try:
        lay.pg_start()
        lay.redis_start()
        lay.var.mkdir()
        lay.media_mount()
        yield lay
    finally:
        lay.stop_all()
        if lay.redis is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(lay.redis.pid, signal.SIGTERM)
            lay.redis.wait(timeout=10)
        lay.pg_stop()
        if lay.mounted:
            subprocess.run(["umount", str(lay.media)], check=False)
        if not keep:
            shutil.rmtree(lay.base, ignore_errors=True)
        else:
            log(f"kept: {lay.base}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--patents", type=int, default=2000, help="patents in the drill's import")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--only", default="", help="comma-separated drill names")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = ap.parse_args(argv)
    host = machine()
    log(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}")
    results: list[Drill] = []
    with layout(args.keep) as lay:
        lay.psql(f'CREATE DATABASE "{DB}"')
        os.environ.update(lay.env("A"))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from iphub.core import services as core
        from iphub.core.models import Role

        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        world = world_create(clients=args.clients, patents_per_client=200, clerks=1)
        clerk_name = f"faults_clerk_{uuid.uuid4().hex[:6]}"
        clerk = core.user_create(
            actor=None, username=clerk_name, password=PASSWORD, role=Role.WINDOW,
            region_code="420100",
        )  # fmt: skip
        clerk_token = core.api_token_create(user=clerk, name="faults")[1]
        connections.close_all()
        ctx: dict[str, Any] = {
            "world": world,
            "clerk": clerk,
            "clerk_name": clerk_name,
            "clerk_token": clerk_token,
            "patents": [list(c.patents) for c in world.clients],
            "import_rows": args.patents,
        }
        ctx["disk_patent"] = ctx["patents"][0].pop()
        lay.web_start("A")
        lay.web_start("B")
        lay.worker_start()
        log(
            f"layout up in {time.monotonic() - t0:.0f} s: PostgreSQL :{lay.pg_port} "
            f"({lay.pg_dir}), Redis :{lay.redis_port}, web A :{lay.ports['A']}, "
            f"web B :{lay.ports['B']}, 1 worker, uploads on "
            f"{'tmpfs ' + str(MEDIA_MB) + ' MB' if lay.mounted else 'the main disk'}"
        )
        only = {x for x in args.only.split(",") if x}
        for drill in DRILLS:
            name = drill.__name__.removeprefix("drill_")
            if only and not any(name.startswith(o) for o in only):
                continue
            t = time.monotonic()
            try:
                result = drill(lay, ctx)
            except Exception as exc:
                result = Drill(name, detail=f"error: {type(exc).__name__}: {exc}"[:300])
            finally:
                connections.close_all()
            result.figures["drill_s"] = round(time.monotonic() - t, 1)
            results.append(result)
            mark = "PASS" if result.passed else "FAIL"
            log(f"  {mark} {result.name}: {result.detail}")
    return report(results, host)


def report(results: list[Drill], host: dict[str, Any]) -> int:
    log("")
    log(f"{'drill':<22} {'result':<6} {'lost':>5} {'dup':>5} {'time s':>7}  detail")
    for r in results:
        log(
            f"{r.name:<22} {'pass' if r.passed else 'FAIL':<6} {r.lost:>5} {r.duplicated:>5} "
            f"{r.figures.get('drill_s', 0):>7}  {r.detail}"
        )
    cross = next((r.seconds for r in results if r.name == "cross_node"), None)
    summary = {
        "drills": len(results),
        "passed": sum(r.passed for r in results),
        "lost": sum(r.lost for r in results),
        "duplicated": sum(r.duplicated for r in results),
        "cross_node_s": None if cross in (None, float("inf")) else round(cross, 2),
        "python_ms": host["python_ms"],
        "results": {r.name: {"passed": r.passed, **r.figures} for r in results},
    }
    print(json.dumps(summary, ensure_ascii=False, default=str))
    return 0 if summary["passed"] == summary["drills"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
