"""A flagged group lands in the region of its applicants, read from what the
records carry when they have no address: the registered organisation, or the
division the applicant's name shows; applicants outside Hubei or unknown go to
the province."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.conftest import make_org
from iphub.core.models import User
from iphub.protection.models import FlaggedGroup, GroupKind
from iphub.protection.services.group_regions import patent_places
from iphub.protection.services.screening import screening_run_create, screening_run_execute
from iphub.protection.tests.conftest import BASE, LOOKALIKE, edit, import_rows, login, pid, row

pytestmark = pytest.mark.django_db


def _copies(first: int, applicant: str, text: str = BASE) -> list[dict[str, str]]:
    """Three near-identical records of one applicant, with no address."""
    base = {"申请人": applicant, "申请人地址": ""}
    return [
        row(first, 名称="一种电池材料的制备方法", 摘要=text, **base),
        row(first + 1, 名称="一种电池材料的制备方法", 摘要=edit(text, 40), **base),
        row(first + 2, 名称="一种电池材料制备方法", 摘要=edit(text, 25), **base),
    ]


def _group_of(serial: int) -> FlaggedGroup:
    return FlaggedGroup.objects.get(kind=GroupKind.NEAR_DUPLICATE, members__patent_id=pid(serial))


def test_a_group_of_wuhan_applicants_is_wuhans_not_yichangs(
    regions: None,
    cast: dict[str, User],
    yichang_enforcer: User,
    tmp_path: Path,
    client: Any,
) -> None:
    import_rows(tmp_path, _copies(1, "武汉甲测试电池有限公司"))
    screening_execute(cast["wuhan_enforcer"])
    group = _group_of(1)
    assert group.region.code == "420100"
    assert group.evidence["places"] == {"武汉市": 3}
    page = login(client, cast["wuhan_enforcer"]).get("/protection/screening/").content.decode()
    assert group.summary[:20] in page and "武汉市" in page
    detail = client.get(f"/protection/screening/{group.pk}/").content.decode()
    assert "申请人所在地：武汉市 3 件" in detail
    page = login(client, yichang_enforcer).get("/protection/screening/").content.decode()
    assert group.summary[:20] not in page
    assert client.get(f"/protection/screening/{group.pk}/").status_code == 404


def test_a_registered_organisation_places_its_records_without_an_address(
    regions: None, cast: dict[str, User], tmp_path: Path
) -> None:
    make_org("光谷测试芯片有限公司", "420111", 7)
    import_rows(tmp_path, _copies(1, "光谷测试芯片有限公司"))
    screening_execute(cast["wuhan_enforcer"])
    assert _group_of(1).region.code == "420111"


def test_groups_of_applicants_outside_hubei_or_unknown_go_to_the_province(
    regions: None, cast: dict[str, User], tmp_path: Path
) -> None:
    import_rows(
        tmp_path, _copies(1, "三星电子株式会社") + _copies(4, "广东测试电子有限公司", LOOKALIKE)
    )
    screening_execute(cast["wuhan_enforcer"])
    foreign, guangdong = _group_of(1), _group_of(4)
    assert foreign.region.code == "420000" and foreign.evidence["places"] == {"不详": 3}
    assert guangdong.region.code == "420000" and guangdong.evidence["places"] == {"省外": 3}


def test_a_short_county_name_inside_a_word_places_nobody(regions: None, tmp_path: Path) -> None:
    # 公安县 (Jingzhou) and 东方市 are also the words 公安 and 东方: a name must show
    # a county in full; 湖北 written at the start places a record in the province.
    import_rows(
        tmp_path,
        [
            row(1, 申请人="公安部第三研究所", 申请人地址=""),
            row(2, 申请人="湖北测试材料有限公司", 申请人地址=""),
            row(3, 申请人="公安县测试农机有限公司", 申请人地址=""),
            row(4, 申请人="稳健测试医疗(宜昌)有限公司", 申请人地址=""),
        ],
    )
    places = patent_places([pid(1), pid(2), pid(3), pid(4)])
    assert pid(1) not in places
    assert places[pid(2)].region_code == "420000"
    assert places[pid(3)].region_code.startswith("4210")  # 公安县, 荆州市
    assert places[pid(4)].region_code == "420500"


def screening_execute(actor: User) -> None:
    screening_run_execute(screening_run_create(actor=actor).pk)
