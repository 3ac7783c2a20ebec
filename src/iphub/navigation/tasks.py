"""Background work of the navigation app (django.tasks)."""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext_lazy as _

from iphub.core.queue import BACKGROUND_PRIORITY, task_policy
from iphub.navigation import services, snapshot


@task()
def run_analysis(analysis_id: int) -> str:
    """Run one queued analysis; progress is written on the row as it goes."""
    return str(services.analysis_run(analysis_id).status)


@task(priority=BACKGROUND_PRIORITY)
def refresh_snapshot() -> str:
    """Bring the navigation snapshot up to date: "fresh", "built", "busy" or "writers"."""
    return snapshot.snapshot_refresh()


def _analysis_abandoned(reason: str, analysis_id: int) -> None:
    """An analysis that ended without finishing is recorded as failed with the
    reason (not retry-safe: it is claimed once; the user starts a new one)."""
    from django.utils import timezone

    from iphub.navigation.models import Analysis, AnalysisStatus

    Analysis.objects.filter(
        pk=analysis_id, status__in=[AnalysisStatus.PENDING, AnalysisStatus.RUNNING]
    ).update(
        status=AnalysisStatus.FAILED,
        message=f"分析失败：{reason}"[:500],
        finished_at=timezone.now(),
    )


task_policy(run_analysis, on_abandon=_analysis_abandoned, title=_("专利导航分析"))
# Retry-safe: rebuilding a snapshot that is already current does nothing.
task_policy(refresh_snapshot, retry_safe=True, max_attempts=3, backoff_seconds=60,
            title=_("刷新专利统计快照"))  # fmt: skip
