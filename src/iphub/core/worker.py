"""The worker process: django-tasks-db's worker loop plus iphub's housekeeping.

``manage.py worker`` runs this. The main thread is the package's loop (claim one
ready task in a locking transaction, run it, record the result). A second
thread does the housekeeping, each at its own pace, so that it goes on while a
long import runs in the main thread:

* the heartbeat (``WorkerHeartbeat.last_seen``, every ``TASK_HEARTBEAT_SECONDS``);
* the reaper (``queue.tasks_reap``): tasks of dead workers failed or re-queued;
* the schedule (``schedule.schedule_tick``): periodic duties enqueued once per
  period, whichever worker gets there first;
* the index follower (``outbox.outbox_drain``): the search index of this node
  kept in step with the outbox (see ``core/outbox.py`` for why each node does it).

A task that raises is retried with backoff if its policy says it is safe
(``queue.task_failed``), otherwise marked failed and its job row told.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from iphub.core import queue
from iphub.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class IphubWorker(Worker):
    """django-tasks-db's worker with a heartbeat, retries by policy and the
    housekeeping thread."""

    def __init__(
        self,
        *,
        schedule: bool = True,
        follow_index: bool = True,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.schedule = schedule
        self.follow_index = follow_index
        self._stop = threading.Event()
        self._housekeeper: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------
    def run(self) -> None:
        self.beat(started=True)
        self._housekeeper = threading.Thread(
            target=self._housekeeping, name="iphub-worker-housekeeping", daemon=True
        )
        self._housekeeper.start()
        try:
            self._run_through_outages()
        finally:
            self._stop.set()
            self._housekeeper.join(timeout=5)
            try:
                close_old_connections()
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
                    stopped_at=timezone.now()
                )
            except Exception:
                logger.exception("could not record the worker's stop")

    def _run_through_outages(self) -> None:
        """The package's loop, resumed after the database went away (a restart,
        a failover): the loop's claim raises then, which used to end the worker,
        and with nothing supervising it (a drill, ``make run``) the queue stopped
        until someone noticed. Waits with backoff until the database answers."""
        wait = 1.0
        while True:
            try:
                super().run()
                return
            except DatabaseError as exc:
                if not self.running:
                    return
                logger.warning("worker: database unavailable (%s); retrying in %.0f s", exc, wait)
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, 10.0)

    def _settle(self, db_task_result: DBTaskResult, exc: Exception) -> None:
        """Record a failed task (retry by policy, else failed), waiting for the
        database if it is the cause: a task left "running" by a live worker is
        never reaped (its heartbeat is fresh)."""
        deadline = time.monotonic() + float(getattr(settings, "TASK_WORKER_LEASE_SECONDS", 60)) * 4
        while True:
            try:
                close_old_connections()
                if not queue.task_failed(db_task_result, exc):
                    db_task_result.set_failed(exc)
                return
            except DatabaseError:
                if time.monotonic() > deadline or not self.running:
                    raise
                connections.close_all()
                time.sleep(1.0)

    def beat(self, *, started: bool = False) -> None:
        """Write this worker's heartbeat (creating its row at start)."""
        now = timezone.now()
        if started:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "host": queue.this_host(),
                    "pid": os.getpid(),
                    "started_at": now,
                    "last_seen": now,
                    "stopped_at": None,
                },
            )
        else:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(last_seen=now)

    def _housekeeping(self) -> None:
        """Heartbeat, reaper, schedule and index follower, each at its interval,
        until the worker stops. An error in one is logged and retried next round."""
        heartbeat_every = float(getattr(settings, "TASK_HEARTBEAT_SECONDS", 5))
        jobs: list[tuple[str, float, Callable[[], object]]] = [
            ("heartbeat", heartbeat_every, self.beat),
            ("reaper", max(heartbeat_every, 10.0), queue.tasks_reap),
        ]
        if self.schedule:
            from iphub.core.schedule import schedule_tick

            jobs.append(("schedule", 20.0, lambda: schedule_tick(claimed_by=self.worker_id)))
        if self.follow_index:
            from iphub.core.outbox import outbox_follow_once

            jobs.append(("index", float(getattr(settings, "INDEX_FOLLOW_SECONDS", 1.0)),
                         outbox_follow_once))  # fmt: skip
        due = {name: 0.0 for name, _every, _fn in jobs}
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                for name, every, fn in jobs:
                    if now < due[name]:
                        continue
                    due[name] = now + every
                    try:
                        fn()
                    except Exception:
                        logger.exception("worker housekeeping (%s) failed", name)
                self._stop.wait(0.5)
        finally:
            connection.close()

    # -- running one task ----------------------------------------------------------
    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run the task; on an error retry it when its policy allows, else
        record the failure (the package's path) and tell its job row."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            if task.takes_context:
                from django.tasks.base import TaskContext

                value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
        except (KeyboardInterrupt, SystemExit) as exc:
            # Stopped by force (a second Ctrl-C): the task did not finish. Leave
            # the decision to the reaper, which sees this worker stopped.
            logger.warning("task %s interrupted: %s", db_task_result.pk, type(exc).__name__)
            raise
        except Exception as exc:
            self._settle(db_task_result, exc)
            logger.exception("task %s (%s) raised", db_task_result.pk, db_task_result.task_path)
        finally:
            self.running_task = False
            self._run_tasks += 1
