"""The change file's example, its demo job and its job page (issue 24, item 2)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from iphub.patents.change_example import EXAMPLE_SOURCE, change_file_example_rows
from iphub.patents.demo import demo_change_file_apply, demo_saved_search
from iphub.patents.importers import read_file
from iphub.patents.models import CHANGE_FILE_SOURCE, JobStatus, LegalEvent, Patent, SearchAlert
from iphub.patents.services import import_file
from iphub.patents.services.updates import legal_status_file_apply
from iphub.patents.tests.conftest import app_no, row, write_csv
from iphub.patents.tests.test_import_updates import change_csv

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = Path(settings.SHARED_DATA_DIR) / EXAMPLE_SOURCE
needs_data = pytest.mark.skipif(not SOURCE.exists(), reason="the shared demo data is absent")


@pytest.fixture
def demo_records(regions: None) -> set[str]:
    """The demo source's records, imported as the demo imports them."""
    assert import_file(actor=None, path=SOURCE).status == JobStatus.DONE
    return set(Patent.objects.values_list("application_number", flat=True))


@needs_data
def test_the_example_holds_only_the_demo_sources_real_numbers_and_dates(
    demo_records: set[str],
) -> None:
    rows = change_file_example_rows()
    assert rows and {r[0] for r in rows} <= demo_records  # never an invented number
    source = {
        (r.source["申请号"].removeprefix("CN"), r.source["实质审查日"]) for r in read_file(SOURCE)
    }
    exams = {(n, d.replace("-", "")) for n, d, kind, _note in rows if kind == "实质审查的生效"}
    assert exams and exams <= source


@needs_data
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_clerk_downloads_the_example_and_it_applies_cleanly(
    demo_records: set[str], cast: dict[str, Any], client: Any, tmp_path: Path, fmt: str
) -> None:
    client.force_login(cast["wuhan_clerk"])
    assert "change-file-example.csv" in client.get("/patents/imports/").content.decode()
    response = client.get(f"/patents/imports/change-file-example.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content if fmt == "csv" else response)
    path = tmp_path / f"example.{fmt}"
    path.write_bytes(body)
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert header == ["申请号", "事件日期", "事件类型", "说明"]

    job = legal_status_file_apply(actor=None, path=path, mode="all")

    assert (job.status, job.bad) == (JobStatus.DONE, 0), job.report_errors
    # The exams are new; every grant is the one the import already recorded.
    assert (
        job.created == 3 and job.report["already_recorded"] == len(change_file_example_rows()) - 3
    )
    assert client.get("/patents/imports/change-file-example.pdf").status_code == 404


@needs_data
def test_the_demo_applies_the_example_once(demo_records: set[str], cast: dict[str, Any]) -> None:
    assert demo_saved_search(cast["enterprise"].username)
    job = demo_change_file_apply()
    assert job is not None and job.status == JobStatus.DONE
    assert job.report["kind"] == "legal_status" and job.created == 3
    assert LegalEvent.objects.filter(source=CHANGE_FILE_SOURCE, kind="examination").count() == 3
    # The granted records keep their words; the pending ones were already in examination.
    assert job.updated == 0
    assert demo_change_file_apply() is None  # a second seed_demo applies nothing
    # The demo enterprise's saved search opens with an alert of the examined records.
    alert = SearchAlert.objects.get(saved_search__user=cast["enterprise"])
    assert (alert.new_count, alert.changed_count) == (0, 3)
    assert not demo_saved_search(cast["enterprise"].username)  # made once


def test_the_change_file_job_page_has_its_own_title_and_report(
    regions: None, cast: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    import_file(
        actor=None,
        path=write_csv(
            tmp_path / "base.csv",
            [row(1, 法律状态="审中-实质审查"), row(2, 法律状态="有权-审定授权")],
        ),
    )
    path = change_csv(
        tmp_path / "c.csv",
        [
            [app_no(2021, 1, 1), "2023-05-10", "授权", ""],
            [app_no(2021, 1, 2), "2024-01-10", "未缴年费专利权终止", ""],
            [app_no(2021, 1, 2), "2024-02-01", "费用减缴", ""],
        ],
    )
    job = legal_status_file_apply(actor=None, path=path)
    legal_status_file_apply(actor=None, path=path)  # a re-run: nothing new
    client.force_login(cast["wuhan_clerk"])

    page = client.get(f"/patents/imports/{job.pk}/").content.decode()
    assert "<title>法律状态变更导入" in page and "<h1>法律状态变更导入：c.csv" in page
    assert "导入任务" not in page
    assert "追加的法律状态事件（条）</dt><dd>2" in page
    assert "法律状态改变的专利（件）</dt><dd>2" in page
    assert "跳过的错误行（行）</dt><dd>1" in page and "未追加的错误行及原因" in page
    assert app_no(2021, 1, 2) in page and "失效-权利终止" in page  # the status table
    assert "无法识别的事件类型“费用减缴”" in page

    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(f"/patents/imports/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = english.content.decode()
    assert "Legal-status change import" in text and "Legal-status events added" in text
    assert "Rows not applied, and why" in text
    del client.cookies["django_language"]

    # A patent import keeps its own title.
    other = import_file(actor=None, path=write_csv(tmp_path / "p.csv", [row(3)]))
    assert "<h1>导入任务" in client.get(f"/patents/imports/{other.pk}/").content.decode()
