"""``{% job_progress %}``: the shared progress partial for a job row that has no
selector building a ``JobProgress`` (imports, navigation analyses), from the
row's own fields.

    {% load jobs %}
    {% url 'patents:import_progress' job.pk as poll %}
    {% job_progress key="import-progress" title=_("导入进度") status=job.status
       poll_url=poll percent=job.percent done=job.processed_rows total=job.expected_rows
       message=job.message state_text=job.get_status_display queued_at=job.created_at %}

``queued_at`` lets a job that was queued and never started (its worker gone)
show as stalled; such rows carry no time of last progress while running, so a
running one is shown running.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from iphub.core.jobs import JobProgress, JobState, job_state

register = template.Library()


@register.inclusion_tag("core/_job_progress.html")
def job_progress(
    *,
    key: str,
    title: str,
    status: str,
    poll_url: str,
    percent: int | None = None,
    done: int | None = None,
    total: int | None = None,
    stage: str = "",
    message: str = "",
    state_text: str = "",
    queued_at: dt.datetime | None = None,
) -> dict[str, Any]:
    queued = job_state(status) == JobState.QUEUED
    state = job_state(status, last_progress_at=queued_at if queued else None)
    return {
        "job": JobProgress(
            key=key,
            title=str(title),
            state=state,
            poll_url=poll_url,
            percent=percent,
            done=done,
            total=total,
            stage=stage,
            message=message,
            state_text=str(state_text) if state != JobState.STALLED else "",
            last_progress_at=queued_at if queued else None,
        )
    }
