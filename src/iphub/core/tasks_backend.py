"""A django.tasks backend for the embedded mode: runs each task in a background
thread of the web process.

Django 6 ships only the immediate (inline) and dummy backends. Inline execution
would make an upload page wait for a 100k-row import with no progress to show,
so ``make run`` uses this backend; tests use the immediate one (deterministic),
and production points ``TASKS`` at a queue backend with workers.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import close_old_connections, connections
from django.tasks.backends.immediate import ImmediateBackend
from django.tasks.base import TaskResult, TaskResultStatus
from django.utils.crypto import get_random_string


class ThreadBackend(ImmediateBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        result: TaskResult = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )

        def run() -> None:
            close_old_connections()
            try:
                self._execute_task(result)  # type: ignore[attr-defined]
            finally:
                connections.close_all()

        threading.Thread(target=run, name=f"iphub-task-{result.id[:8]}", daemon=True).start()
        return result
