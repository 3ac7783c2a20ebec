"""Report attachments: PDF, JPEG, PNG, DOCX or XLSX, recognised by their content.

The name and the browser's content type are whatever the uploader says; the
first bytes (and, for the Office formats, the part that names the document
inside the ZIP container) are what the file is.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from iphub.core.errors import ApplicationError
from iphub.supervision.errors import SupervisionError

MAX_BYTES = 20 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str


def _office_kind(content: bytes) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return DOCX, "docx"
    if "xl/workbook.xml" in names:
        return XLSX, "xlsx"
    return None


def sniff(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) for an accepted file, else None."""
    if content.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    return None


def check_upload(*, name: str, content: bytes) -> CheckedUpload:
    if not content:
        msg = f"附件“{name}”是空文件，请重新选择要上传的文件。"
        raise ApplicationError(msg, code=SupervisionError.UPLOAD_REFUSED, fields={"file": msg})
    if len(content) > MAX_BYTES:
        raise ApplicationError(
            "附件超过 20 MB。",
            code=SupervisionError.UPLOAD_REFUSED,
            fields={"file": "附件超过 20 MB，请压缩或拆分后上传。"},
        )
    kind = sniff(content)
    if kind is None:
        raise ApplicationError(
            "附件只接受 PDF、JPEG、PNG、Word（docx）或 Excel（xlsx）文件（按文件内容识别）。",
            code=SupervisionError.UPLOAD_REFUSED,
            fields={"file": "文件类型不受支持。"},
        )
    return CheckedUpload(
        content=content,
        content_type=kind[0],
        extension=kind[1],
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=(name or f"附件.{kind[1]}")[-255:],
    )
