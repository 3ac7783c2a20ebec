"""Liveness and readiness as JSON, for load balancers, systemd and operators.

``/healthz`` answers 200 while the process can answer at all (no database, no
disk): a failing liveness probe means "restart me". ``/readyz`` runs every
registered check and answers 200 with ``status`` ``ok`` or ``degraded``, or 503
with ``fail`` when a check that makes the node useless fails (the database).
A degraded node still serves: a long queue or a rebuilding index is something
an operator must see, but taking every web node out of the balancer for it
would turn a slow search into an outage.

Checks are registered by the apps that own what they look at: each app's
``probes.py`` (found like ``admin.py``, by ``autodiscover_modules``) calls
:func:`register_check`. Core registers the database, the queue and the disks.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

Status = Literal["ok", "warn", "fail"]


@dataclass
class CheckResult:
    status: Status
    detail: dict[str, Any] = field(default_factory=dict)


_CHECKS: dict[str, Callable[[], CheckResult]] = {}
_discovered = False


def register_check(name: str) -> Callable[[Callable[[], CheckResult]], Callable[[], CheckResult]]:
    """Decorator: run ``fn`` as readiness check ``name`` (``fail`` makes /readyz 503)."""

    def wrap(fn: Callable[[], CheckResult]) -> Callable[[], CheckResult]:
        _CHECKS[name] = fn
        return fn

    return wrap


def discover() -> None:
    """Import every app's ``probes.py`` once, so their checks and gauges register."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("probes")


def run_checks() -> tuple[Status, dict[str, dict[str, Any]]]:
    """Every check's outcome and the node's overall status."""
    discover()
    out: dict[str, dict[str, Any]] = {}
    worst: Status = "ok"
    for name, fn in sorted(_CHECKS.items()):
        start = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:  # a probe that raises says so instead of a 500
            result = CheckResult("fail", {"error": f"{type(exc).__name__}: {exc}"})
        out[name] = {
            "status": result.status,
            **result.detail,
            "ms": round((time.perf_counter() - start) * 1000, 1),
        }
        if result.status == "fail" or (result.status == "warn" and worst == "ok"):
            worst = result.status
    return worst, out


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok", "pid": os.getpid()})


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, queue lag, index state and disk space, as JSON."""
    worst, checks = run_checks()
    overall = {"ok": "ok", "warn": "degraded", "fail": "fail"}[worst]
    return JsonResponse(
        {"status": overall, "checks": checks, "time": timezone.now().isoformat()},
        status=503 if worst == "fail" else 200,
    )


# --- core's own checks ------------------------------------------------------


@register_check("database")
def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        # A connection broken by a database restart is dropped, so the next
        # request opens a fresh one instead of failing on the dead socket.
        connection.close()
        return CheckResult("fail", {"error": f"{type(exc).__name__}: {exc}"})
    return CheckResult("ok", {"vendor": connection.vendor})


def queue_stats() -> dict[str, Any]:
    """Depth and age of the durable queue (django-tasks-db), or that there is none.

    ``depth``: tasks ready to run now; ``oldest_age_s``: how long the oldest of
    them has waited; ``running``: tasks claimed by a worker.
    """
    backend = settings.TASKS["default"]["BACKEND"]
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return {"backend": backend, "durable": False, "depth": 0, "oldest_age_s": 0.0, "running": 0}
    from django.db.models import Min
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    agg = ready.aggregate(oldest=Min("enqueued_at"))
    oldest = agg["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {
        "backend": backend,
        "durable": True,
        "depth": ready.count(),
        "oldest_age_s": round(max(age, 0.0), 1),
        "running": DBTaskResult.objects.running().count(),
    }


@register_check("queue")
def check_queue() -> CheckResult:
    stats = queue_stats()
    limit = float(getattr(settings, "READY_QUEUE_LAG_SECONDS", 600))
    return CheckResult("warn" if stats["oldest_age_s"] > limit else "ok", stats)


def disk_paths() -> dict[str, Path]:
    """The directories a node writes to: database files (SQLite), uploads, index."""
    return {
        "var": Path(settings.VAR_DIR),
        "media": Path(settings.MEDIA_ROOT),
        "index": Path(settings.SEARCH_INDEX_DIR),
    }


def disk_free() -> dict[str, int]:
    """Free bytes on the filesystem holding each of :func:`disk_paths`."""
    free: dict[str, int] = {}
    for name, path in disk_paths().items():
        probe = path
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        free[name] = shutil.disk_usage(probe).free
    return free


@register_check("disk")
def check_disk() -> CheckResult:
    minimum = int(getattr(settings, "READY_MIN_FREE_BYTES", 512 * 1024 * 1024))
    free = disk_free()
    low = sorted(name for name, n in free.items() if n < minimum)
    detail: dict[str, Any] = {"free_bytes": free, "min_free_bytes": minimum}
    if low:
        detail["low"] = low
    return CheckResult("warn" if low else "ok", detail)
