"""Background work of the patents app (django.tasks)."""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext_lazy as _

from iphub.core.queue import BACKGROUND_PRIORITY, task_policy
from iphub.patents import services


@task()
def run_import_job(job_id: int) -> str:
    """Run one uploaded import; progress is written on the job row as it goes."""
    return str(services.import_job_run(job_id).status)


@task()
def run_export_job(export_id: int) -> str:
    return str(services.export_job_run(export_id).status)


@task(priority=BACKGROUND_PRIORITY)
def grades_refresh(patent_ids: list[int]) -> int:
    """Regrade records after an event or a neighbour's import (value grade, issue 20);
    records whose grade moved are reindexed."""
    from iphub.patents.intelligence.grading import grades_compute

    return grades_compute(patent_ids)["changed"]


@task(priority=BACKGROUND_PRIORITY)
def grades_recompute_all() -> int:
    """Regrade the whole corpus (after the weights table changed)."""
    from iphub.patents.intelligence.grading import grades_compute

    return grades_compute(None)["changed"]


# -- how the durable queue treats these tasks (iphub.core.queue) ---------------------
# Neither is retry-safe: an import claims its job row once and writes as it goes (a
# second run would find the row claimed and do nothing, leaving it half done), an
# export claims its row the same way. When one ends without finishing (an error it
# did not record, or its worker died), the job row is marked failed with the reason.


def _import_abandoned(reason: str, job_id: int) -> None:
    from django.utils import timezone

    from iphub.patents.models import ImportJob, JobStatus

    ImportJob.objects.filter(pk=job_id, status__in=[JobStatus.PENDING, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED,
        message=f"导入中断：{reason} 已写入的记录保留（按申请号更新），可重新上传同一文件补全。"[
            :500
        ],
        finished_at=timezone.now(),
    )


def _export_abandoned(reason: str, export_id: int) -> None:
    from django.utils import timezone

    from iphub.patents.models import ExportJob, JobStatus

    ExportJob.objects.filter(
        pk=export_id, status__in=[JobStatus.PENDING, JobStatus.RUNNING]
    ).update(status=JobStatus.FAILED, error=reason[:500], finished_at=timezone.now())


task_policy(run_import_job, on_abandon=_import_abandoned, title=_("专利数据导入"))
task_policy(run_export_job, on_abandon=_export_abandoned, title=_("专利数据导出"))
task_policy(grades_refresh, title=_("更新价值分级"))
task_policy(grades_recompute_all, title=_("重算全部价值分级"))


@task(priority=BACKGROUND_PRIORITY)
def ipc_suggest_task(patent_ids: list[int] | None = None) -> int:
    """Store 推荐分类 for imported records that carry no IPC code (issue 20): kept in
    the record's ``extra``, never as its classification."""
    from iphub.patents.services.ipc_suggestions import patents_ipc_suggest

    return patents_ipc_suggest(patent_ids)


task_policy(ipc_suggest_task, title=_("推荐分类号"))


@task()
def run_legal_status_job(job_id: int) -> str:
    """Apply one uploaded legal-status change file (issue 24); progress on the job row."""
    from iphub.patents.services.updates import legal_status_job_run

    return str(legal_status_job_run(job_id).status)


# Not retry-safe either (claimed once, written batch by batch); a run that ends
# unfinished is marked failed like an import: events appended stay, and a re-run
# of the same file appends only what is missing.
task_policy(run_legal_status_job, on_abandon=_import_abandoned, title=_("法律状态变更导入"))
