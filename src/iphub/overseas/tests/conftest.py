"""Fixtures of the overseas tests: the provincial case staff, experts, and
records imported through the patents and trademark importers."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import make_user
from iphub.core.models import Role, User
from iphub.patents.numbers import application_check_char
from iphub.patents.services import import_file
from iphub.patents.services.trademarks import trademarks_import


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path, settings: Any) -> Iterator[Path]:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    yield settings.SEARCH_INDEX_DIR


@pytest.fixture
def province(cast: dict[str, User]) -> User:
    """Provincial enforcement staff: they keep the expert pool and the watches."""
    return make_user("province_enforcer_t", Role.ENFORCEMENT, "420000")


def app_no(serial: int) -> str:
    body = f"2025{1}{serial:07d}"
    return f"{body}.{application_check_char(body)}"


def import_patents(tmp_path: Path, rows: list[tuple[int, str, str, str, str]]) -> None:
    """(serial, title, applicant, priority, address) rows through the importer."""
    path = tmp_path / f"p{rows[0][0]}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["申请号", "名称", "摘要", "申请人", "申请日", "优先权", "申请人地址"])
        for serial, title, applicant, priority, address in rows:
            w.writerow(
                [app_no(serial), title, "摘要。", applicant, "2025-01-02", priority, address]
            )
    job = import_file(actor=None, path=path)
    assert job.bad == 0, job.report


def import_marks(tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    """(number, name, owner) rows through the trademark importer."""
    path = tmp_path / f"t{rows[0][0]}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["注册号", "商标名称", "国际分类", "注册人"])
        for number, name, owner in rows:
            w.writerow([number, name, "9", owner])
    assert trademarks_import(actor=None, path=path, mode="all").committed
