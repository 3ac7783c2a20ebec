"""Fixtures for the navigation app: a small battery chain over six hand-made
patents whose every count the tests can work out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iphub.navigation.models import ChainSegment, ChainStage, IndustryChain
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import HEADERS, app_no, row, write_csv

WUHAN_BATTERY = "武汉测试电池有限公司"
YICHANG_MATERIALS = "宜昌测试材料有限公司"
BEIJING_ENERGY = "北京测试能源有限公司"


@pytest.fixture(autouse=True)
def own_index(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test gets an empty index directory and its own navigation snapshot
    file, so counts are the test's own."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NAVIGATION_SNAPSHOT_PATH = tmp_path / "navigation" / "corpus.duckdb"
    yield settings.SEARCH_INDEX_DIR


def fixture_rows() -> list[dict[str, str]]:
    """Five battery patents (four in Hubei) and one car seat outside the chain.

    Every patent has the inventors 张三 and 李四 (serial 2 also 王五), so the
    same two names appear under three first applicants: three people each."""
    return [
        row(1, 授权公告日=""),
        row(
            2,
            申请号=app_no(2022, 1, 2),
            申请日="2022-05-10",
            申请人=f"{WUHAN_BATTERY};{YICHANG_MATERIALS}",
            发明人="张三;李四;王五",
            名称="一种储能电池管理方法",
            摘要="本发明公开一种储能系统的管理方法。",
            主分类号="H02J7/00",
            分类号="H02J7/00",
            法律状态="审中-实质审查",
            授权公告日="",
        ),
        row(
            3,
            申请号=app_no(2022, 2, 3),
            申请日="2022-08-01",
            申请人=YICHANG_MATERIALS,
            申请人地址="湖北省宜昌市西陵区东山大道1号",
            名称="一种电池隔膜",
            摘要="一种隔膜结构。",
            主分类号="H01M50/40",
            分类号="H01M50/40",
            法律状态="有权-审定授权",
            授权公告日="",
        ),
        row(
            4,
            申请号=app_no(2023, 1, 4),
            申请日="2023-02-01",
            申请人=BEIJING_ENERGY,
            申请人地址="北京市海淀区中关村大街1号",
            名称="一种锂电池正极材料",
            主分类号="H01M4/36",
            分类号="H01M4/36",
            法律状态="审中-实质审查",
            授权公告日="",
        ),
        row(
            5,
            名称="一种汽车座椅",
            摘要="一种座椅调节结构。",
            主分类号="B60N2/02",
            分类号="B60N2/02",
            授权公告日="",
        ),
        row(
            6,
            申请号=app_no(2010, 1, 6),
            申请日="2010-01-10",
            名称="一种电池电极",
            摘要="一种电极。",
            主分类号="H01M4/02",
            分类号="H01M4/02",
            法律状态="有权-审定授权",
            授权公告日="2012-06-01",
        ),
    ]


@pytest.fixture
def patents(regions: None, tmp_path: Path) -> dict[int, int]:
    """Serial -> patent id of the six fixture patents, imported and indexed."""
    from iphub.patents.models import Patent

    path = write_csv(tmp_path / "nav.csv", fixture_rows(), [*HEADERS, "授权公告日"])
    job = import_file(actor=None, path=path)
    assert job.ok == 6, job.report
    ids = {}
    for serial, year, kind in (
        (1, 2021, 1),
        (2, 2022, 1),
        (3, 2022, 2),
        (4, 2023, 1),
        (5, 2021, 1),
        (6, 2010, 1),
    ):
        number = app_no(year, kind, serial)
        ids[serial] = Patent.objects.get(application_number=number).pk
    return ids


@pytest.fixture
def chain(db: Any) -> IndustryChain:
    c = IndustryChain.objects.create(
        code="battery-test",
        name="测试动力电池",
        cluster="新能源与智能网联汽车",
        query="IPC=H01M* OR TX=电池",
    )
    ChainSegment.objects.create(
        chain=c, stage=ChainStage.UPSTREAM, name="正极材料", query='TX="正极材料"', position=0
    )
    ChainSegment.objects.create(
        chain=c, stage=ChainStage.DOWNSTREAM, name="储能", query="TX=储能", position=1
    )
    return c
