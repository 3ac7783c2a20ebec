from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from iphub.core.models import AuditEntry
from iphub.patents.indexing import get_index
from iphub.patents.models import JobStatus, LegalEvent, Patent, PatentParty
from iphub.patents.services import import_file, imports
from iphub.patents.tests.conftest import HEADERS, app_no, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


def bad_file(tmp_path: Path) -> Path:
    good1, good2 = row(1), row(2)
    good_number = app_no(2021, 1, 3)
    wrong_check = "1" if good_number.endswith("0") else "0"
    bad_check = row(3, 申请号=good_number[:-1] + wrong_check)
    bad_ipc = row(4, 主分类号="Z99Q1/00", 分类号="Z99Q1/00")
    bad_date = row(5, 申请日="2021-13-45")
    return write_csv(tmp_path / "mixed.csv", [good1, bad_check, good2, bad_ipc, bad_date])


def test_all_or_nothing_commits_nothing_and_reports_every_bad_row(
    regions: None, tmp_path: Path
) -> None:
    job = import_file(actor=None, path=bad_file(tmp_path), mode="all")
    assert job.status == JobStatus.REJECTED
    assert Patent.objects.count() == 0
    assert get_index().doc_count() == 0
    lines = {r["line"]: {e["field"] for e in r["errors"]} for r in job.report["bad_rows"]}
    assert set(lines) == {3, 5, 6}  # header is line 1
    assert "application_number" in lines[3] and "app_date" in lines[6]
    assert "未导入任何记录" in job.message


def test_skip_bad_rows_imports_the_good_ones_with_the_same_report(
    regions: None, tmp_path: Path
) -> None:
    job = import_file(actor=None, path=bad_file(tmp_path), mode="skip")
    assert job.status == JobStatus.DONE
    assert (job.ok, job.bad, job.created) == (2, 3, 2)
    assert Patent.objects.count() == 2
    assert len(job.report["bad_rows"]) == 3
    assert Path(job.report["full_report"]).read_text("utf-8-sig").count("错误") >= 3
    assert AuditEntry.objects.filter(action="patent_import").exists()


def test_report_of_a_long_import_keeps_the_first_rows_and_files_every_one(
    regions: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "REPORT_LIMIT", 2)
    rows = [row(i, 申请日="2021-13-45") if i % 2 else row(i) for i in range(1, 11)]
    job = import_file(actor=None, path=write_csv(tmp_path / "long.csv", rows), mode="skip")
    assert (job.ok, job.bad) == (5, 5)
    assert [r["line"] for r in job.report["bad_rows"]] == [2, 4]
    assert job.report["bad_rows_truncated"] is True
    full = list(csv.reader(io.StringIO(Path(job.report["full_report"]).read_text("utf-8-sig"))))
    assert full[0] == ["行号", "字段", "问题", "级别"]
    assert [(r[0], r[1], r[3]) for r in full[1:]] == [
        (str(line), "申请日", "错误") for line in (2, 4, 6, 8, 10)
    ]


def test_import_with_debug_on_does_not_keep_every_batchs_sql(
    regions: None, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DEBUG is the embedded default; Django would keep each batch's bulk INSERT,
    # parameters spelled out, for the whole import (gigabytes at 1M rows).
    settings.DEBUG = True
    settings.IMPORT_BATCH_ROWS = 5
    rows = [row(i, 名称=f"一种第{i:03d}号批次测试装置") for i in range(1, 16)]
    job = import_file(actor=None, path=write_csv(tmp_path / "batches.csv", rows))
    assert job.created == 15
    # (After the import, the screening task writes groups that quote titles: only
    # the import's own statements are looked for.)
    inserts = [q["sql"] for q in connection.queries if 'INTO "patents_patent"' in q["sql"]]
    assert not any("号批次测试装置" in sql for sql in inserts)


def test_reimport_updates_instead_of_duplicating(regions: None, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(1), row(2)])
    import_file(actor=None, path=path)
    path = write_csv(tmp_path / "a.csv", [row(1, 名称="一种改进的钠离子电池"), row(2)])
    job = import_file(actor=None, path=path)
    # The changed record is updated; the one repeated unchanged is left alone.
    assert (job.created, job.updated, job.report["unchanged"]) == (0, 1, 1)
    assert Patent.objects.count() == 2
    assert PatentParty.objects.filter(role="inventor").count() == 4
    assert get_index().count("钠离子") == 1
    assert get_index().count("TI=锂离子") == 1


