"""Queued exports of large result sets (issue 18, finding 8): a signed-in user whose
search holds more than ``EXPORT_SYNC_ROWS`` records is offered a background export
instead of a download that would hold a web worker for the whole file. The job
(``ExportJob``, the same one ``POST /api/v1/patents/exports`` makes) is written by
the task queue; its page shows the progress and, when done, the download link.
Visitors keep the capped synchronous download (``views.export``)."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iphub.core.downloads import protected_file_response
from iphub.core.errorpages import application_error_page
from iphub.core.errors import ApplicationError
from iphub.core.exports import attachment_disposition
from iphub.patents import services
from iphub.patents.exports import export_filename
from iphub.patents.models import ExportJob, JobStatus


def export_offer(request: HttpRequest, *, query: str, fmt: str, total: int) -> HttpResponseBase:
    """The page a too-large synchronous export answers with: how many rows, and the
    button that queues the export."""
    from django.conf import settings

    return render(
        request,
        "patents/export_offer.html",
        {"query": query, "fmt": fmt, "total": total, "limit": settings.EXPORT_SYNC_ROWS},
    )


@login_required
@require_POST
def export_queue(request: HttpRequest) -> HttpResponseBase:
    """Queue the export of a search's whole result set; on to its progress page."""
    from iphub.patents.tasks import run_export_job

    try:
        job = services.export_job_create(
            user=request.user, query=request.POST.get("q", ""), fmt=request.POST.get("fmt", "")
        )
    except ApplicationError as exc:
        return application_error_page(request, exc)
    run_export_job.enqueue(job.pk)
    return redirect("patents:export_job", export_id=job.pk)


def _own(request: HttpRequest, export_id: int) -> ExportJob:
    # Another user's export answers as one that does not exist.
    job = ExportJob.objects.filter(pk=export_id, user_id=request.user.pk or 0).first()
    if job is None:
        raise Http404
    return job


def _context(job: ExportJob) -> dict[str, Any]:
    return {"job": job, "done": job.status == JobStatus.DONE}


@login_required
def export_job(request: HttpRequest, export_id: int) -> HttpResponseBase:
    return render(request, "patents/export_job.html", _context(_own(request, export_id)))


@login_required
def export_job_progress(request: HttpRequest, export_id: int) -> HttpResponseBase:
    return render(request, "patents/_export_progress.html", _context(_own(request, export_id)))


@login_required
def export_job_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    job = _own(request, export_id)
    if job.status != JobStatus.DONE:
        return redirect("patents:export_job", export_id=job.pk)
    name, fallback = export_filename(job.query, job.fmt, on=timezone.localdate(job.created_at))
    response = protected_file_response(
        job.file_path,
        filename=fallback,
        content_type=mimetypes.guess_type(job.file_path)[0] or "application/octet-stream",
    )
    response["Content-Disposition"] = attachment_disposition(name, fallback)
    return response
