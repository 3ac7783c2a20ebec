"""Uploaded files checked by what they are, not what they are called.

A file's name and the browser's content type are whatever the uploader says; the
signature at the start of the content is what the file is, so a renamed ``.exe``
(``MZ``) is refused whatever it is called. Apps choose the size limit and the
error code; the rule itself lives here once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from iphub.core.errors import ApplicationError

# (signature, content type, extension)
PDF_JPEG_PNG: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str


def sniff(
    head: bytes, signatures: tuple[tuple[bytes, str, str], ...] = PDF_JPEG_PNG
) -> tuple[str, str] | None:
    """(content type, extension) for a known signature, else ``None``."""
    for signature, content_type, ext in signatures:
        if head.startswith(signature):
            return content_type, ext
    return None


def check_upload(upload: Any, *, field: str, limit: int, code: str) -> CheckedUpload:
    """Read one uploaded PDF/JPEG/PNG of at most ``limit`` bytes; raise on ``field``."""

    def bad(message: str) -> ApplicationError:
        return ApplicationError(message, code=code, fields={field: message})

    name = str(getattr(upload, "name", "") or "file")
    too_big = f"文件“{name}”超过 {limit // (1024 * 1024)} MB 的大小限制。"
    if (getattr(upload, "size", None) or 0) > limit:
        raise bad(too_big)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise bad(too_big)
    if not content:
        raise bad(f"文件“{name}”是空文件。")
    kind = sniff(content[:16])
    if kind is None:
        raise bad(f"文件“{name}”不是 PDF、JPEG 或 PNG 文件（按文件内容判断，与扩展名无关）。")
    return CheckedUpload(
        content=content,
        content_type=kind[0],
        extension=kind[1],
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=name[:255],
    )
