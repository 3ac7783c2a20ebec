"""Each computed indicator against fixture records of the module it reads, and the
records behind the number: deals, needs, enforcement cases, chains, high-value
patents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from model_bakery import baker

from iphub.core.models import Organisation, Region, User
from iphub.supervision import indicators
from iphub.supervision.indicators import Source
from iphub.supervision.tests.conftest import MAY, at


def _regions(*codes: str) -> list[Region]:
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def _values(key: str, user: User, *codes: str) -> dict[str, indicators.Value]:
    return indicators.compute(key, user=user, regions=_regions(*codes), month=MAY)


@pytest.fixture
def deals(orgs: dict[str, Organisation]) -> None:
    from iphub.transfer.models import Deal

    seller, buyer = orgs["yichang"], orgs["wuhan_hongshan"]
    for region, day, amount in (
        ("420502", dt.date(2026, 5, 3), "1200000"),  # 西陵区, counts for 宜昌
        ("420500", dt.date(2026, 5, 28), "300000"),
        ("420500", dt.date(2026, 4, 30), "9000000"),  # April: not May's
        ("420111", dt.date(2026, 5, 9), "500000"),  # 洪山区, counts for 武汉
    ):
        baker.make(
            Deal,
            kind="transfer",
            seller=seller,
            buyer=buyer,
            region_id=region,
            signed_on=day,
            amount=Decimal(amount),
            filing_reference=f"ZR{day:%m%d}",
        )


@pytest.mark.usefixtures("deals")
def test_deals_and_their_amount_per_city_and_month(cast: dict[str, User]) -> None:
    n = _values("deals", cast["supervisor"], "420500", "420100", "420600", "420000")
    assert {k: v.value for k, v in n.items()} == {
        "420500": 2,
        "420100": 1,
        "420600": 0,
        "420000": 3,
    }
    assert n["420500"].source == Source.COMPUTED
    amount = _values("deal_amount", cast["supervisor"], "420500")
    assert amount["420500"].value == Decimal("150.00")  # 万元
    # The city's supervisor sees its own deals and none of Wuhan's.
    own = _values("deals", cast["yichang_supervisor"], "420500", "420100")
    assert own["420500"].value == 2 and own["420100"].value == 0


@pytest.mark.usefixtures("deals", "plan")
def test_deal_records_listed_from_transfers_deals(client: Any, cast: dict[str, User]) -> None:
    table = indicators.records(
        "deals", user=cast["supervisor"], region=_regions("420500")[0], month=MAY
    )
    assert table is not None
    assert [(r[3], r[5]) for r in table.rows] == [
        (Decimal("1200000.00"), dt.date(2026, 5, 3)),
        (Decimal("300000.00"), dt.date(2026, 5, 28)),
    ]
    client.force_login(cast["supervisor"])
    city = client.get("/supervision/city/420500/", {"month": "2026-05"}).content.decode()
    assert "/supervision/city/420500/deals/" in city
    page = client.get("/supervision/city/420500/deals/", {"month": "2026-05"}).content.decode()
    assert "ZR0503" in page and "ZR0528" in page and "ZR0430" not in page and "ZR0509" not in page


def test_needs_posted_in_the_month(cast: dict[str, User], orgs: dict[str, Organisation]) -> None:
    from iphub.transfer.models import TechnologyNeed

    xiling = Region.objects.get(code="420502")
    may = baker.make(TechnologyNeed, region=xiling, organisation=orgs["yichang"], _quantity=3)
    april = baker.make(TechnologyNeed, region=xiling, organisation=orgs["yichang"])
    TechnologyNeed.objects.filter(pk__in=[n.pk for n in may]).update(
        created_at=at(dt.date(2026, 5, 11))
    )
    TechnologyNeed.objects.filter(pk=april.pk).update(created_at=at(dt.date(2026, 4, 29)))
    v = _values("needs_posted", cast["supervisor"], "420500", "420100")
    assert v["420500"].value == 3 and v["420100"].value == 0
    table = indicators.records(
        "needs_posted", user=cast["supervisor"], region=_regions("420500")[0], month=MAY
    )
    assert table is not None and sorted(r[0] for r in table.rows) == sorted(n.pk for n in may)


def test_enforcement_cases_filed_in_the_month(
    client: Any, cast: dict[str, User], regions: None
) -> None:
    from iphub.protection.models import Case

    for number, region, filed in (
        ("鄂武知执〔2026〕1号", "420111", dt.date(2026, 5, 12)),
        ("鄂武知执〔2026〕2号", "420100", dt.date(2026, 5, 30)),
        ("鄂武知执〔2026〕0号", "420100", dt.date(2026, 4, 2)),
        ("鄂宜知执〔2026〕1号", "420500", dt.date(2026, 5, 12)),
        ("鄂武知执线索", "420100", None),  # a clue, not filed
    ):
        baker.make(
            Case,
            number=number,
            title="假冒专利",
            case_type="counterfeit_patent",
            region_id=region,
            filed_on=filed,
        )
    enforcer = cast["wuhan_enforcer"]
    v = _values("enforcement_cases", enforcer, "420100")
    assert v["420100"] == indicators.Value(Decimal(2), Source.COMPUTED)
    # Yichang's case lies outside the Wuhan officer's region: counted as nothing.
    assert _values("enforcement_cases", enforcer, "420500")["420500"].value == 0
    table = indicators.records(
        "enforcement_cases", user=enforcer, region=_regions("420100")[0], month=MAY
    )
    assert table is not None
    assert [r[0] for r in table.rows] == ["鄂武知执〔2026〕1号", "鄂武知执〔2026〕2号"]


def test_chains_covered_lists_the_chains(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    from iphub.navigation.models import IndustryChain, NavigationProject

    yichang, xiling = _regions("420500", "420502")
    phosphorus = baker.make(IndustryChain, name="磷化工")
    biomed = baker.make(IndustryChain, name="生物医药")
    later = baker.make(IndustryChain, name="新能源汽车")
    for chain, region, day in (
        (phosphorus, yichang, dt.date(2025, 11, 3)),  # earlier projects count: cumulative
        (phosphorus, xiling, dt.date(2026, 5, 9)),
        (biomed, xiling, dt.date(2026, 5, 20)),
        (later, yichang, dt.date(2026, 6, 2)),  # after May
    ):
        baker.make(
            NavigationProject,
            region=region,
            client=orgs["yichang"],
            chain=chain,
            started_on=day,
            project_type="industry",
        )
    assert _values("chains_covered", cast["supervisor"], "420500")["420500"].value == 2
    table = indicators.records("chains_covered", user=cast["supervisor"], region=yichang, month=MAY)
    assert table is not None
    assert [r[:3] for r in table.rows] == [
        ["磷化工", 2, dt.date(2025, 11, 3)],
        ["生物医药", 1, dt.date(2026, 5, 20)],
    ]
    assert table.rows[0][3] == "宜昌市、西陵区"


@pytest.mark.usefixtures("plan")
def test_high_value_figure_lists_its_patents(client: Any, cast: dict[str, User]) -> None:
    from iphub.patents.models import Patent

    def invention(key: str, city: str, filed: int, status: str = "有权") -> None:
        Patent.objects.create(
            natural_key=key,
            application_number=key,
            title=f"发明{key}",
            applicants=["宜昌测试化工有限公司"],
            patent_type="invention",
            province_code="420000",
            city_code=city,
            app_date=dt.date(filed, 3, 1),
            grant_date=dt.date(filed + 2, 5, 1),
            legal_status=status,
        )

    invention("CN201210000001", "420500", 2012)  # maintained over 10 years
    invention("CN201210000002", "420500", 2012)
    invention("CN202210000003", "420500", 2022)  # young, no other criterion
    invention("CN201210000004", "420500", 2012, "未缴年费终止")  # lapsed
    invention("CN201210000005", "420100", 2012)  # Wuhan's
    client.force_login(cast["supervisor"])
    city = client.get("/supervision/city/420500/", {"month": "2026-05"}).content.decode()
    assert "/supervision/city/420500/high_value_per_10k/" in city
    page = client.get(
        "/supervision/city/420500/high_value_per_10k/", {"month": "2026-05"}
    ).content.decode()
    assert "CN201210000001" in page and "CN201210000002" in page and "维持年限超过10年" in page
    for absent in ("CN202210000003", "CN201210000004", "CN201210000005"):
        assert absent not in page
