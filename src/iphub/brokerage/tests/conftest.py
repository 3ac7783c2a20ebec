"""Fixtures for 专利找企业, brokers and calls: a small corpus whose right answer
is known by construction (a firm holding three battery patents, one holding
farm and food patents, one holding a car-seat patent, and a university with a
battery-cathode patent to list), and the accounts acting for them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import make_org, make_user
from iphub.core.models import Organisation, Role, User
from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import HEADERS, row, write_csv
from iphub.transfer import services as transfer_services
from iphub.transfer.models import SupplyListing

UNIVERSITY = "武汉测试大学"
JIANGAN = "江岸测试制造有限公司"
YICHANG = "宜昌测试化工有限公司"
HONGSHAN = "洪山测试科技有限公司"

# (serial, title, abstract, applicant, ipc, address)
CORPUS = [
    (1, "一种高镍三元正极材料的氧化铝包覆改性方法",
     "通过氧化铝包覆高镍三元正极材料，抑制界面副反应，提高锂离子电池的循环稳定性。",
     JIANGAN, "H01M4/505", "湖北省武汉市江岸区解放大道1号"),
    (2, "一种锂离子电池负极硅碳复合材料",
     "硅碳复合负极材料缓解体积膨胀，提高锂离子电池容量与循环寿命。",
     JIANGAN, "H01M4/38", "湖北省武汉市江岸区解放大道1号"),
    (3, "一种锂电池电解液添加剂",
     "电解液添加剂在正极表面成膜，提高锂电池高温循环性能。",
     JIANGAN, "H01M10/0567", "湖北省武汉市江岸区解放大道1号"),
    (4, "一种水稻工厂化育秧方法", "采用基质育秧盘与温湿度控制，缩短水稻育秧周期。",
     YICHANG, "A01G22/22", "湖北省宜昌市西陵区夷陵大道1号"),
    (5, "一种柑橘保鲜剂", "天然提取物复配的柑橘保鲜剂，延长柑橘贮藏期。",
     YICHANG, "A23B7/154", "湖北省宜昌市西陵区夷陵大道1号"),
    (6, "一种锂离子电池正极材料的表面包覆方法",
     "在锂离子电池正极材料表面包覆快离子导体层，抑制副反应，提高正极材料的循环稳定性和倍率性能。",
     UNIVERSITY, "H01M4/36", "湖北省武汉市洪山区珞喻路1037号"),
    (7, "一种汽车座椅的电动调节装置", "座椅骨架上设置电机和蜗杆传动机构，实现座椅的电动调节。",
     HONGSHAN, "B60N2/02", "湖北省武汉市洪山区珞喻路1号"),
    (8, "一种钠离子电池层状氧化物正极", "层状氧化物正极材料提高钠离子电池循环稳定性。",
     UNIVERSITY, "H01M4/525", "湖北省武汉市洪山区珞喻路1037号"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test gets an empty search index of its own."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    yield settings.SEARCH_INDEX_DIR


@pytest.fixture
def university(orgs: dict[str, Organisation]) -> Organisation:
    return make_org(UNIVERSITY, "420111", 11, kind="university")


@pytest.fixture
def corpus(
    orgs: dict[str, Organisation], university: Organisation, tmp_path: Path
) -> dict[int, Patent]:
    rows = [
        row(serial, 名称=title, 摘要=abstract, 申请人=applicant, 主分类号=ipc, 分类号=ipc,
            申请人地址=address, 法律状态="授权", 授权公告日="2022-06-01")
        for serial, title, abstract, applicant, ipc, address in CORPUS
    ]  # fmt: skip
    import_file(actor=None, path=write_csv(tmp_path / "corpus.csv", rows, [*HEADERS, "授权公告日"]))
    by_title = {p.title: p for p in Patent.objects.all()}
    return {serial: by_title[title] for serial, title, *_ in CORPUS}


@pytest.fixture
def accounts(
    orgs: dict[str, Organisation], university: Organisation, cast: dict[str, User]
) -> dict[str, User]:
    return {
        "university": make_user("uni_user", Role.ENTERPRISE, organisation=university),
        "jiangan": make_user("jiangan_user", Role.ENTERPRISE, organisation=orgs["wuhan_jiangan"]),
        "yichang": make_user("yichang_user", Role.ENTERPRISE, organisation=orgs["yichang"]),
        "hongshan": cast["enterprise"],
        **cast,
    }


@pytest.fixture
def listing(accounts: dict[str, User], corpus: dict[int, Patent]) -> SupplyListing:
    return transfer_services.listing_create(
        actor=accounts["university"],
        data={"title": "正极包覆技术转让", "mode": "transfer", "asking_price": "500000"},
        patent_ids=[corpus[6].pk],
    )


def in_days(n: int) -> str:
    return (dt.date.today() + dt.timedelta(days=n)).isoformat()
