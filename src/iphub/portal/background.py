"""The administrators' page of the background machinery (/system/background/):
the schedule of periodic duties, the workers, the queue (core.background)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from iphub.core import background, queue
from iphub.core.errors import ApplicationError
from iphub.portal.errors import application_error_page


@login_required
def background_status(request: HttpRequest) -> HttpResponseBase:
    """Each duty with its last run, result and next run; live workers; queue counts."""
    try:
        background.ensure_can_view_background(request.user)
    except ApplicationError as exc:
        return application_error_page(request, exc)
    summary = background.queue_summary()
    failures = [
        (queue.task_title(t.task_path), t, queue.task_failure_reason(t))
        for t in summary.pop("recent_failures")
    ]
    return render(
        request,
        "portal/background.html",
        {
            "duties": background.schedule_rows(),
            "workers": background.worker_rows(),
            "summary": summary,
            "failures": failures,
            "uses_queue": queue.queue_uses_database(),
        },
    )
