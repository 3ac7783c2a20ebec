"""UTF-16 CSV is text, and a refusal names the user's file (issue 18, finding 13).

Checked before the fix: a UTF-16 CSV with BOM (Excel's "Unicode text") was
refused as "binary" (NUL bytes), and the message named the stored copy
(``3f2a…e1.csv``) instead of the file the user uploaded.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.conftest import make_user
from iphub.core.errors import ApplicationError
from iphub.core.models import Role
from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.services.imports import import_job_run, import_job_upload
from iphub.patents.tests.conftest import HEADERS, app_no, row

pytestmark = pytest.mark.django_db(transaction=True)


def _csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=HEADERS)
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_csv_with_bom_imports_as_text(regions: None, tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    rows = [row(1), row(2, 申请号=app_no(2021, 1, 2), 名称="一种电池隔膜")]
    path = tmp_path / "unicode.csv"
    path.write_bytes(bom + _csv_text(rows).encode(codec))
    job = import_file(actor=None, path=path)
    assert (job.ok, job.bad) == (2, 0), job.report
    assert set(Patent.objects.values_list("title", flat=True)) == {
        "一种锂离子电池正极材料及其制备方法1",
        "一种电池隔膜",
    }


def test_a_refusal_names_the_uploaded_file_not_the_stored_copy(regions: None) -> None:
    clerk = make_user("import_clerk", Role.WINDOW, "420100")
    upload = SimpleUploadedFile("专利清单.csv", b"%PDF-1.4 not a table", content_type="text/csv")
    with pytest.raises(ApplicationError) as exc:
        import_job_upload(actor=clerk, upload=upload, mode="all")
    message = exc.value.fields["file"]
    assert "专利清单.csv" in message and "不是表格或文本数据" in message
    assert not re.search(r"[0-9a-f]{32}", message)


def test_an_uploaded_utf16_file_keeps_its_name(regions: None) -> None:
    data = codecs.BOM_UTF16_LE + _csv_text([row(7)]).encode("utf-16-le")
    job = import_job_upload(
        actor=make_user("import_clerk3", Role.WINDOW, "420100"),
        upload=SimpleUploadedFile("Unicode 文本.csv", data),
        mode="all",
    )
    job = import_job_run(job.pk)
    assert job.ok == 1 and job.file_name == "Unicode 文本.csv"
