"""What administrators read about the background machinery: the schedule (each
duty, its last run and result, its next run), the live workers and the queue.
Read-only selectors for the page ``/system/background/`` (portal/background.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from iphub.core import queue
from iphub.core.errors import AccessDenied
from iphub.core.models import ScheduledRun, WorkerHeartbeat
from iphub.core.schedule import DUTIES

STATUS_WORDS = {
    "READY": "排队中",
    "RUNNING": "进行中",
    "SUCCESSFUL": "已完成",
    "FAILED": "失败",
}


def can_view_background(user: Any) -> bool:
    """System administrators (and Django superusers/staff) see the machinery."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.is_staff or str(getattr(user, "role", "")) == "sysadmin")
    )


def ensure_can_view_background(user: Any) -> None:
    if not can_view_background(user):
        raise AccessDenied("只有系统管理员可以查看后台任务与定时任务。")


@dataclass(frozen=True)
class DutyRow:
    name: str
    title: str
    when: str
    last_period: str
    last_at: dt.datetime | None
    status: str
    result: str
    failed: bool
    next_at: dt.datetime


def _is_uuid(value: str) -> bool:
    """Task ids of the database queue are UUIDs (an inline backend's are not)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def schedule_rows(*, now: dt.datetime | None = None) -> list[DutyRow]:
    """One row per duty: its last run (period, time, status, result or the
    failure's reason) and when it is next due."""
    local = timezone.localtime(now or timezone.now())
    last: dict[str, ScheduledRun] = {}
    for run in ScheduledRun.objects.filter(duty__in=[d.name for d in DUTIES]).order_by(
        "duty", "-claimed_at"
    ):
        last.setdefault(run.duty, run)
    tasks = {
        str(t.pk): t
        for t in DBTaskResult.objects.filter(
            pk__in=[r.task_id for r in last.values() if _is_uuid(r.task_id)]
        )
    }
    rows = []
    for duty in DUTIES:
        latest = last.get(duty.name)
        task = tasks.get(latest.task_id) if latest else None
        status = STATUS_WORDS.get(task.status, task.status) if task else ("—" if not latest else "")
        if task is None:
            result = "已执行（未经任务队列）" if latest and not _is_uuid(latest.task_id) else ""
        elif task.status == "SUCCESSFUL":
            result = str(task.return_value or "")
        else:
            result = queue.task_failure_reason(task)
        ran = latest is not None and latest.period == duty.period(local)
        rows.append(
            DutyRow(
                name=duty.name,
                title=duty.title,
                when=duty.when,
                last_period=latest.period if latest else "",
                last_at=latest.claimed_at if latest else None,
                status=status,
                result=result,
                failed=bool(task and task.status == "FAILED"),
                next_at=duty.next_run(local, ran_this_period=ran),
            )
        )
    return rows


def worker_rows(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Workers seen in the last day: host, process, last heartbeat, alive or not."""
    now = now or timezone.now()
    cutoff = now - queue.lease()
    rows = []
    for hb in WorkerHeartbeat.objects.filter(last_seen__gte=now - dt.timedelta(days=1)):
        alive = hb.stopped_at is None and hb.last_seen >= cutoff
        rows.append({"worker": hb, "alive": alive})
    return rows


def queue_summary(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Tasks waiting, running, and failed in the last day; the oldest waiting."""
    now = now or timezone.now()
    counts = dict(
        DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    failed = DBTaskResult.objects.filter(
        status="FAILED", finished_at__gte=now - dt.timedelta(days=1)
    ).count()
    oldest = DBTaskResult.objects.ready().aggregate(m=Min("enqueued_at"))["m"]
    return {
        "ready": counts.get("READY", 0),
        "running": counts.get("RUNNING", 0),
        "failed_day": failed,
        "oldest_ready": oldest,
        "recent_failures": list(
            DBTaskResult.objects.filter(status="FAILED").order_by("-finished_at")[:10]
        ),
    }
