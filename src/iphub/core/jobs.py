"""Background work as a person sees it: one shape for every job's progress, one
partial that renders it, one response that the page polls.

Each app keeps its own job row (a need's matching, a screening run, an import,
a navigation analysis); its selector turns that row into a ``JobProgress`` and
its progress view answers with ``job_progress_response``. The partial
``core/_job_progress.html`` polls itself with HTMX while the job is queued or
running and stops when it is done, failed or stalled; when it sees the job
finish, the response tells HTMX to reload the page, so the results appear
without the user reloading.

A job whose worker died is marked failed with the reason by the queue's reaper
(``core.queue``: each task registers how to fail its job row). As a last
resort, a running job that has not reported progress for ``JOB_STALL_MINUTES``
(settings, default 10) is shown as stalled, with the time it last moved, and
polling stops. A queued job while no worker is alive says that it waits for one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEMPLATE = "core/_job_progress.html"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STALLED = "stalled"


STATE_LABELS = {
    JobState.QUEUED: _("排队中"),
    JobState.RUNNING: _("进行中"),
    JobState.DONE: _("已完成"),
    JobState.FAILED: _("失败"),
    JobState.STALLED: _("长时间无进展"),
}

# The status words the apps' job rows use, mapped onto the shared states.
_FROM_STATUS = {
    "pending": JobState.QUEUED,
    "queued": JobState.QUEUED,
    "running": JobState.RUNNING,
    "done": JobState.DONE,
    "rejected": JobState.FAILED,
    "failed": JobState.FAILED,
}


def stall_after() -> dt.timedelta:
    return dt.timedelta(minutes=float(getattr(settings, "JOB_STALL_MINUTES", 10)))


def job_state(status: str, *, last_progress_at: dt.datetime | None = None) -> JobState:
    """The shared state of a job row's ``status``; a running (or queued) job whose
    last sign of life is older than ``stall_after()`` is stalled."""
    state = _FROM_STATUS.get(str(status), JobState.QUEUED)
    if (
        state in (JobState.QUEUED, JobState.RUNNING)
        and last_progress_at is not None
        and timezone.now() - last_progress_at > stall_after()
    ):
        return JobState.STALLED
    return state


@dataclass(frozen=True)
class JobProgress:
    """What the progress partial shows of one job.

    ``key`` is the element's id (unique on the page); ``poll_url`` answers with
    the same partial. ``percent`` is None when the job cannot tell (the bar is
    then indeterminate); ``done``/``total`` count the records it works through.
    """

    key: str
    title: str
    state: JobState
    poll_url: str
    percent: int | None = None
    done: int | None = None
    total: int | None = None
    stage: str = ""
    message: str = ""
    last_progress_at: dt.datetime | None = None
    # The job's own word for a state, where it has one (a need's matching runs as 匹配中).
    state_text: str = ""
    # Reload the page when the job finishes (its results are on the page).
    refresh_when_done: bool = True

    @property
    def polling(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    @property
    def finished(self) -> bool:
        return self.state == JobState.DONE

    @property
    def waiting_for_worker(self) -> bool:
        """Queued in the durable queue while no worker runs: the page says the
        job is safe and waits, rather than polling on in silence."""
        if self.state != JobState.QUEUED:
            return False
        from iphub.core.queue import queue_uses_database, workers_alive

        return queue_uses_database() and workers_alive() == 0

    @property
    def failed(self) -> bool:
        return self.state == JobState.FAILED

    @property
    def stalled(self) -> bool:
        return self.state == JobState.STALLED

    @property
    def state_label(self) -> str:
        return self.state_text or str(STATE_LABELS[self.state])

    @property
    def bar_value(self) -> int | None:
        if self.state == JobState.DONE:
            return 100
        return None if self.percent is None else max(0, min(99, self.percent))


def job_progress_response(
    request: HttpRequest, job: JobProgress, *, template: str = TEMPLATE
) -> HttpResponse:
    """The partial for a polling request; when the job has just finished and its
    results live on the page, HTMX is told to reload it (``HX-Refresh``)."""
    response = render(request, template, {"job": job})
    if job.finished and job.refresh_when_done and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
