"""Fixtures of the protection app: a Yichang enforcer next to the shared cast, and
a small patent corpus with planted near-duplicates whose overlap is known."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import make_user
from iphub.core.models import Role, User
from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import HEADERS, own_index, row, write_csv  # noqa: F401

CORPUS_HEADERS = [*HEADERS, "代理机构"]

# One base abstract; the planted copies change a few characters of it.
BASE = (
    "本发明公开了一种用于锂离子电池正极材料的包覆改性方法，包括以下步骤：将镍钴锰三元前驱体"
    "与碳酸锂按摩尔比混合后在氧气气氛中于八百五十摄氏度烧结十二小时，得到基体材料；再将基体"
    "材料分散于含有硼酸和氧化铝溶胶的乙醇溶液中搅拌两小时，经喷雾干燥后于四百摄氏度热处理，"
    "在颗粒表面形成均匀的硼铝复合包覆层，显著提高了材料的循环稳定性和热稳定性。"
)
# A look-alike: same field and vocabulary, different invention.
LOOKALIKE = (
    "本发明公开了一种锂离子电池负极材料的制备方法，将天然石墨经球形化处理后与沥青混合，"
    "在氮气保护下于一千一百摄氏度碳化六小时，获得表面包覆无定形碳的复合石墨，"
    "该材料首次库伦效率高，倍率性能好，适用于动力电池。"
)


def edit(text: str, every: int, repl: str = "甲") -> str:
    """Replace one character in every ``every`` (a copy with trivial substitutions)."""
    return "".join(repl if i % every == every // 2 else ch for i, ch in enumerate(text))


def corpus_rows() -> list[dict[str, str]]:
    wuhan = {"申请人": "武汉甲测试电池有限公司", "代理机构": "武汉某某专利代理事务所"}
    yichang = {
        "申请人": "宜昌乙测试材料有限公司",
        "申请人地址": "湖北省宜昌市西陵区东山大道1号",
    }
    return [
        row(1, 名称="一种三元正极材料的包覆改性方法", 摘要=BASE, **wuhan),
        row(2, 名称="一种三元正极材料的包覆改性方法", 摘要=edit(BASE, 40), **wuhan),
        row(3, 名称="一种三元正极材料包覆方法", 摘要=edit(BASE, 25), **wuhan),
        row(4, 名称="一种复合石墨负极材料的制备方法", 摘要=LOOKALIKE, **wuhan),
        row(5, 名称="一种锂电池隔膜及其制备方法", 摘要="本发明公开了一种聚乙烯隔膜。", **yichang),
        row(6, 名称="一种锂电池隔膜及其制备方法", 摘要="本发明公开了一种聚乙烯隔膜。", **yichang),
    ]


def import_rows(tmp_path: Path, rows: list[dict[str, str]], name: str = "corpus.csv") -> None:
    import_file(actor=None, path=write_csv(tmp_path / name, rows, CORPUS_HEADERS))


def pid(serial: int) -> int:
    """The id of the patent a ``row(serial)`` created."""
    return Patent.objects.get(application_number=row(serial)["申请号"]).pk


@pytest.fixture
def corpus(regions: None, tmp_path: Path) -> dict[int, int]:
    import_rows(tmp_path, corpus_rows())
    return {serial: pid(serial) for serial in range(1, 7)}


@pytest.fixture
def yichang_enforcer(cast: dict[str, User]) -> User:
    return make_user("yichang_enforcer", Role.ENFORCEMENT, "420500")


@pytest.fixture
def province_enforcer(cast: dict[str, User]) -> User:
    return make_user("province_enforcer", Role.ENFORCEMENT, "420000")


def login(client: Any, user: User) -> Any:
    client.force_login(user)
    return client
