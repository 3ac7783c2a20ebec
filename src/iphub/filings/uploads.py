"""Uploaded filing materials: PDF, JPEG or PNG only, judged by content (core.uploads)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from iphub.core.uploads import PDF_JPEG_PNG as SIGNATURES
from iphub.core.uploads import CheckedUpload, sniff
from iphub.core.uploads import check_upload as _check_upload
from iphub.filings.errors import FilingErrorCode

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

__all__ = ["SIGNATURES", "CheckedUpload", "check_upload", "max_upload_bytes", "sniff"]


def max_upload_bytes() -> int:
    return int(getattr(settings, "IPHUB_FILING_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def check_upload(upload: Any, *, field: str) -> CheckedUpload:
    """Read and check one uploaded file; raise on the field when it is refused."""
    return _check_upload(
        upload, field=field, limit=max_upload_bytes(), code=FilingErrorCode.BAD_FILE
    )
