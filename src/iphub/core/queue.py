"""The durable task queue: what iphub adds around django-tasks-db.

Tasks (``django.tasks``) are rows of django-tasks-db's ``DBTaskResult`` table,
written in the enqueuing transaction, so a task enqueued by a committed request
survives any restart. Worker processes (``manage.py worker``, ``core/worker.py``)
claim one row at a time inside a transaction with ``SELECT ... FOR UPDATE SKIP
LOCKED`` (an exclusive transaction on SQLite), so two workers never claim the
same row. Around that this module keeps three promises:

* **Retries where safe.** A task is retried only if it is registered here as
  ``retry_safe`` (``task_policy``): running it twice gives the same result as
  once (matching, embeddings, the navigation snapshot, scheduled sweeps). It is
  put back in the queue with an exponential backoff (``backoff_seconds * 2**n``)
  up to ``max_attempts``. Every other task fails on its first error.
* **A dead worker is seen.** Workers write a heartbeat (``WorkerHeartbeat``);
  ``tasks_reap`` finds running tasks whose worker stopped beating for the lease
  (``TASK_WORKER_LEASE_SECONDS``) or whose process is gone from this host, and
  re-queues the retry-safe ones or marks the others failed with a Chinese reason.
* **The app's job rows tell the truth.** Each app's job row (an import, a 蓝天
  run, an export, an analysis, a need's matching) has its own status. A task
  registers ``on_abandon``: called with the reason when the task ends failed
  (an error it did not record itself, or a dead worker), it marks the job row
  failed if it still says queued or running, so no page shows 进行中 forever.

Policies are registered next to the task (in each app's ``tasks.py``); the
reaper imports a task's module before reading its policy, so registration has
happened wherever the task is looked up.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult, get_date_max

from iphub.core.models import WorkerHeartbeat

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

logger = logging.getLogger(__name__)

READY, RUNNING, FAILED, SUCCESSFUL = "READY", "RUNNING", "FAILED", "SUCCESSFUL"
# Written into DBTaskResult.exception_class_path for the failures this module decides.
WORKER_LOST = "iphub.core.queue.WorkerLost"

# Queue priorities (django-tasks-db claims the highest first, then the oldest).
# Work a person is waiting for (an import, an export, an analysis) runs at
# Django's default 0; work derived from it that nobody watches (vectors, grades,
# classification hints, screening of imported records, the navigation snapshot)
# below it, and the schedule's duties lowest. With one worker, a clerk's upload
# used to wait behind every embedding batch and duty queued before it: 14 s and
# once more than 30 s from upload to search hit in the cross-node drill.
BACKGROUND_PRIORITY = -5
DUTY_PRIORITY = -10


def work_waiting_above(priority: int) -> bool:
    """Whether a ready task of a higher priority than ``priority`` waits in the
    durable queue. A long background task asks between its slices and hands the
    rest of its work back to the queue (a worker runs one task at a time, and
    priorities order only what has not started)."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(priority__gt=priority).exists()


@dataclass(frozen=True)
class TaskPolicy:
    """How the queue treats one task: whether it may run again, how often, and
    how to mark its job row failed (``on_abandon(reason, *args, **kwargs)``)."""

    retry_safe: bool = False
    max_attempts: int = 1
    backoff_seconds: float = 30.0
    on_abandon: Callable[..., None] | None = None
    title: StrOrPromise = ""


_POLICIES: dict[str, TaskPolicy] = {}


def task_policy(
    task: Task[Any, Any],
    *,
    retry_safe: bool = False,
    max_attempts: int = 3,
    backoff_seconds: float = 30.0,
    on_abandon: Callable[..., None] | None = None,
    title: StrOrPromise = "",
) -> None:
    """Register how the queue retries ``task`` and how it marks its job row failed.

    ``retry_safe`` only for tasks that give the same result when run twice;
    ``max_attempts`` counts the first run (ignored unless retry-safe); ``title`` is
    what the administrators' pages call the task (a lazy translation).
    """
    _POLICIES[task.module_path] = TaskPolicy(
        retry_safe=retry_safe,
        max_attempts=max_attempts if retry_safe else 1,
        backoff_seconds=backoff_seconds,
        on_abandon=on_abandon,
        title=title,
    )


def task_title(task_path: str) -> str:
    """What the administrators' pages call the task at ``task_path``: its registered
    title, else its function name (a task nobody registered is a developer's)."""
    title = policy_for(task_path).title
    return str(title) if title else task_path.rsplit(".", 1)[-1]


def policy_for(task_path: str) -> TaskPolicy:
    """The policy of the task at ``task_path`` (importing its module registers it)."""
    if task_path not in _POLICIES:
        try:
            import_string(task_path)
        except ImportError:
            logger.warning("task %s cannot be imported", task_path)
    return _POLICIES.get(task_path, TaskPolicy())


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "TASK_WORKER_LEASE_SECONDS", 60)))


def this_host() -> str:
    return socket.gethostname()


def attempts(row: DBTaskResult) -> int:
    """How many times the row has been claimed (django-tasks-db appends the
    worker's id on every claim)."""
    return len(row.worker_ids or [])


def backoff(policy: TaskPolicy, attempt: int) -> dt.timedelta:
    """The wait before retry number ``attempt`` (1 for the first retry)."""
    return dt.timedelta(seconds=policy.backoff_seconds * (2 ** max(0, attempt - 1)))


