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


@task()
def grades_refresh(patent_ids: list[int]) -> int:
    """Regrade records after an event or a neighbour's import (value grade, issue 20);
    records whose grade moved are reindexed."""
    from iphub.patents.intelligence.grading import grades_compute

    return grades_compute(patent_ids)["changed"]


@task()
def grades_recompute_all() -> int:
    """Regrade the whole corpus (after the weights table changed)."""
    from iphub.patents.intelligence.grading import grades_compute

    return grades_compute(None)["changed"]
