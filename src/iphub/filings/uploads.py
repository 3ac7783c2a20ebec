"""Uploaded materials: PDF, JPEG or PNG only, recognised by their first bytes.

A file's name and the browser's content type are whatever the uploader says; the
signature at the start of the content is what the file is. A renamed ``.exe``
(``MZ``) is refused whatever it is called.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from iphub.core.errors import ApplicationError
from iphub.filings.errors import FilingErrorCode

# (signature, content type, extension)
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "IPHUB_FILING_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) for a PDF/JPEG/PNG signature, else ``None``."""
    for signature, content_type, ext in SIGNATURES:
        if head.startswith(signature):
            return content_type, ext
    return None


def check_upload(upload: Any, *, field: str) -> CheckedUpload:
    """Read and check one uploaded file; raise on the field when it is refused."""
    name = str(getattr(upload, "name", "") or "file")
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _bad(field, f"文件“{name}”超过 {limit // (1024 * 1024)} MB 的大小限制。")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _bad(field, f"文件“{name}”超过 {limit // (1024 * 1024)} MB 的大小限制。")
    if not content:
        raise _bad(field, f"文件“{name}”是空文件。")
    kind = sniff(content[:16])
    if kind is None:
        raise _bad(
            field, f"文件“{name}”不是 PDF、JPEG 或 PNG 文件（按文件内容判断，与扩展名无关）。"
        )
    return CheckedUpload(
        content=content,
        content_type=kind[0],
        extension=kind[1],
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=name[:255],
    )


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=FilingErrorCode.BAD_FILE, fields={field: message})
