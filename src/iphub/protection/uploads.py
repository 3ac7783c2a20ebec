"""Evidence files: PDF, JPEG or PNG only, recognised by their first bytes, size-limited.

The name and the browser's content type are whatever the uploader says; the
signature at the start of the content is what the file is, so a renamed
``.exe`` (``MZ``) is refused whatever it is called.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from iphub.core.errors import ApplicationError
from iphub.protection.errors import ProtectionErrorCode

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CheckedEvidence:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str


def max_evidence_bytes() -> int:
    return int(getattr(settings, "IPHUB_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def evidence_check(upload: Any, *, field: str = "file") -> CheckedEvidence:
    """Read and check one uploaded evidence file; raise on ``field`` when refused."""
    name = str(getattr(upload, "name", "") or "file")
    limit = max_evidence_bytes()
    megabytes = limit // (1024 * 1024)
    if (getattr(upload, "size", None) or 0) > limit:
        raise _bad(field, f"文件“{name}”超过 {megabytes} MB 的大小限制。")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _bad(field, f"文件“{name}”超过 {megabytes} MB 的大小限制。")
    if not content:
        raise _bad(field, f"文件“{name}”是空文件。")
    for signature, content_type, extension in SIGNATURES:
        if content.startswith(signature):
            return CheckedEvidence(
                content, content_type, extension, hashlib.sha256(content).hexdigest(), name[:255]
            )
    raise _bad(field, f"文件“{name}”不是 PDF、JPEG 或 PNG 文件（按文件内容判断，与扩展名无关）。")


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=ProtectionErrorCode.BAD_FILE, fields={field: message})
