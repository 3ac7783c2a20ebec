"""The schedule: periodic duties that run by themselves, once per period.

Every worker ticks the schedule (``schedule_tick``, every 20 s; ``manage.py
scheduler`` ticks it alone where workers run with ``--no-schedule``). For each
duty that is due in the current period the tick inserts a ``ScheduledRun`` row
(duty, period) and enqueues the duty, in one transaction. The unique constraint
on (duty, period) is the claim: with two schedulers racing, the second insert
waits for the first transaction and then fails, so exactly one enqueues the
duty. A scheduler that was down when a daily duty fell due enqueues it when it
comes back the same day; missed days are not replayed, because every duty is a
sweep over what is due now (the next run covers what a missed one would have
done). The duties themselves are idempotent, so the queue may retry them.

Periods are in Beijing time (``TIME_ZONE``): a day starts at 00:00 local.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from iphub.core.models import ScheduledRun
from iphub.core.queue import DUTY_PRIORITY

logger = logging.getLogger(__name__)

Every = Literal["minute", "hour", "day"]


@dataclass(frozen=True)
class Duty:
    """A periodic duty: its key, what an administrator reads, how often, and
    the function that does it (returns a one-line summary in Chinese)."""

    name: str
    title: str
    every: Every
    run: Callable[[], str]
    at: dt.time | None = None  # daily duties: the local time from which they are due

    @property
    def when(self) -> str:
        if self.every == "minute":
            return "每分钟"
        if self.every == "hour":
            return "每小时"
        at = self.at or dt.time(0, 0)
        return f"每天 {at:%H:%M}"

    def period(self, local: dt.datetime) -> str | None:
        """The key of the period ``local`` falls in, or None when the duty is
        not yet due in it (a daily duty before its time of day)."""
        if self.every == "minute":
            return f"{local:%Y-%m-%dT%H:%M}"
        if self.every == "hour":
            return f"{local:%Y-%m-%dT%H}"
        if self.at is not None and local.time() < self.at:
            return None
        return f"{local:%Y-%m-%d}"

    def next_run(self, local: dt.datetime, *, ran_this_period: bool) -> dt.datetime:
        """When the duty is next due, seen at ``local``."""
        if self.every == "minute":
            start = local.replace(second=0, microsecond=0)
            return start if not ran_this_period else start + dt.timedelta(minutes=1)
        if self.every == "hour":
            start = local.replace(minute=0, second=0, microsecond=0)
            return start if not ran_this_period else start + dt.timedelta(hours=1)
        at = self.at or dt.time(0, 0)
        today = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if local < today:
            return today
        return today + dt.timedelta(days=1) if ran_this_period else local


def _audit_seal() -> str:
    from iphub.core.auditchain import audit_seal

    result = audit_seal()
    return f"链入审计记录 {result.sealed} 条"


def _index_outbox_prune() -> str:
    from iphub.core.outbox import outbox_prune

    return f"清理索引待办 {outbox_prune()} 条"


_EVERY_ORDER = {"minute": 0, "hour": 1, "day": 2}

# core's own duties; each app registers its own in ``AppConfig.ready()``
# (:func:`register_duty`), so core imports no app above it.
DUTIES: list[Duty] = [
    Duty("audit_seal", "审计日志链入哈希链", "minute", _audit_seal),
    Duty(
        "index_outbox_prune", "清理已过保留期的索引待办", "day", _index_outbox_prune, dt.time(4, 0)
    ),
]


def register_duty(duty: Duty) -> Duty:
    """Add (or replace) an app's periodic duty; the list stays in the order an
    administrator reads it (every minute, every hour, then daily by time)."""
    DUTIES[:] = [d for d in DUTIES if d.name != duty.name] + [duty]
    DUTIES.sort(key=lambda d: (_EVERY_ORDER[d.every], d.at or dt.time(0, 0)))
    return duty


def duty_by_name(name: str) -> Duty:
    for duty in DUTIES:
        if duty.name == name:
            return duty
    raise KeyError(name)


def duty_run(name: str) -> str:
    """Do one duty now (what the scheduled task calls)."""
    return duty_by_name(name).run()


def schedule_tick(
    *, now: dt.datetime | None = None, claimed_by: str = "", duties: list[Duty] | None = None
) -> list[ScheduledRun]:
    """Enqueue every duty due in its current period that no scheduler has
    enqueued yet; returns the runs this call claimed. Safe to call from any
    number of processes at once (the (duty, period) row is the claim)."""
    from iphub.core.tasks import run_scheduled_duty

    local = timezone.localtime(now or timezone.now())
    claimed: list[ScheduledRun] = []
    for duty in duties if duties is not None else DUTIES:
        period = duty.period(local)
        if period is None:
            continue
        # A busy database (SQLite's lock) is waited out a little; a duty still not
        # claimed is claimed at the next tick, 20 s later, in the same period.
        for attempt in range(5):
            try:
                run = _claim(duty, period, claimed_by, run_scheduled_duty)
                break
            except OperationalError:
                if attempt == 4:
                    logger.warning(
                        "schedule: database busy, duty %s left for the next tick", duty.name
                    )
                    run = None
                    break
                time.sleep(0.1 * (attempt + 1))
        if run is not None:
            claimed.append(run)
            logger.info("scheduled duty %s for period %s", duty.name, period)
    return claimed


def _claim(duty: Duty, period: str, claimed_by: str, task: Any) -> ScheduledRun | None:
    """Insert the (duty, period) row and enqueue the duty in one transaction;
    None when another scheduler has claimed the period."""
    if ScheduledRun.objects.filter(duty=duty.name, period=period).exists():
        return None
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(
                duty=duty.name, period=period, claimed_by=claimed_by[:64]
            )
            # The task row is written in this transaction (database queue): the
            # claim and the work to do commit together or not at all.
            # Below the default priority: a clerk's import or export enqueued
            # after a batch of duties is claimed before them (the worker takes
            # the highest priority first), instead of waiting behind all of them.
            result = task.using(priority=DUTY_PRIORITY).enqueue(duty.name, period)
            run.task_id = str(result.id)
            run.save(update_fields=["task_id"])
    except IntegrityError:
        return None  # another scheduler claimed this period first
    return run
