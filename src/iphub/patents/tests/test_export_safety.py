"""Issue 18, findings 2 and 5 on the patents exports: a formula in a title is
text in the anonymous xlsx and CSV downloads; an export job whose query holds a
control character succeeds, and a job that fails leaves no file (0-byte or
partial) behind and says why."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from openpyxl import load_workbook

from iphub.patents.models import ExportJob, Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

FORMULA = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture
def two(regions: None, tmp_path: Path) -> None:
    import_file(
        actor=None,
        path=write_csv(tmp_path / "t.csv", [row(1), row(2, 名称="一种汽车座椅")]),
    )
    # Stored as an old import or the register could have it.
    Patent.objects.filter(title="一种汽车座椅").update(
        title=FORMULA, abstract="-2+3+cmd|' /C calc'!A0", inventors=["@王五", "李\x0b四"]
    )


def _export_files() -> set[Path]:
    folder = Path(settings.VAR_DIR) / "exports"
    return set(folder.iterdir()) if folder.exists() else set()


def test_anonymous_xlsx_export_holds_the_formula_as_text(two: None, client: Any) -> None:
    response = client.get("/patents/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for r in wb["专利"].iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + FORMULA in values
    assert "'-2+3+cmd|' /C calc'!A0" in values
    assert "'@王五; 李四" in values


def test_anonymous_csv_export_prefixes_formula_fields(two: None, client: Any) -> None:
    response = client.get("/patents/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    fields = [f for r in csv.reader(io.StringIO(text)) for f in r]
    assert "'" + FORMULA in fields
    assert not any(f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in fields)


def test_export_job_with_a_control_character_in_the_query_succeeds(
    two: None, cast: dict[str, Any], client: Any
) -> None:
    client.force_login(cast["enterprise"])
    for fmt in ("xlsx", "csv"):
        created = client.post(
            "/api/v1/patents/exports",
            {"q": "汽车\x0b\x00", "fmt": fmt},
            content_type="application/json",
        )
        assert created.status_code == 202
        job = created.json()
        assert job["status"] == "done", job
        body = b"".join(client.get(job["download_url"]).streaming_content)
        assert body
    assert all(p.stat().st_size > 0 for p in _export_files())
    assert not [p for p in _export_files() if p.name.endswith(".part")]


def test_a_failing_export_job_leaves_no_file_and_says_why(
    two: None, cast: dict[str, Any], client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iphub.patents import exports

    def breaks_midway(query: str, **kwargs: Any) -> Iterator[list[Any]]:
        yield ["2021100000011", "写了一行"] + [""] * 13
        raise OSError("磁盘已满")

    monkeypatch.setattr(exports, "export_rows", breaks_midway)
    before = _export_files()
    client.force_login(cast["enterprise"])
    created = client.post(
        "/api/v1/patents/exports", {"q": "", "fmt": "csv"}, content_type="application/json"
    )
    assert created.status_code == 202
    job = ExportJob.objects.get(pk=created.json()["id"])
    assert job.status == "failed"
    assert job.error  # the reason is kept for the user
    assert created.json()["download_url"] is None
    assert _export_files() == before
