"""Evidence files: PDF, JPEG or PNG only, judged by content (core.uploads), size-limited."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from iphub.core.uploads import PDF_JPEG_PNG as SIGNATURES
from iphub.core.uploads import CheckedUpload, check_upload
from iphub.protection.errors import ProtectionErrorCode

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CheckedEvidence = CheckedUpload

__all__ = ["SIGNATURES", "CheckedEvidence", "evidence_check", "max_evidence_bytes"]


def max_evidence_bytes() -> int:
    return int(getattr(settings, "IPHUB_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def evidence_check(upload: Any, *, field: str = "file") -> CheckedEvidence:
    """Read and check one uploaded evidence file; raise on ``field`` when refused."""
    return check_upload(
        upload, field=field, limit=max_evidence_bytes(), code=ProtectionErrorCode.BAD_FILE
    )
