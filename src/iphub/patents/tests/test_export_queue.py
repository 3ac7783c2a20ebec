"""Large exports go through the task queue (issue 18, finding 8): a signed-in user
whose result set is over ``EXPORT_SYNC_ROWS`` is offered a queued export with its
progress and a download link, instead of a file streamed by the web worker; under
the cap the file comes at once; visitors keep the capped synchronous download."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from iphub.patents.exports import write_export
from iphub.patents.models import ExportJob, JobStatus
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def five(regions: None, tmp_path: Path) -> None:
    import_file(actor=None, path=write_csv(tmp_path / "t.csv", [row(i) for i in range(1, 6)]))


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_over_the_cap_a_signed_in_user_gets_a_queued_export_with_progress_and_link(
    five: None, cast: dict[str, Any], settings: Any
) -> None:
    settings.EXPORT_SYNC_ROWS = 3
    client = Client()
    client.force_login(cast["enterprise"])
    offer = client.get("/patents/export.csv", {"q": ""})
    assert offer.status_code == 200 and not hasattr(offer, "streaming_content")
    page = offer.content.decode()
    assert "共 5 条记录" in page and "开始后台导出" in page

    queued = client.post("/patents/exports/", {"q": "", "fmt": "csv"})
    assert queued.status_code == 302
    job = ExportJob.objects.get(user=cast["enterprise"])
    assert queued["Location"] == f"/patents/exports/{job.pk}/"
    # The test settings run tasks at once: the job page shows it done, with the link.
    status = client.get(f"/patents/exports/{job.pk}/").content.decode()
    assert 'data-job-state="done"' in status and "已导出 5 条记录" in status
    progress = client.get(f"/patents/exports/{job.pk}/progress/")
    assert 'data-polling="true"' not in progress.content.decode()
    download = client.get(f"/patents/exports/{job.pk}/download/")
    assert download.status_code == 200
    lines = _csv(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    assert lines[0][0] == "申请号" and len(lines) == 1 + 5
    assert "attachment" in download["Content-Disposition"]

    # Someone else's export is not there for them.
    other = Client()
    other.force_login(cast["wuhan_clerk"])
    for path in ("", "progress/", "download/"):
        assert other.get(f"/patents/exports/{job.pk}/{path}").status_code == 404


def test_a_pending_export_polls_and_offers_no_download(five: None, cast: dict[str, Any]) -> None:
    job = ExportJob.objects.create(user=cast["enterprise"], query="", fmt="xlsx")
    client = Client()
    client.force_login(cast["enterprise"])
    page = client.get(f"/patents/exports/{job.pk}/").content.decode()
    assert 'data-polling="true"' in page and "export-download" not in page
    assert client.get(f"/patents/exports/{job.pk}/download/")["Location"] == (
        f"/patents/exports/{job.pk}/"
    )
    assert job.status == JobStatus.PENDING


def test_under_the_cap_the_file_comes_at_once_and_visitors_stay_capped(
    five: None, cast: dict[str, Any], settings: Any
) -> None:
    settings.EXPORT_SYNC_ROWS = 10
    settings.EXPORT_ANONYMOUS_ROWS = 2
    client = Client()
    client.force_login(cast["enterprise"])
    lines = _csv(b"".join(client.get("/patents/export.csv").streaming_content))  # type: ignore[attr-defined]
    assert len(lines) == 1 + 5
    settings.EXPORT_SYNC_ROWS = 1
    visitor = Client().get("/patents/export.csv")
    assert visitor["X-Export-Row-Limit"] == "2"
    assert len(_csv(b"".join(visitor.streaming_content))) == 1 + 2 + 1  # type: ignore[attr-defined]
    # Visitors cannot queue exports.
    refused = Client().post("/patents/exports/", {"q": "", "fmt": "csv"})
    assert refused.status_code == 302 and "/login/" in refused["Location"]


def test_the_writer_reports_its_progress(five: None, monkeypatch: Any) -> None:
    from iphub.patents import exports

    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    seen: list[int] = []
    assert write_export(io.BytesIO(), query="", fmt="csv", progress=seen.append) == 5
    assert seen == [2, 4]
