"""Tables of the background machinery: live workers, the schedule, the index outbox.

Imported by ``core/models.py`` so that Django sees them as ``core`` models. The
task queue itself is django-tasks-db's ``DBTaskResult`` table; these are what
iphub adds around it (``core/queue.py``, ``core/schedule.py``, ``core/outbox.py``).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One worker process (``manage.py worker``) and the last time it said it lives.

    A worker writes ``last_seen`` every few seconds from a thread of its own, also
    while a long task runs; a row whose ``last_seen`` is older than the lease (or
    whose process is gone from this host) marks a dead worker, and the tasks it
    held are failed or re-queued by ``queue.tasks_reap``.
    """

    worker_id = models.CharField(_("进程编号"), max_length=64, unique=True)
    host = models.CharField(_("主机"), max_length=255)
    pid = models.IntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    last_seen = models.DateTimeField(_("最近心跳"), db_index=True)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务进程")
        verbose_name_plural = _("后台任务进程")
        ordering: ClassVar = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.worker_id[:8]})"


class ScheduledRun(models.Model):
    """One periodic duty in one period: the unique pair is the claim.

    Every scheduler (each worker ticks one) tries to insert the row of the
    current period; the unique constraint lets exactly one of them win and
    enqueue the duty, so a duty runs once per period however many workers run.
    """

    duty = models.CharField(_("定时任务"), max_length=60)
    period = models.CharField(_("周期"), max_length=32)
    claimed_by = models.CharField(_("调度进程"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("登记时间"), db_default=Now())
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering: ClassVar = ["-claimed_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["duty", "period"], name="scheduled_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.duty} {self.period}"


class IndexOutbox(models.Model):
    """A change that the search index must hear of, written in the same
    transaction as the change itself (``outbox.outbox_record``).

    The row names the entity and its id only: the indexer reads the record's
    state from the database when it applies the row (upsert if present, delete
    if gone), so applying a row twice, or rows out of order, gives the same index.
    Rows are kept for ``INDEX_OUTBOX_RETENTION_DAYS`` so that every node's index
    can follow them (each node keeps its own position, ``outbox.OutboxState``).
    """

    entity = models.CharField(_("对象"), max_length=20)
    object_id = models.BigIntegerField(_("对象编号"))
    created_at = models.DateTimeField(_("写入时间"), db_default=Now(), db_index=True)

    class Meta:
        verbose_name = _("索引待办")
        verbose_name_plural = _("索引待办")

    def __str__(self) -> str:
        return f"{self.entity}:{self.object_id}"
