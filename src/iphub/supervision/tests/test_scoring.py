"""The score breakdown against a hand-computed example."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation, Region, User
from iphub.supervision.models import ScoringScheme
from iphub.supervision.scoring import monthly_scores, scheme_validate, yearly_scores
from iphub.supervision.services.reports import report_open, report_transition, report_update
from iphub.supervision.tests.conftest import MAY, at, make_pledge

CONFIG = {
    "indicators": [
        {"key": "pledge_amount", "weight": 60, "target": 100},
        {"key": "pledge_count", "weight": 40, "target": 4},
        {"key": "enforcement_cases", "weight": 100, "target": 1},
    ],
    "region_targets": {"420100": {"pledge_count": 1}},
    "typical_case_bonus": 1,
    "typical_case_bonus_max": 3,
    "late_penalty": 5,
    "missing_penalty": 10,
}


@pytest.fixture
def scheme(regions: None) -> ScoringScheme:
    return ScoringScheme.objects.create(name="测试方案", year=2026, config=scheme_validate(CONFIG))


@pytest.mark.usefixtures("plan")
def test_monthly_score_breakdown(
    cast: dict[str, User], orgs: dict[str, Organisation], scheme: ScoringScheme
) -> None:
    clerk = cast["yichang_clerk"]
    make_pledge(orgs["yichang"], clerk, "420500", "300000", at(dt.date(2026, 5, 6)))
    make_pledge(orgs["yichang"], clerk, "420500", "200000", at(dt.date(2026, 5, 7)))
    make_pledge(
        orgs["wuhan_hongshan"], cast["wuhan_clerk"], "420100", "2000000", at(dt.date(2026, 5, 8))
    )
    from model_bakery import baker

    from iphub.protection.models import Case

    baker.make(Case, number="鄂宜知执〔2026〕1号", region_id="420502", filed_on=dt.date(2026, 5, 9))
    city = cast["yichang_supervisor"]
    report = report_open(actor=city, region=Region.objects.get(code="420500"), month=MAY)
    report_update(
        actor=city, report_id=report.pk, data={"work": {"八": "质押"}, "typical_case_count": 2}
    )
    report_transition(
        actor=city, report_id=report.pk, action="submit", now=at(dt.date(2026, 5, 22))
    )

    scores = monthly_scores(
        user=cast["supervisor"],
        regions=list(Region.objects.filter(code__in=["420100", "420500", "420600"])),
        month=MAY,
        scheme=scheme,
        today=dt.date(2026, 6, 1),
    )
    by = {s.region.code: s for s in scores}
    yc = by["420500"]
    # 宜昌: 50 万元 of 100 → 0.5 × 60 = 30; 2 of 4 pledges → 0.5 × 40 = 20;
    # 1 case of 1 → 100; base = 100 × 150 / 200 = 75; bonus 2 × 1 = 2; late −5 → 72.
    parts = {p.key: p.points for p in yc.parts}
    assert parts == {
        "pledge_amount": Decimal(30),
        "pledge_count": Decimal(20),
        "enforcement_cases": Decimal(100),
    }
    assert (yc.base, yc.bonus, yc.penalty, yc.total) == (
        Decimal("75.00"),
        Decimal(2),
        Decimal(5),
        Decimal("72.00"),
    )
    # 武汉: 200 万元 of 100 → capped 60; 1 pledge of its own target 1 → 40; no case → 0;
    # base = 100 × 100 / 200 = 50; no report after the 20th → −10 → 40.
    wh = by["420100"]
    assert (wh.base, wh.penalty, wh.missing, wh.total) == (
        Decimal("50.00"),
        Decimal(10),
        True,
        Decimal("40.00"),
    )
    # 襄阳: nothing → 0 − 10.
    assert by["420600"].total == Decimal("-10.00")
    assert [s.region.code for s in scores] == ["420500", "420100", "420600"]


@pytest.mark.usefixtures("plan")
def test_an_indicator_without_a_source_is_left_out_not_scored_zero(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    from iphub.supervision import indicators
    from iphub.supervision.indicators import Indicator, Source, Unavailable

    def gap(ctx: indicators.Ctx) -> dict[str, Decimal]:
        raise Unavailable("模块 test 尚未启用")

    indicators.register(Indicator("test_gap", "测试", "项", "test", Source.COMPUTED, gap))
    try:
        config = {
            "indicators": [
                {"key": "pledge_count", "weight": 40, "target": 4},
                {"key": "test_gap", "weight": 60, "target": 1},
            ]
        }
        scheme = ScoringScheme.objects.create(
            name="缺口", year=2026, config=scheme_validate(config)
        )
        make_pledge(orgs["yichang"], cast["yichang_clerk"], "420500", "1", at(dt.date(2026, 5, 6)))
        [s] = monthly_scores(
            user=cast["supervisor"],
            regions=[Region.objects.get(code="420500")],
            month=MAY,
            scheme=scheme,
            today=dt.date(2026, 5, 1),
        )
    finally:
        indicators.REGISTRY.pop("test_gap")
    # 1 of 4 pledges → 10 of 40 points; the gap's 60 are left out: 100 × 10 / 40 = 25.
    assert [p.points for p in s.parts] == [Decimal(10), None]
    assert s.base == Decimal("25.00") and s.total == Decimal("25.00")


@pytest.mark.usefixtures("plan")
def test_yearly_score_is_the_mean_of_the_months(
    cast: dict[str, User], orgs: dict[str, Organisation], scheme: ScoringScheme
) -> None:
    make_pledge(
        orgs["wuhan_hongshan"], cast["wuhan_clerk"], "420100", "2000000", at(dt.date(2026, 2, 8))
    )
    rows = yearly_scores(
        user=cast["supervisor"],
        regions=[Region.objects.get(code="420100")],
        year=2026,
        until=dt.date(2026, 3, 1),
        today=dt.date(2026, 6, 1),
    )
    # Jan: 0 − 10; Feb: 100 × (60 + 40 + 0) / 200 − 10 = 40; Mar: 0 − 10 → mean 6.67
    assert rows[0].months[:3] == [Decimal("-10.00"), Decimal("40.00"), Decimal("-10.00")]
    assert rows[0].total == Decimal("6.67")


def test_a_bad_scheme_is_refused(regions: None) -> None:
    with pytest.raises(ApplicationError) as exc:
        scheme_validate(
            {
                "indicators": [
                    {"key": "nope", "weight": 1, "target": 1},
                    {"key": "deals", "weight": -1, "target": 1},
                ]
            }
        )
    assert set(exc.value.fields) == {"indicators.0.key", "indicators.1.weight"}


@pytest.mark.usefixtures("plan")
def test_a_rate_over_zero_cases_is_no_data_and_scores_zero(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    config = {
        "indicators": [
            {"key": "filing_on_time_rate", "weight": 15, "target": 100},
            {"key": "pledge_count", "weight": 10, "target": 1},
        ]
    }
    scheme = ScoringScheme.objects.create(name="按时率", year=2026, config=scheme_validate(config))
    make_pledge(orgs["yichang"], cast["yichang_clerk"], "420500", "1", at(dt.date(2026, 5, 6)))
    scores = monthly_scores(
        user=cast["supervisor"],
        regions=list(Region.objects.filter(code__in=["420100", "420500"])),
        month=MAY,
        scheme=scheme,
        today=dt.date(2026, 5, 10),
    )
    by = {s.region.code: s for s in scores}
    # 宜昌 decided one filing on time: 100 % → 15, 1 pledge → 10; base 100.
    assert [p.points for p in by["420500"].parts] == [Decimal(15), Decimal(10)]
    assert by["420500"].base == Decimal("100.00")
    # 武汉 decided nothing: the rate is 无数据 and earns 0 of its 15 (it used to
    # score 15 on a "100 %" of nothing); no pledge → 0. Base 0, not 60.
    rate, count = by["420100"].parts
    assert rate.value is None and rate.no_data and rate.value_text == "无数据"
    assert rate.points == Decimal(0) and count.points == Decimal(0)
    assert by["420100"].base == Decimal("0.00")


def test_a_deduction_of_nothing_shows_as_0_not_minus_0(regions: None) -> None:
    from iphub.supervision.scoring import Score

    region = Region.objects.get(code="420100")
    assert Score(region=region, month=MAY).deduction == "0"
    assert Score(region=region, month=MAY, penalty=Decimal("5.00")).deduction == "-5"
    assert Score(region=region, month=MAY, penalty=Decimal(10)).deduction == "-10"


@pytest.mark.usefixtures("plan")
def test_city_page_shows_no_data_and_no_minus_zero(client: Any, cast: dict[str, User]) -> None:
    from iphub.supervision import deadlines
    from iphub.supervision.selectors import today_local

    # The current month: nothing decided yet, and the report not yet due (no deduction).
    month = deadlines.month_start(today_local())
    client.force_login(cast["supervisor"])
    html = client.get("/supervision/city/420100/", {"month": f"{month:%Y-%m}"}).content.decode()
    assert 'data-testid="value-filing_on_time_rate">无数据<' in html
    assert 'data-testid="actual-filing_on_time_rate">无数据<' in html
    assert 'data-testid="points-filing_on_time_rate">0<' in html
    assert 'data-testid="deduction">0<' in html and ">-0<" not in html
    ranking = client.get("/supervision/scores/", {"month": f"{month:%Y-%m}"}).content.decode()
    assert "无数据" in ranking and ">-0<" not in ranking
