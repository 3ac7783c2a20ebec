"""Fixtures of the brands tests: their own index directories, trademarks imported
through the patents importer (so the index follows the outbox as in production),
and a published GI with its area."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iphub.brands import services
from iphub.brands.models import Indication
from iphub.core.models import User
from iphub.patents.services.trademarks import trademarks_import

TM_HEADERS = [
    "注册号",
    "商标名称",
    "国际分类",
    "注册人",
    "商标类型",
    "商标状态",
    "注册日期",
    "注册人地址",
]

MARKS = [
    [
        "30012345",
        "潜江龙虾",
        "31;29",
        "潜江市小龙虾产业协会",
        "地理标志证明商标",
        "注册",
        "2016-01-14",
        "湖北省潜江市园林街道",
    ],
    [
        "30012346",
        "楚天光电",
        "9;42",
        "武汉楚天光电科技有限公司",
        "普通商标",
        "注册",
        "2019-05-07",
        "湖北省武汉市洪山区珞喻路1号",
    ],
    [
        "30012347",
        "楚天",
        "9",
        "武汉江岸测试制造有限公司",
        "普通商标",
        "注册",
        "2018-03-02",
        "湖北省武汉市江岸区解放大道1号",
    ],
    [
        "30012348",
        "秭归脐橙",
        "31",
        "秭归县脐橙协会",
        "地理标志证明商标",
        "注册",
        "2009-11-21",
        "湖北省宜昌市秭归县茅坪镇",
    ],
    [
        "30012349",
        "恩施玉露",
        "30",
        "恩施市茶叶协会",
        "地理标志证明商标",
        "注册",
        "2013-08-01",
        "湖北省恩施土家族苗族自治州恩施市",
    ],
    [
        "G1234567",
        "光谷之星",
        "9;35",
        "宜昌测试化工有限公司",
        "集体商标",
        "注册",
        "2020-10-10",
        "湖北省宜昌市西陵区",
    ],
]


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test's own patent and trademark index directories."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.SEARCH_INDEX_DIR


def import_marks(tmp_path: Path, rows: list[list[str]], name: str = "tm.csv") -> None:
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(TM_HEADERS)
        w.writerows(rows)
    report = trademarks_import(actor=None, path=path, mode="all")
    assert report.committed, report.bad_rows


@pytest.fixture
def marks(regions: None, tmp_path: Path) -> None:
    import_marks(tmp_path, MARKS)


def make_gi(
    actor: User,
    *,
    region: str = "420100",
    areas: tuple[str, ...] = ("420111",),
    name: str = "洪山菜薹",
    number: str = "AGI00001",
    publish: bool = True,
) -> Indication:
    entry = services.indication_create(
        actor=actor,
        data={
            "name": name,
            "kind": "gi_product",
            "product": "菜薹",
            "region": region,
            "approval_number": number,
            "approval_date": "2012-06-01",
            "rules": "使用单位须在保护地域内种植，按标准加工。",
        },
        areas=list(areas),
    )
    if publish:
        services.indication_step(actor=actor, indication_id=entry.pk, step="publish")
        entry.refresh_from_db()
    return entry


def period(days_from: int, days_until: int) -> dict[str, str]:
    today = services.today()
    return {
        "valid_from": (today + dt.timedelta(days=days_from)).isoformat(),
        "valid_until": (today + dt.timedelta(days=days_until)).isoformat(),
    }
