"""An import's report names the columns in words (issue 16): 申请日, not app_date."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from iphub.core.models import User
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import app_no, row, write_csv
from iphub.portal.tests.codewords import code_words, visible_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_errors_name_the_field_in_words(
    cast: dict[str, User], tmp_path: Path, client: Any
) -> None:
    number = app_no(2021, 1, 3)
    rows = [
        row(1),
        row(2, 申请号=number[:-1] + ("1" if number.endswith("0") else "0")),
        row(3, 申请日="2021-13-45"),
        row(4, 名称=""),
    ]
    job = import_file(actor=None, path=write_csv(tmp_path / "bad.csv", rows), mode="skip")
    client.force_login(cast["supervisor"])
    page = client.get(f"/patents/imports/{job.pk}/").content.decode()
    table = re.search(r'data-testid="bad-rows">(.*?)</table>', page, re.S)
    assert table is not None
    fields = re.findall(r"<tr><td>\d+</td><td>([^<]*)</td>", table.group(1))
    assert {"申请号", "申请日", "名称"} <= set(fields)
    text = visible_text(table.group(1))
    for code in ("application_number", "app_date", "title"):
        assert code not in text
    assert code_words(table.group(1)) == []
    full = Path(job.report["full_report"]).read_text("utf-8-sig")
    assert "申请日" in full and "app_date" not in full
