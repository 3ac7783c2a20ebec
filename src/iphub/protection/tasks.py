"""Background work of the protection app (django.tasks)."""

from __future__ import annotations

from django.tasks import task

from iphub.protection.services import screening


@task()
def run_screening(run_id: int) -> str:
    """Run one queued screening run; its counts and groups are written as it finishes."""
    return str(screening.screening_run_execute(run_id).status)
