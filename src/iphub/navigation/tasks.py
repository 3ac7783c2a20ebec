"""Background work of the navigation app (django.tasks)."""

from __future__ import annotations

from django.tasks import task

from iphub.navigation import services, snapshot


@task()
def run_analysis(analysis_id: int) -> str:
    """Run one queued analysis; progress is written on the row as it goes."""
    return str(services.analysis_run(analysis_id).status)


@task()
def refresh_snapshot() -> str:
    """Bring the navigation snapshot up to date: "fresh", "built", "busy" or "writers"."""
    return snapshot.snapshot_refresh()
