"""Backup -> wipe -> restore gives back every row and every file, on SQLite and
PostgreSQL (the suite runs on both); a damaged backup is refused before anything
is touched."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from iphub.core.backup import (
    backup_create,
    database_is_empty,
    database_wipe,
    retention_plan,
    table_counts,
    tree_hashes,
)
from iphub.patents.importers import PatentIn
from iphub.patents.indexing import get_index
from iphub.patents.models import Patent
from iphub.patents.services import patents_upsert
from iphub.patents.tests.conftest import app_no

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_dirs(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "var" / "index"
    (tmp_path / "var").mkdir()
    return tmp_path


def _data(cast: dict[str, Any], settings: Any) -> None:
    with transaction.atomic():
        patents_upsert(
            [
                PatentIn(
                    application_number=app_no(2021, 1, n),
                    type="invention",
                    title=f"一种锂离子电池正极材料备份测试{n}",
                    applicants=["洪山测试科技有限公司"],
                    app_date=dt.date(2021, 3, n),
                    legal_status="有效",
                    source_name="test",
                )
                for n in (1, 2, 3)
            ]
        )
    default_storage.save("filings/2026/03/申请表.pdf", ContentFile(b"%PDF-1.4 backup test"))
    default_storage.save(
        "protection/evidence/2026/03/photo.png", ContentFile(b"\x89PNG" + b"x" * 99)
    )
    imports = Path(settings.VAR_DIR) / "imports"
    imports.mkdir(parents=True)
    (imports / "report-1.csv").write_text("行,错误\n2,缺少申请号\n", "utf-8")


def _files(settings: Any) -> dict[str, dict[str, str]]:
    return {
        "media": tree_hashes(Path(settings.MEDIA_ROOT)),
        "imports": tree_hashes(Path(settings.VAR_DIR) / "imports"),
    }


def test_backup_wipe_restore_round_trips_rows_and_files(
    cast: dict[str, Any], own_dirs: Path, settings: Any
) -> None:
    _data(cast, settings)
    rows_before, files_before = table_counts(), _files(settings)
    assert rows_before["patents_patent"] == 3 and rows_before["core_user"] >= 5
    assert len(files_before["media"]) == 2

    result = backup_create(dest=own_dirs / "backups")
    assert result.path.name.startswith("iphub-") and result.rows == sum(rows_before.values())
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert "files/media/filings/2026/03/申请表.pdf" in manifest["files"]
    config = json.loads((result.path / "config" / "settings.json").read_text())
    assert config["settings"]["TIME_ZONE"] == "Asia/Shanghai"
    assert "IPHUB_SECRET_KEY" in config["secrets_not_in_backup"]
    assert "PASSWORD" not in config["settings"]["DATABASE"]

    # The machine is lost: database, uploads and index gone.
    database_wipe()
    shutil.rmtree(own_dirs / "var")
    assert database_is_empty()

    call_command("restore", str(result.path), stdout=io.StringIO())
    assert table_counts() == rows_before
    assert _files(settings) == files_before
    # The index was rebuilt from the restored database: search finds the records.
    assert get_index().doc_count() == Patent.objects.count() == 3


def test_damaged_backup_is_refused_before_anything_changes(
    cast: dict[str, Any], own_dirs: Path, settings: Any
) -> None:
    _data(cast, settings)
    result = backup_create(dest=own_dirs / "backups")
    target = result.path / "files" / "media" / "filings" / "2026" / "03" / "申请表.pdf"
    target.write_bytes(b"%PDF-1.4 altered")
    rows_before = table_counts()
    with pytest.raises(
        CommandError, match=re.escape("文件校验和不符：files/media/filings/2026/03/申请表.pdf")
    ):
        call_command("restore", str(result.path), "--replace")
    assert table_counts() == rows_before


def test_restore_refuses_a_database_in_use_without_replace(
    cast: dict[str, Any], own_dirs: Path
) -> None:
    result = backup_create(dest=own_dirs / "backups")
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(result.path))


def test_retention_keeps_newest_of_each_recent_day_and_week() -> None:
    start = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)  # a Sunday
    paths = [
        Path(f"/b/iphub-{(start + dt.timedelta(hours=12 * i)):%Y%m%dT%H%M%SZ}") for i in range(40)
    ]
    kept, dropped = retention_plan(paths, keep_daily=3, keep_weekly=2)
    # The newest of each of the last three days, and of ISO week 11 (9-15 March);
    # week 12's newest is already today's.
    assert [p.name for p in kept] == [
        "iphub-20260320T140000Z",
        "iphub-20260319T140000Z",
        "iphub-20260318T140000Z",
        "iphub-20260315T140000Z",
    ]
    assert len(dropped) == 36
