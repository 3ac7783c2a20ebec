"""Background work of the protection app (django.tasks)."""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext_lazy as _

from iphub.core.queue import BACKGROUND_PRIORITY, task_policy
from iphub.protection.services import screening


@task(priority=BACKGROUND_PRIORITY)
def run_screening(run_id: int) -> str:
    """Run one queued screening run; its counts and groups are written as it finishes."""
    return str(screening.screening_run_execute(run_id).status)


def _screening_abandoned(reason: str, run_id: int) -> None:
    """A run that ended without finishing is recorded as failed with the reason
    (not retry-safe: the run is claimed once; a new run starts afresh)."""
    from django.utils import timezone

    from iphub.protection.models import RunStatus, ScreeningRun

    ScreeningRun.objects.filter(
        pk=run_id, status__in=[RunStatus.PENDING, RunStatus.RUNNING]
    ).update(status=RunStatus.FAILED, message=reason[:500], finished_at=timezone.now())


task_policy(run_screening, on_abandon=_screening_abandoned, title=_("非正常专利申请筛查"))
