"""Indicators computed from the other modules' own records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from model_bakery import baker

from iphub.core.models import Organisation, Region, User
from iphub.core.selectors import prefecture_list
from iphub.supervision import indicators
from iphub.supervision.indicators import Indicator, Source, Unavailable, register
from iphub.supervision.tests.conftest import MAY, at, make_pledge


def _regions(*codes: str) -> list[Region]:
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def _values(key: str, user: User, *codes: str) -> dict[str, indicators.Value]:
    return indicators.compute(key, user=user, regions=_regions(*codes), month=MAY)


def test_pledge_count_and_amount_from_registered_pledges(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    clerk = cast["yichang_clerk"]
    make_pledge(orgs["yichang"], clerk, "420500", "3000000", at(dt.date(2026, 5, 6)))
    make_pledge(orgs["yichang"], clerk, "420502", "1500000", at(dt.date(2026, 5, 28)))
    make_pledge(orgs["yichang"], clerk, "420500", "9000000", at(dt.date(2026, 4, 28)))  # April
    make_pledge(
        orgs["wuhan_hongshan"], cast["wuhan_clerk"], "420100", "2000000", at(dt.date(2026, 5, 8))
    )
    count = _values("pledge_count", cast["supervisor"], "420100", "420500", "420000")
    assert count["420500"].value == 2 and count["420100"].value == 1 and count["420000"].value == 3
    assert count["420500"].source == Source.COMPUTED
    amount = _values("pledge_amount", cast["supervisor"], "420500")
    assert amount["420500"].value == Decimal("450.00")  # 万元
    # A city supervisor sees only their own city's records.
    own = _values("pledge_count", cast["yichang_supervisor"], "420100", "420500")
    assert own["420100"].value == 0 and own["420500"].value == 2
    table = indicators.records(
        "pledge_count", user=cast["supervisor"], region=_regions("420500")[0], month=MAY
    )
    assert table is not None and [r[5] for r in table.rows] == [
        Decimal("3000000.00"),
        Decimal("1500000.00"),
    ]


def test_on_time_rate_counts_late_decisions(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    clerk = cast["yichang_clerk"]
    for late in (False, False, False, True):
        make_pledge(orgs["yichang"], clerk, "420500", "100", at(dt.date(2026, 5, 12)), late=late)
    rate = _values("filing_on_time_rate", cast["supervisor"], "420500", "420100")
    assert rate["420500"].value == Decimal("75.0")
    # Nothing decided in Wuhan: 0/0 is no data, not 100 %.
    assert rate["420100"].value is None and rate["420100"].no_data
    assert rate["420100"].display == "无数据" and rate["420500"].display == "75.0"


def test_transfer_navigation_and_protection_figures(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    from iphub.navigation.models import IndustryChain, NavigationProject
    from iphub.protection.models import AssistanceRequest, Workstation
    from iphub.transfer.models import TechnologyNeed

    yichang = Region.objects.get(code="420500")
    xiling = Region.objects.get(code="420502")
    baker.make(TechnologyNeed, region=xiling, organisation=orgs["yichang"], _quantity=3)
    chains = baker.make(IndustryChain, _quantity=2)
    for chain, day in ((chains[0], 3), (chains[0], 9), (chains[1], 20)):
        baker.make(
            NavigationProject,
            region=yichang,
            client=orgs["yichang"],
            chain=chain,
            started_on=dt.date(2026, 5, day),
            project_type="industry",
        )
    baker.make(
        NavigationProject,
        region=yichang,
        client=orgs["yichang"],
        chain=chains[1],
        started_on=dt.date(2026, 6, 2),
        project_type="industry",
    )
    baker.make(
        Workstation,
        region=xiling,
        kind="park",
        active=True,
        established_on=dt.date(2025, 3, 1),
        _quantity=2,
    )
    baker.make(
        Workstation, region=xiling, kind="park", active=True, established_on=dt.date(2026, 6, 1)
    )
    baker.make(Workstation, region=xiling, kind="assistance_centre", active=True)
    req = baker.make(
        AssistanceRequest, region=xiling, organisation=orgs["yichang"], due_on=dt.date(2026, 6, 1)
    )
    AssistanceRequest.objects.filter(pk=req.pk).update(submitted_at=at(dt.date(2026, 5, 7)))
    sup = cast["supervisor"]
    assert _values("navigation_projects", sup, "420500")["420500"].value == 3
    assert _values("chains_covered", sup, "420500")["420500"].value == 2
    assert (
        _values("workstations", sup, "420500")["420500"].value == 2
    )  # June's not yet, centres not counted
    assert _values("assistance_cases", sup, "420500")["420500"].value == 1
    needs = _values("needs_posted", sup, "420500", "420100")
    # need created_at is "now": count them in the month they were posted
    month_now = dt.date.today().replace(day=1)
    posted = indicators.compute(
        "needs_posted", user=sup, regions=_regions("420500"), month=month_now
    )
    assert posted["420500"].value == 3 and needs["420100"].value == 0


def test_a_supervisor_gets_case_counts_but_not_the_case_files(cast: dict[str, User]) -> None:
    # protection.case_counts gives supervisors counts; the case files
    # (case_list) stay with enforcement staff, so there is no record list.
    v = _values("enforcement_cases", cast["supervisor"], "420500")["420500"]
    assert v.value == 0 and v.source == Source.COMPUTED
    yichang = _regions("420500")[0]
    assert (
        indicators.records("enforcement_cases", user=cast["supervisor"], region=yichang, month=MAY)
        is None
    )
    enforcer = _values("enforcement_cases", cast["wuhan_enforcer"], "420100")["420100"]
    assert enforcer.source == Source.COMPUTED and enforcer.value == 0
    # A role the module refuses gets a marked gap, not a zero that reads as "no cases".
    clerk = _values("enforcement_cases", cast["wuhan_clerk"], "420100")["420100"]
    assert clerk.value is None and clerk.source == Source.UNAVAILABLE and "无权" in clerk.note


def test_an_indicator_whose_data_is_missing_reports_not_available(
    regions: None, cast: dict[str, User]
) -> None:
    def compute(ctx: indicators.Ctx) -> dict[str, Decimal]:
        raise Unavailable("模块 not_an_app 尚未启用")

    register(Indicator("test_missing", "测试", "项", "not_an_app", Source.COMPUTED, compute))
    try:
        values = indicators.compute(
            "test_missing", user=cast["supervisor"], regions=list(prefecture_list()), month=MAY
        )
        assert len(values) == 17
        assert all(
            v.source == Source.UNAVAILABLE and v.value is None and "未启用" in v.note
            for v in values.values()
        )
    finally:
        indicators.REGISTRY.pop("test_missing")


@pytest.mark.usefixtures("plan")
def test_typed_figures_are_marked_reported(cast: dict[str, User]) -> None:
    from iphub.supervision.services.reports import report_open, report_update

    report = report_open(
        actor=cast["yichang_supervisor"], region=Region.objects.get(code="420500"), month=MAY
    )
    report_update(
        actor=cast["yichang_supervisor"],
        report_id=report.pk,
        data={"figures": {"training_sessions": "4"}},
    )
    values = _values("training_sessions", cast["supervisor"], "420500", "420100")
    assert values["420500"] == indicators.Value(Decimal("4.00"), Source.REPORTED)
    assert values["420100"].value is None and values["420100"].note == "未填报"


def test_high_value_patents_per_10000_people(cast: dict[str, User]) -> None:
    from iphub.patents.models import Patent

    for i in range(4):  # filed 2012, maintained > 10 years, in force
        Patent.objects.create(
            natural_key=f"hv{i}",
            title="发明",
            patent_type="invention",
            province_code="420000",
            city_code="420500",
            app_date=dt.date(2012, 3, 1),
            grant_date=dt.date(2014, 5, 1),
            legal_status="有权",
        )
    Patent.objects.create(
        natural_key="young",
        title="发明",
        patent_type="invention",
        province_code="420000",
        city_code="420500",
        app_date=dt.date(2022, 3, 1),
        grant_date=dt.date(2024, 5, 1),
        legal_status="有权",
    )
    Patent.objects.create(
        natural_key="dead",
        title="发明",
        patent_type="invention",
        province_code="420000",
        city_code="420500",
        app_date=dt.date(2012, 3, 1),
        grant_date=dt.date(2014, 5, 1),
        legal_status="未缴年费终止",
    )
    v = _values("high_value_per_10k", cast["supervisor"], "420500", "429021")
    # 4 high-value patents / 4,017,607 residents (7th census) × 10,000
    assert v["420500"].value == (Decimal(4) * 10000 / Decimal(4017607)).quantize(Decimal("0.01"))
    assert v["429021"].value == Decimal("0.00")
    assert indicators.population()["420000"] == 57752557