def abandon(row: DBTaskResult, reason: str) -> None:
    """Tell the task's job row that the task ended without doing its work."""
    policy = policy_for(row.task_path)
    if policy.on_abandon is None:
        return
    args = row.args_kwargs.get("args", [])
    kwargs = row.args_kwargs.get("kwargs", {})
    try:
        policy.on_abandon(reason, *args, **kwargs)
    except Exception:
        logger.exception("on_abandon of task %s (%s) failed", row.pk, row.task_path)


def task_failed(row: DBTaskResult, exc: BaseException) -> bool:
    """After ``row``'s task raised ``exc``: re-queue it with backoff when the
    policy allows another attempt (returns True), otherwise leave it to be
    marked failed and tell its job row (returns False)."""
    policy = policy_for(row.task_path)
    n = attempts(row)
    if policy.retry_safe and n < policy.max_attempts:
        from traceback import format_exception

        DBTaskResult.objects.filter(pk=row.pk, status=RUNNING).update(
            status=READY,
            run_after=timezone.now() + backoff(policy, n),
            exception_class_path=f"{type(exc).__module__}.{type(exc).__qualname__}",
            traceback="".join(format_exception(exc)),
        )
        logger.warning(
            "task %s (%s) failed on attempt %d of %d, retried later: %s",
            row.pk,
            row.task_path,
            n,
            policy.max_attempts,
            exc,
        )
        return True
    abandon(row, f"任务出错：{exc}"[:300])
    return False


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_workers(*, now: dt.datetime | None = None) -> dict[str, WorkerHeartbeat | None]:
    """Worker ids holding running tasks whose worker is dead: stopped, silent
    for longer than the lease, or (on this host) whose process is gone. A
    worker that never wrote a heartbeat (a plain ``db_worker``) counts as dead
    only once its task has run longer than the lease without one."""
    now = now or timezone.now()
    cutoff = now - lease()
    holders: dict[str, dt.datetime | None] = {}
    for worker_ids, started_at in DBTaskResult.objects.filter(status=RUNNING).values_list(
        "worker_ids", "started_at"
    ):
        if worker_ids:
            holders[worker_ids[-1]] = started_at
    if not holders:
        return {}
    beats = {hb.worker_id: hb for hb in WorkerHeartbeat.objects.filter(worker_id__in=holders)}
    host = this_host()
    dead: dict[str, WorkerHeartbeat | None] = {}
    for wid, started_at in holders.items():
        hb = beats.get(wid)
        if hb is None:
            if started_at is not None and started_at < cutoff:
                dead[wid] = None
        elif (
            hb.stopped_at is not None
            or hb.last_seen < cutoff
            or (hb.host == host and hb.pid != os.getpid() and not pid_alive(hb.pid))
        ):
            dead[wid] = hb
    return dead


@dataclass
class ReapReport:
    requeued: int = 0
    failed: int = 0


def lost_reason(hb: WorkerHeartbeat | None, *, requeued: bool) -> str:
    """The Chinese sentence a clerk reads on the job when its worker died."""
    if hb is None:
        who = "执行该任务的后台进程无心跳记录"
    else:
        seen = timezone.localtime(hb.last_seen).strftime("%Y-%m-%d %H:%M:%S")
        who = f"执行该任务的后台进程（{hb.host} 进程 {hb.pid}）已停止，最后心跳 {seen}"
    if requeued:
        return f"{who}；该任务可安全重做，已重新排队。"
    return f"{who}，任务未完成；为避免重复处理未自动重试，请重新提交。"


def tasks_reap(*, now: dt.datetime | None = None) -> ReapReport:
    """Find running tasks whose worker died and re-queue them (retry-safe tasks
    with attempts left) or mark them failed with the reason, telling their job
    rows. Safe to run from several workers at once: each row changes state in a
    conditional UPDATE, and only the one that changed it acts on it."""
    now = now or timezone.now()
    report = ReapReport()
    dead = dead_workers(now=now)
    if not dead:
        return report
    for row in DBTaskResult.objects.filter(status=RUNNING):
        if not row.worker_ids or row.worker_ids[-1] not in dead:
            continue
        hb = dead[row.worker_ids[-1]]
        policy = policy_for(row.task_path)
        requeue = policy.retry_safe and attempts(row) < policy.max_attempts
        reason = lost_reason(hb, requeued=requeue)
        with transaction.atomic():
            if requeue:
                changed = DBTaskResult.objects.filter(
                    pk=row.pk, status=RUNNING, started_at=row.started_at
                ).update(
                    status=READY,
                    run_after=get_date_max(),
                    exception_class_path=WORKER_LOST,
                    traceback=reason,
                )
            else:
                changed = DBTaskResult.objects.filter(
                    pk=row.pk, status=RUNNING, started_at=row.started_at
                ).update(
                    status=FAILED,
                    finished_at=now,
                    exception_class_path=WORKER_LOST,
                    traceback=reason,
                    return_value=None,
                )
        if not changed:
            continue
        logger.warning("task %s (%s): %s", row.pk, row.task_path, reason)
        if requeue:
            report.requeued += 1
        else:
            report.failed += 1
            abandon(row, reason)
    return report


def workers_alive(*, now: dt.datetime | None = None) -> int:
    """How many workers have beaten within the lease (0: queued work waits)."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(stopped_at=None, last_seen__gte=now - lease()).count()


def task_failure_reason(row: DBTaskResult) -> str:
    """What a person reads about a failed (or retried) task."""
    if row.exception_class_path == WORKER_LOST:
        return row.traceback
    if row.traceback:
        return row.traceback.strip().splitlines()[-1][:300]
    return ""


def queue_uses_database() -> bool:
    """Whether the default task backend is the durable database queue."""
    from django.tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)
