from __future__ import annotations

import csv
from pathlib import Path

import pytest

from iphub.patents.models import Trademark
from iphub.patents.services.trademarks import trademarks_import

HEADERS = [
    "注册号",
    "商标名称",
    "国际分类",
    "注册人",
    "商标类型",
    "商标状态",
    "注册日期",
    "注册人地址",
]


def write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerows(rows)
    return path


ROWS = [
    [
        "12345678",
        "楚天",
        "9;42",
        "武汉楚天科技有限公司",
        "普通商标",
        "注册",
        "2019-05-07",
        "湖北省武汉市洪山区珞喻路1号",
    ],
    [
        "87654321",
        "潜江龙虾",
        "31",
        "潜江市龙虾协会",
        "地理标志证明商标",
        "注册",
        "2016-01-14",
        "湖北省潜江市园林街道",
    ],
    ["ABC", "坏号", "46", "", "", "", "2019-02-30", ""],
]


@pytest.mark.django_db
def test_all_or_nothing_and_skip(regions: None, tmp_path: Path) -> None:
    path = write(tmp_path / "tm.csv", ROWS)
    report = trademarks_import(actor=None, path=path, mode="all")
    assert not report.committed and Trademark.objects.count() == 0
    assert set(report.bad_rows[0]["errors"]) == {
        "registration_number",
        "nice_classes",
        "owner",
        "reg_date",
    }
    report = trademarks_import(actor=None, path=path, mode="skip")
    assert report.committed and report.ok == 2
    gi = Trademark.objects.get(registration_number="87654321")
    assert gi.mark_type == "gi" and gi.nice_classes == [31] and gi.region_id == "429005"
    assert Trademark.objects.get(registration_number="12345678").nice_classes == [9, 42]
    trademarks_import(actor=None, path=path, mode="skip")
    assert Trademark.objects.count() == 2
