"""Background work of the patents app (django.tasks)."""

from __future__ import annotations

from django.tasks import task

from iphub.patents import services


@task()
def run_import_job(job_id: int) -> str:
    """Run one uploaded import; progress is written on the job row as it goes."""
    return str(services.import_job_run(job_id).status)


@task()
def run_export_job(export_id: int) -> str:
    return str(services.export_job_run(export_id).status)
