"""Fixtures for the patents app: small import files written in tests, and an
index directory of the test's own (the index is real tantivy on disk)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iphub.patents.numbers import application_check_char

HEADERS = [
    "申请号",
    "名称",
    "摘要",
    "申请人",
    "发明人",
    "申请日",
    "公开号",
    "主分类号",
    "分类号",
    "申请人地址",
    "法律状态",
]


def app_no(year: int, kind: int, serial: int) -> str:
    body = f"{year}{kind}{serial:07d}"
    return f"{body}.{application_check_char(body)}"


def row(serial: int, **over: str) -> dict[str, str]:
    base = {
        "申请号": app_no(2021, 1, serial),
        "名称": f"一种锂离子电池正极材料及其制备方法{serial}",
        "摘要": "本发明公开了一种锂离子电池正极材料，提高了循环稳定性。",
        "申请人": "武汉测试电池有限公司",
        "发明人": "张三;李四",
        "申请日": "2021-03-15",
        "公开号": "",
        "主分类号": "H01M4/505",
        "分类号": "H01M4/505;H01M10/0525",
        "申请人地址": "湖北省武汉市洪山区珞喻路1号",
        "法律状态": "有效",
    }
    base.update(over)
    return base


def write_csv(path: Path, rows: list[dict[str, str]], headers: list[str] | None = None) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=headers or HEADERS)
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test gets an empty index directory, so counts are the test's own."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    yield settings.SEARCH_INDEX_DIR


def fail_on_batch(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Make the import's batch writer raise on its ``n``-th call, as a lost
    connection would (the import looks the writer up on the module each batch)."""
    from iphub.patents.services import bulk

    real = bulk.patents_bulk_write
    calls = [0]

    def writer(rows: Any, **kw: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            raise RuntimeError("数据库连接中断")
        return real(rows, **kw)

    monkeypatch.setattr(bulk, "patents_bulk_write", writer)
