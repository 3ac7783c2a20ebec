"""Stored files that need a permission check, handed to nginx to send.

A filing's materials, a case's evidence and a user's finished export are
downloaded only after the view has checked who asks (region, organisation,
owner). Sending the bytes is nginx's job: with ``IPHUB_ACCEL_REDIRECT=1`` the
view answers with an empty response whose ``X-Accel-Redirect`` names the file
under an ``internal`` location (``deploy/nginx/iphub.conf``: ``/_protected/media/``
aliased to ``MEDIA_ROOT``, ``/_protected/var/`` to ``IPHUB_VAR_DIR``), so a
gunicorn worker is not held for the length of a large download and a client can
never ask for those locations itself. Without it (``make run``, tests, a node
with no nginx in front) Django streams the file, as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

# Where the nginx configuration maps each data directory (internal locations).
ACCEL_PREFIXES = (("MEDIA_ROOT", "/_protected/media/"), ("VAR_DIR", "/_protected/var/"))


def accel_location(path: Path) -> str | None:
    """The internal nginx URI of ``path``, or ``None`` if it lies in no mapped directory."""
    resolved = path.resolve()
    for setting, prefix in ACCEL_PREFIXES:
        root = Path(getattr(settings, setting)).resolve()
        if resolved.is_relative_to(root):
            return prefix + quote(resolved.relative_to(root).as_posix())
    return None


def protected_file_response(
    file: Any,
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    as_attachment: bool = True,
) -> HttpResponseBase:
    """The response sending ``file`` (a path, or a stored ``FieldFile``) after the
    caller's permission check: an ``X-Accel-Redirect`` when nginx sends files,
    else the file streamed by Django."""
    path = Path(file.path if hasattr(file, "path") else file)
    location = accel_location(path) if getattr(settings, "ACCEL_REDIRECT", False) else None
    if location is None:
        return FileResponse(
            path.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = location
    disposition = content_disposition_header(as_attachment, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
