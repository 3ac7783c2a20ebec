"""Materials kept across a refused form (暂存材料).

A browser cannot refill a file input, so a form shown again after a field error
used to ask for every material once more. The page instead keeps each valid file
it received as a :class:`PendingUpload` of the user who sent it, shows it as
attached (its token in a hidden field), and hands it to the service again on the
next submission. Only the uploader can use a token; a file chosen again for the
same material replaces the kept one; kept files are deleted once used, or after
:data:`KEEP_FOR` if the form is abandoned. The API does not need this: a client
sends its files again itself.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from iphub.core.errors import ApplicationError
from iphub.filings.catalogue import Service
from iphub.filings.models import PendingUpload
from iphub.filings.services.applications import Documents
from iphub.filings.uploads import check_upload

KEEP_FOR = dt.timedelta(days=1)


def pending_upload_list(*, actor: Any, tokens: Iterable[str]) -> list[PendingUpload]:
    """The kept uploads of ``actor`` named by ``tokens`` (others' tokens find nothing)."""
    wanted = [str(t) for t in tokens if t]
    if not wanted or not getattr(actor, "is_authenticated", False):
        return []
    return list(PendingUpload.objects.filter(user=actor, token__in=wanted))


def pending_documents(rows: Sequence[PendingUpload]) -> dict[str, list[Any]]:
    """The kept files as uploads again, per material, for a ``<kind>_submit`` service."""
    out: dict[str, list[Any]] = {}
    for row in rows:
        with row.file.open("rb") as f:
            content = f.read()
        upload = SimpleUploadedFile(row.original_name, content, content_type=row.content_type)
        out.setdefault(row.material, []).append(upload)
    return out


def pending_uploads_keep(
    *, actor: Any, service: Service, documents: Documents
) -> list[PendingUpload]:
    """Keep the valid files of ``documents`` that ``service`` asks for; a refused
    file (wrong type, too big) is not kept, so its field asks for it again.
    Abandoned uploads older than :data:`KEEP_FOR` are deleted on the way."""
    pending_uploads_discard(PendingUpload.objects.filter(created_at__lt=timezone.now() - KEEP_FOR))
    kept = []
    for code, files in documents.items():
        if service.material(code) is None:
            continue
        for f in files:
            if hasattr(f, "seek"):
                f.seek(0)
            try:
                checked = check_upload(f, field=code)
            except ApplicationError:
                continue
            kept.append(
                PendingUpload(
                    token=uuid.uuid4().hex,
                    user=actor,
                    material=code,
                    file=ContentFile(
                        checked.content, name=f"{uuid.uuid4().hex}.{checked.extension}"
                    ),
                    original_name=checked.original_name,
                    content_type=checked.content_type,
                    size=len(checked.content),
                )
            )
    for row in kept:
        row.save()
    return kept


def pending_uploads_discard(rows: Iterable[PendingUpload]) -> None:
    """Delete kept uploads and their files (used, replaced or abandoned)."""
    for row in rows:
        row.file.delete(save=False)
        row.delete()
