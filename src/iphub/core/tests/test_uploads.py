from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.core.errors import ApplicationError
from iphub.core.uploads import check_upload


def check(name: str, content: bytes, limit: int = 1024) -> str:
    upload = SimpleUploadedFile(name, content)
    try:
        return check_upload(upload, field="file", limit=limit, code="bad_file").content_type
    except ApplicationError as exc:
        assert exc.code == "bad_file" and set(exc.fields) == {"file"}
        return exc.fields["file"]


def test_type_is_judged_by_content_not_name() -> None:
    assert check("合同.pdf", b"%PDF-1.7 ...") == "application/pdf"
    assert check("scan.dat", b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert "不是 PDF、JPEG 或 PNG" in check("合同.pdf", b"MZ\x90\x00 renamed exe")


@pytest.mark.parametrize(
    ("content", "fragment"), [(b"", "空文件"), (b"%PDF-" + b"x" * 2048, "大小限制")]
)
def test_empty_and_oversized_files_are_refused(content: bytes, fragment: str) -> None:
    assert fragment in check("a.pdf", content)
