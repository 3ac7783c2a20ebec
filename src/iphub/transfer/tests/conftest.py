"""Fixtures for 知慧桥: a small patent corpus whose right answers are known by
construction, a second enterprise user (the patentee), and need data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import make_user
from iphub.core.models import Organisation, Role, User
from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import HEADERS, row, write_csv

JIANGAN = "江岸测试制造有限公司"
HONGSHAN = "洪山测试科技有限公司"
YICHANG = "宜昌测试化工有限公司"


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test gets an empty search index of its own."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    yield settings.SEARCH_INDEX_DIR


@pytest.fixture
def patentee(orgs: dict[str, Organisation], cast: dict[str, User]) -> User:
    """A user of 江岸测试制造有限公司 (Wuhan), which holds the battery patents."""
    return make_user("jiangan_user", Role.ENTERPRISE, organisation=orgs["wuhan_jiangan"])


@pytest.fixture
def yichang_user(orgs: dict[str, Organisation], cast: dict[str, User]) -> User:
    return make_user("yichang_user", Role.ENTERPRISE, organisation=orgs["yichang"])


# (serial, title, abstract, applicant, ipc, address, status)
CORPUS = [
    (
        1,
        "一种高镍三元正极材料的氧化铝包覆改性方法",
        "通过氧化铝包覆高镍三元正极材料，抑制高温下的界面副反应，显著提高锂离子电池的高温循环稳定性和容量保持率。",
        JIANGAN,
        "H01M4/505",
        "湖北省武汉市江岸区解放大道1号",
        "授权",
    ),
    (
        2,
        "一种汽车座椅的电动调节装置",
        "座椅骨架上设置电机和蜗杆传动机构，实现座椅前后与靠背角度的电动调节，结构紧凑。",
        JIANGAN,
        "B60N2/02",
        "湖北省武汉市江岸区解放大道1号",
        "授权",
    ),
    (
        3,
        "一种水稻工厂化育秧方法",
        "采用基质育秧盘与温湿度控制，缩短水稻育秧周期，提高秧苗整齐度。",
        YICHANG,
        "A01G22/22",
        "湖北省宜昌市西陵区夷陵大道1号",
        "授权",
    ),
    (
        4,
        "一种锂离子电池正极材料的掺杂方法",
        "在正极材料中掺杂镁元素，提高锂离子电池循环性能。",
        JIANGAN,
        "H01M4/505",
        "湖北省武汉市江岸区解放大道1号",
        "未缴年费专利权终止",
    ),
    (
        5,
        "一种锂电池隔膜涂层",
        "陶瓷涂层隔膜提高电池安全性。",
        HONGSHAN,
        "H01M50/449",
        "湖北省武汉市洪山区珞喻路1号",
        "授权",
    ),
    (
        6,
        "一种高镍正极材料烧结窑炉",
        "用于高镍正极材料烧结的辊道窑，温度均匀，提高正极材料一致性。",
        YICHANG,
        "F27B9/04",
        "湖北省宜昌市西陵区夷陵大道1号",
        "授权",
    ),
]


@pytest.fixture
def corpus(regions: None, tmp_path: Path) -> dict[int, Patent]:
    """Six patents: #1 is the obvious answer to the battery need (same words, same
    IPC subclass, same city); #4 is related but lapsed; the rest are other fields."""
    rows = [
        row(
            serial,
            名称=title,
            摘要=abstract,
            申请人=applicant,
            主分类号=ipc,
            分类号=ipc,
            申请人地址=address,
            法律状态=status,
            授权公告日="2022-06-01" if status == "授权" else "",
        )
        for serial, title, abstract, applicant, ipc, address, status in CORPUS
    ]
    import_file(actor=None, path=write_csv(tmp_path / "corpus.csv", rows, [*HEADERS, "授权公告日"]))
    by_title = {p.title: p for p in Patent.objects.all()}
    return {serial: by_title[title] for serial, title, *_ in CORPUS}


def need_data(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "高镍正极材料高温循环衰减快",
        "description": "我公司生产的高镍三元正极材料在高温下循环稳定性差、容量保持率低，"
        "希望获得包覆改性技术，提高锂离子电池的高温循环寿命。",
        "industry_chain": "新能源与智能网联汽车",
        "ipc_codes": "H01M",
        "budget_min": "500000",
        "budget_max": "2000000",
        "preferred_forms": ["transfer", "ordinary"],
        "deadline": (dt.date.today() + dt.timedelta(days=90)).isoformat(),
        "contact_name": "张三丰",
        "contact_phone": "13812345678",
    }
    return base | over
