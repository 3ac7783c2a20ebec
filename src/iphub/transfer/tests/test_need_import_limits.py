"""The need import bounds its work on a hostile workbook (issue 18, finding 12):
a few KB that claim three million rows are refused with a message that says to
split the file, a long empty tail is not walked to its end, and a file with too
many rows is refused before any need is written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.core.models import Organisation, User
from iphub.core.tests.hostile_files import stretched_xlsx
from iphub.transfer import services
from iphub.transfer.models import TechnologyNeed
from iphub.transfer.services.need_imports import COLUMNS, MAX_ROWS
from iphub.transfer.tests.conftest import need_data


def _row(org: Organisation, title: str = "") -> list[Any]:
    good = need_data()
    return [
        title or good["title"],
        good["description"],
        "",
        "H01M",
        "1",
        "2",
        "专利转让",
        "2099-12-31",
        org.uscc,
        "李四",
        "13900001111",
    ]


def test_a_workbook_claiming_millions_of_rows_is_refused_with_the_message(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    data = stretched_xlsx(
        [list(COLUMNS), _row(orgs["wuhan_hongshan"])], claimed_rows=3_000_000, far_row=3_000_000
    )
    assert len(data) < 20_000
    client.force_login(cast["wuhan_clerk"])
    upload = SimpleUploadedFile("needs.xlsx", data)
    page = client.post("/transfer/needs/import/", {"mode": "all", "file": upload})
    assert page.status_code == 400
    assert f"文件超过 {MAX_ROWS} 行，请拆分后上传" in page.content.decode()
    assert TechnologyNeed.objects.count() == 0


def test_a_long_empty_tail_is_not_read_to_its_end(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    data = stretched_xlsx(
        [list(COLUMNS), _row(orgs["wuhan_hongshan"])], claimed_rows=1_000_000, far_row=1_000_000
    )
    report = services.need_import(actor=cast["wuhan_clerk"], file=io.BytesIO(data), mode="all")
    assert report.created == 1 and report.total == 1


def test_too_many_rows_are_refused_before_anything_is_written(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    org = orgs["wuhan_hongshan"]
    rows = [list(COLUMNS)] + [_row(org, f"需求{i}") for i in range(MAX_ROWS + 1)]
    with pytest.raises(Exception) as refused:
        services.need_import(
            actor=cast["wuhan_clerk"], file=io.BytesIO(stretched_xlsx(rows)), mode="skip"
        )
    assert f"文件超过 {MAX_ROWS} 行，请拆分后上传" in str(refused.value)
    assert TechnologyNeed.objects.count() == 0
