"""Background work of 专利找企业: ranking and pushing a run, and the nightly
refresh of the organisation profiles the ranking reads."""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext_lazy as _

from iphub.core.queue import task_policy


@task()
def push_run_task(run_id: int) -> int:
    """Rank the organisations for each patent of a run and push the best."""
    from iphub.brokerage.services.pushes import push_run_execute

    return push_run_execute(run_id=run_id)


@task()
def profiles_rebuild_task() -> int:
    """Recount every organisation's patents per IPC subclass."""
    from iphub.brokerage.services.pushes import profiles_rebuild

    return profiles_rebuild()


def _run_abandoned(reason: str, run_id: int) -> None:
    from django.utils import timezone

    from iphub.brokerage.models import PushRun, RunStatus

    PushRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, message=f"推送失败：{reason}"[:300], progressed_at=timezone.now()
    )


# A run is claimed queued → running once; a retry of a claimed run does nothing
# (its pushes are idempotent anyway), so retries are safe.
task_policy(push_run_task, retry_safe=True, max_attempts=3, backoff_seconds=30,
            on_abandon=_run_abandoned, title=_("专利推送"))  # fmt: skip
task_policy(profiles_rebuild_task, retry_safe=True, max_attempts=3, backoff_seconds=60,
            title=_("企业技术画像"))  # fmt: skip
