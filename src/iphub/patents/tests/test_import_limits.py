"""The patent import bounds its work on a hostile workbook (issue 18, finding 12):
a few KB claiming three million rows fail at once with a message that says to
split the file, instead of being walked row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from iphub.core.tests.hostile_files import stretched_xlsx
from iphub.patents.models import JobStatus, Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import HEADERS, row

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_workbook_claiming_millions_of_rows_fails_with_the_message(
    regions: None, tmp_path: Path
) -> None:
    path = tmp_path / "patents.xlsx"
    path.write_bytes(
        stretched_xlsx([HEADERS, list(row(1).values())], claimed_rows=3_000_000, far_row=3_000_000)
    )
    job = import_file(actor=None, path=path)
    assert job.status == JobStatus.FAILED
    assert "文件超过 1048576 行，请拆分后上传" in job.message
    assert Patent.objects.count() == 0


def test_rows_after_a_long_empty_tail_are_not_walked(regions: None, tmp_path: Path) -> None:
    path = tmp_path / "patents.xlsx"
    path.write_bytes(
        stretched_xlsx([HEADERS, list(row(1).values())], claimed_rows=1_000_000, far_row=1_000_000)
    )
    job = import_file(actor=None, path=path)
    assert job.status == JobStatus.DONE and job.total == 1
    assert Patent.objects.count() == 1
