from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.patents.models import ImportJob, Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two(regions: None, tmp_path: Path) -> None:
    import_file(
        actor=None,
        path=write_csv(
            tmp_path / "t.csv",
            [row(1), row(2, 名称="一种汽车座椅", 主分类号="B60N2/02", 分类号="B60N2/02")],
        ),
    )


def test_search_page_shows_hits_facets_and_highlights(two: None, client: Any) -> None:
    page = client.get("/patents/", {"q": "TI=锂离子电池"}).content.decode()
    assert "<mark>" in page
    assert "共 1 条" in page
    assert "专利类型" in page and "IPC 小类" in page


def test_estimated_facets_are_labelled_as_estimates(two: None, client: Any, settings: Any) -> None:
    exact = client.get("/patents/", {"q": "TYPE=invention"}).content.decode()
    assert 'data-testid="facets-approximate"' not in exact
    api = client.get("/api/v1/patents/search", {"q": "TYPE=invention"}).json()
    assert api["facets_approximate"] is False

    from iphub.patents import indexing

    indexing._indexes.clear()  # the limit is read when the handle is opened
    settings.SEARCH_FACET_EXACT_LIMIT = 1
    page = client.get("/patents/", {"q": "TYPE=invention"}).content.decode()
    assert 'data-testid="facets-approximate"' in page and "约" in page
    assert "共 2 条" in page  # the hit count stays exact
    api = client.get("/api/v1/patents/search", {"q": "TYPE=invention"}).json()
    assert api["facets_approximate"] is True and api["total"] == 2


def test_malformed_query_points_at_the_position(two: None, client: Any) -> None:
    page = client.get("/patents/", {"q": "TI=(电池"}).content.decode()
    assert 'data-testid="query-error"' in page
    assert "^" in page


def test_detail_and_applicant_pages(two: None, client: Any) -> None:
    p = Patent.objects.get(title__startswith="一种锂离子")
    page = client.get(f"/patents/{p.pk}/").content.decode()
    assert p.application_number in page and "ZL" + p.application_number in page
    assert "法律状态时间轴" in page and "申请" in page
    assert "H01M4/505" in page
    applicant = client.get("/patents/applicant/", {"name": "武汉测试电池有限公司"})
    assert applicant.status_code == 200
    assert "共 2 件专利" in applicant.content.decode()


def test_export_streams_whole_result_set(two: None, client: Any) -> None:
    response = client.get("/patents/export.xlsx", {"q": "TYPE=invention"})
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert len(list(wb["专利"].iter_rows())) == 3


def test_upload_page_validates_and_imports(
    regions: None, cast: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    client.force_login(cast["wuhan_clerk"])
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    stored = Path(settings.VAR_DIR) / "imports"

    def stored_files() -> set[str]:
        return {p.name for p in stored.iterdir()} if stored.exists() else set()

    before = stored_files()
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4", content_type="application/pdf")
    bad = client.post("/patents/imports/", {"mode": "all", "file": pdf})
    assert "不是表格或文本数据" in bad.content.decode()
    disguised = SimpleUploadedFile("data.csv", b"%PDF-1.4\x00\x01", content_type="text/csv")
    bad = client.post("/patents/imports/", {"mode": "all", "file": disguised})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    assert not ImportJob.objects.exists()
    # Refused uploads are not left lying on the server.
    assert stored_files() == before
    path = write_csv(tmp_path / "up.csv", [row(1), row(2, 申请日="昨天")])
    with open(path, "rb") as fh:
        response = client.post("/patents/imports/", {"mode": "all", "file": fh})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = client.get(f"/patents/imports/{job.pk}/").content.decode()
    assert "未导入任何记录" in page and 'data-testid="bad-rows"' in page
    assert Patent.objects.count() == 0
    client.force_login(cast["enterprise"])
    assert client.get("/patents/imports/").status_code == 403


def test_api_search_and_error_shape(two: None, client: Any) -> None:
    body = client.get("/api/v1/patents/search", {"q": "IPC=H01M*"}).json()
    assert body["total"] == 1 and body["facets"]["type"][0]["label"] == "发明"
    bad = client.get("/api/v1/patents/search", {"q": "AD=[2020-01-01 TO"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_query" and "q" in bad.json()["fields"]


def test_api_export_job(two: None, cast: dict[str, Any], client: Any) -> None:
    client.force_login(cast["enterprise"])
    created = client.post(
        "/api/v1/patents/exports", {"q": "汽车", "fmt": "csv"}, content_type="application/json"
    )
    assert created.status_code == 202
    job = created.json()
    assert job["status"] == "done" and job["row_count"] == 1
    file = client.get(job["download_url"])
    assert "汽车座椅" in b"".join(file.streaming_content).decode("utf-8-sig")
    client.force_login(cast["wuhan_clerk"])
    assert client.get(f"/api/v1/patents/exports/{job['id']}").status_code == 404
