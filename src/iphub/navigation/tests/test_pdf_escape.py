"""The landscape PDF prints user text as written (issue 18, finding 7).

reportlab's ``Paragraph`` reads its text as markup, so an applicant named
``<b>未闭合`` made ``report.pdf`` answer 500 and ``<img src="/etc/passwd"/>``
made reportlab open a local file. Checked before the fix: this test failed with
a reportlab ``ValueError`` (paraparser: unclosed tag / cannot open image) from
the report download.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from iphub.navigation import services
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import app_no, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

UNCLOSED = "<b>未闭合测试有限公司"
LOCAL_FILE = '<img src="/etc/passwd"/>测试公司'
LINK = '<a href="javascript:alert(1)">链接</a>公司'


def test_markup_in_names_and_title_is_printed_as_text(
    client: Any, regions: None, cast: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        row(1, 申请人=UNCLOSED),
        row(2, 申请号=app_no(2021, 1, 2), 申请人=LOCAL_FILE, 发明人="<i>张三;李四"),
        row(3, 申请号=app_no(2021, 1, 3), 申请人=f"{LINK};{UNCLOSED}"),
    ]
    job = import_file(actor=None, path=write_csv(tmp_path / "markup.csv", rows))
    assert job.ok == 3, job.report
    analysis = services.analysis_request(
        actor=cast["supervisor"], query="TX=电池", title="<b>导航 & <u>标题"
    )
    client.force_login(cast["supervisor"])
    resp = client.get(f"/navigation/analyses/{analysis.pk}/report.pdf")
    assert resp.status_code == 200
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"".join(resp.streaming_content))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for name in ("<b>未闭合测试有限公司", '<imgsrc="/etc/passwd"/>测试公司', "<b>导航&<u>标题"):
        assert name in flat


def test_every_paragraph_is_built_through_the_escaping_helper() -> None:
    # A new report that calls reportlab's Paragraph directly would bring the
    # markup injection back; the helper in core is the one place that may.
    src = Path(__file__).resolve().parents[2]
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if "tests" not in p.parts
        and p.name != "pdftext.py"
        and re.search(r"\bParagraph\(", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