def test_fields_are_normalised_and_region_resolved(regions: None, tmp_path: Path) -> None:
    number = app_no(2021, 1, 7)
    path = write_csv(
        tmp_path / "n.csv",
        [row(7, 申请号="CN" + number.replace(".", ""), 申请人="武汉测试电池有限责任公司")],
    )
    import_file(actor=None, path=path)
    p = Patent.objects.get()
    assert p.application_number == number
    assert p.patent_type == "invention"
    assert p.ipc_main == "H01M4/505"
    assert (p.province_code, p.city_code, p.county_code) == ("420000", "420100", "420111")
    assert p.region_id == "420111"
    assert LegalEvent.objects.filter(patent=p, kind="filed").exists()


def test_unresolvable_address_is_listed_for_staff(
    regions: None, tmp_path: Path, cast: dict[str, Any], client: Any
) -> None:
    import_file(actor=None, path=write_csv(tmp_path / "u.csv", [row(8, 申请人地址="某某路 8 号")]))
    assert Patent.objects.get().region_status == "unresolved"
    client.force_login(cast["wuhan_clerk"])
    assert "某某路 8 号" in client.get("/patents/unresolved/").content.decode()
    client.force_login(cast["enterprise"])
    assert client.get("/patents/unresolved/").status_code == 403


def test_unknown_columns_are_reported(regions: None, tmp_path: Path) -> None:
    headers = [*HEADERS, "神秘列"]
    job = import_file(
        actor=None, path=write_csv(tmp_path / "x.csv", [row(9) | {"神秘列": "?"}], headers)
    )
    assert job.report["unknown_columns"] == ["神秘列"]


def test_unsupported_file_type_is_refused_by_content(regions: None, tmp_path: Path) -> None:
    from iphub.core.errors import ApplicationError

    fake = tmp_path / "looks.csv"
    fake.write_bytes(b"%PDF-1.4 not a table")
    with pytest.raises(ApplicationError):
        import_file(actor=None, path=fake)


def test_size_cap_applies_to_uploads_not_to_the_command_line(
    regions: None, cast: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iphub.core.errors import ApplicationError

    path = write_csv(tmp_path / "big.csv", [row(11), row(12)])
    # A cap below this small file's size stands in for a 512 MB file.
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", path.stat().st_size - 1)
    with pytest.raises(ApplicationError, match="512 MB"):
        imports.import_job_create(
            actor=cast["wuhan_clerk"], path=path, file_name="big.csv", mode="skip"
        )
    assert Patent.objects.count() == 0
    job = import_file(actor=None, path=path)
    assert job.status == JobStatus.DONE and Patent.objects.count() == 2


def test_real_sample_files_import(regions: None, settings: Any) -> None:
    data = Path(settings.SHARED_DATA_DIR)
    sql = import_file(actor=None, path=data / "patent_export_62col_sample.sql")
    xlsx = import_file(actor=None, path=data / "patent_30_with_claims.xlsx")
    assert sql.ok == sql.total == 10
    assert Patent.objects.filter(application_number__regex=r"^\d{12}\.[\dX]$").count() == 10
    # Never invented: records whose source has no application number keep it empty.
    assert xlsx.ok == 30
    assert (
        Patent.objects.filter(source="patent_30_with_claims.xlsx", application_number="").count()
        == 30
    )
    assert get_index().doc_count() == Patent.objects.count()
