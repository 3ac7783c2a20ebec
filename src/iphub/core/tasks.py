"""Background work of core (django.tasks): the scheduled duties."""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext_lazy as _

from iphub.core.queue import task_policy


@task()
def run_scheduled_duty(duty: str, period: str) -> str:
    """Do one periodic duty for one period (``core.schedule``); returns its summary.

    Retry-safe: every duty is a sweep over what is due now (sealing unsealed audit
    entries, escalating overdue filings, expiring due needs, sending reminders not
    yet sent, refreshing a stale snapshot, embedding patents without a vector), so
    running it again does no work twice.
    """
    from iphub.core.schedule import duty_run

    return duty_run(duty)


task_policy(run_scheduled_duty, retry_safe=True, max_attempts=3, backoff_seconds=60,
            title=_("定时任务"))  # fmt: skip
