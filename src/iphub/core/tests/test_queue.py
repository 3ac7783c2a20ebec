"""The durable queue (core.queue, core.worker): tasks wait in the database until a
worker takes them, a worker's death is seen and its task failed (with the reason
a clerk reads on the job) or re-queued, retry-safe tasks are retried with
backoff, two workers never run the same task, and ``manage.py worker`` killed
with SIGKILL mid-task is detected on PostgreSQL with a real process."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.tasks import task
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from iphub.conftest import at_once
from iphub.core import queue
from iphub.core.models import WorkerHeartbeat
from iphub.core.queue import task_policy
from iphub.core.worker import IphubWorker
from iphub.patents.models import ImportJob, ImportMode, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ABANDONED: list[tuple[str, tuple[Any, ...]]] = []


@task()
def write_mark(path: str, text: str) -> str:
    """Appends ``text`` to the file: the test reads what ran, and how often."""
    with open(path, "a") as fh:
        fh.write(text + "\n")
    return text


@task()
def fail_first_time(path: str) -> str:
    """Fails while the flag file is absent (and creates it): one failure, then success."""
    flag = Path(path)
    if not flag.exists():
        flag.write_text("failed once")
        raise RuntimeError("暂时的错误")
    return "ok"


@task()
def always_fails(path: str) -> str:
    raise RuntimeError("数据有误")


@task()
def wait_for_file(path: str) -> str:
    """Runs until the file appears (at most a minute): a task to kill a worker under."""
    deadline = time.monotonic() + 60
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return "released"


def _abandoned(reason: str, *args: Any) -> None:
    ABANDONED.append((reason, args))


task_policy(write_mark, retry_safe=True, max_attempts=3, backoff_seconds=0)
task_policy(fail_first_time, retry_safe=True, max_attempts=3, backoff_seconds=30)
task_policy(always_fails, on_abandon=_abandoned)
task_policy(wait_for_file, on_abandon=_abandoned)


def _worker(worker_id: str = "test-worker") -> IphubWorker:
    return IphubWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
        schedule=False,
        follow_index=False,
    )


def _dead_worker(worker_id: str, *, seconds_ago: int = 600) -> WorkerHeartbeat:
    then = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, host="other-host", pid=1, started_at=then, last_seen=then
    )


def _claimed_by(row: DBTaskResult, worker_id: str) -> DBTaskResult:
    """The row as a worker that claimed it leaves it: RUNNING, its id appended."""
    row.claim(worker_id)
    return row


@override_settings(TASKS=DB_QUEUE)
def test_a_task_waits_in_the_database_until_a_worker_runs_it(tmp_path: Path) -> None:
    mark = tmp_path / "ran.txt"
    result = write_mark.enqueue(str(mark), "一次")
    assert not mark.exists()
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"

    _worker().run()

    assert mark.read_text() == "一次\n"
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.return_value == "一次"
    hb = WorkerHeartbeat.objects.get(worker_id="test-worker")
    assert hb.stopped_at is not None  # a worker that stops says so


@override_settings(TASKS=DB_QUEUE)
def test_a_job_survives_a_worker_that_died_under_it(tmp_path: Path) -> None:
    """A retry-safe task whose worker died is re-queued and done by the next worker."""
    mark = tmp_path / "ran.txt"
    result = write_mark.enqueue(str(mark), "做完")
    _dead_worker("died")
    _claimed_by(DBTaskResult.objects.get(pk=result.id), "died")

    report = queue.tasks_reap()

    assert (report.requeued, report.failed) == (1, 0)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY" and "已重新排队" in row.traceback
    _worker("restarted").run()
    assert mark.read_text() == "做完\n"
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


@override_settings(TASKS=DB_QUEUE)
def test_a_dead_workers_import_is_failed_with_the_reason_on_its_job() -> None:
    """An import is not retry-safe: its task is failed, and the import job the
    clerk watches says 失败 with why, instead of 进行中 for ever."""
    from iphub.patents.tasks import run_import_job

    job = ImportJob.objects.create(
        file_name="a.csv", file_path="/nowhere/a.csv", mode=ImportMode.SKIP_BAD
    )
    result = run_import_job.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, claimed_at=timezone.now())
    _dead_worker("died-mid-import")
    _claimed_by(DBTaskResult.objects.get(pk=result.id), "died-mid-import")
    # A worker that is alive keeps its task.
    live = WorkerHeartbeat.objects.create(
        worker_id="alive", host="h", pid=2, started_at=timezone.now(), last_seen=timezone.now()
    )
    other = write_mark.enqueue("/dev/null", "x")
    _claimed_by(DBTaskResult.objects.get(pk=other.id), live.worker_id)

    report = queue.tasks_reap()

    assert (report.requeued, report.failed) == (0, 1)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and row.exception_class_path == queue.WORKER_LOST
    assert "已停止" in row.traceback and "请重新提交" in row.traceback
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert "后台进程" in job.message and "已停止" in job.message
    assert DBTaskResult.objects.get(pk=other.id).status == "RUNNING"
    # A second reaper finds nothing more to do.
    assert queue.tasks_reap() == queue.ReapReport()


@override_settings(TASKS=DB_QUEUE)
def test_a_worker_silent_for_less_than_the_lease_keeps_its_task(tmp_path: Path) -> None:
    result = write_mark.enqueue(str(tmp_path / "m"), "x")
    _dead_worker("slow", seconds_ago=5)
    _claimed_by(DBTaskResult.objects.get(pk=result.id), "slow")
    assert queue.tasks_reap() == queue.ReapReport()
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"


@override_settings(TASKS=DB_QUEUE)
def test_retry_safe_task_is_retried_with_backoff_and_then_succeeds(tmp_path: Path) -> None:
    result = fail_first_time.enqueue(str(tmp_path / "flag"))

    _worker().run()

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY"  # back in the queue, not failed
    wait = row.run_after - timezone.now()
    assert dt.timedelta(seconds=20) < wait <= dt.timedelta(seconds=30)
    assert "暂时的错误" in row.traceback
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())
    _worker().run()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and len(row.worker_ids) == 2


@override_settings(TASKS=DB_QUEUE)
def test_a_task_that_is_not_retry_safe_fails_once_and_tells_its_job() -> None:
    ABANDONED.clear()
    result = always_fails.enqueue("x")
    _worker().run()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and len(row.worker_ids) == 1
    assert ABANDONED == [("任务出错：数据有误", ("x",))]


@override_settings(TASKS=DB_QUEUE)
def test_two_workers_never_run_the_same_task(tmp_path: Path) -> None:
    mark = tmp_path / "ran.txt"
    for i in range(12):
        write_mark.enqueue(str(mark), str(i))

    at_once(lambda: _worker("a").run(), lambda: _worker("b").run())

    ran = mark.read_text().split()
    assert sorted(ran, key=int) == [str(i) for i in range(12)]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql"),
    reason="a worker process needs a database it can reach (SQLite's test database is in memory)",
)
@override_settings(TASKS=DB_QUEUE)
def test_worker_killed_mid_task_is_detected(tmp_path: Path) -> None:
    """``manage.py worker`` as a real process: SIGKILL while it runs a task; the
    reaper sees the process gone (same host) and fails the task with the reason."""
    ABANDONED.clear()
    release = tmp_path / "release"
    result = wait_for_file.enqueue(str(release))
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "iphub.settings",
        "IPHUB_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "IPHUB_VAR_DIR": str(tmp_path / "var"),
        "IPHUB_INDEX_FOLLOWER": "0",
    }
    repo = Path(__file__).resolve().parents[4]
    proc = subprocess.Popen(
        [sys.executable, str(repo / "manage.py"), "worker", "--no-schedule", "--no-index",
         "--worker-id=doomed", "--interval=0.2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while DBTaskResult.objects.get(pk=result.id).status != "RUNNING":
            assert time.monotonic() < deadline, "the worker never took the task"
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()

    report = queue.tasks_reap()

    assert report.failed == 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and "已停止" in row.traceback
    assert ABANDONED and "已停止" in ABANDONED[0][0]


@override_settings(TASKS=DB_QUEUE)
def test_a_queued_job_without_a_live_worker_says_it_waits_for_one() -> None:
    from iphub.core.jobs import JobProgress, JobState

    job = JobProgress(key="k", title="导入", state=JobState.QUEUED, poll_url="/p/")
    assert job.waiting_for_worker
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=3, started_at=now, last_seen=now)
    assert not job.waiting_for_worker
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ):
        WorkerHeartbeat.objects.all().delete()
        assert not job.waiting_for_worker  # no queue, nothing to wait for


@override_settings(TASKS=DB_QUEUE)
def test_a_worker_outlives_a_database_restart_and_runs_the_task_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker

    mark = tmp_path / "ran.txt"
    result = write_mark.enqueue(str(mark), "重启后")
    real = db_worker.close_old_connections
    down = {"left": 1}

    def database_restarting() -> None:
        if down["left"]:
            down["left"] -= 1
            raise OperationalError("the database system is shutting down")
        real()

    monkeypatch.setattr(db_worker, "close_old_connections", database_restarting)
    _worker().run()

    assert mark.read_text() == "重启后\n"
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
