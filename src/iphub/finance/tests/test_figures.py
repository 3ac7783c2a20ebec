"""Every finance figure against an independent count: the pages' numbers are
recomputed here straight from the rows the test made, and the Excel exports
carry the same numbers."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.core.models import User
from iphub.filings import services as filing_services
from iphub.filings.tests.conftest import MONDAY_10, NUMBERS, file_pledge
from iphub.finance.models import AnswerState, BankAnswer, FinancingRequest, InsurancePolicy
from iphub.finance.selectors import figures
from iphub.finance.services import answers, fund_create, insurance, sharing
from iphub.finance.tests.conftest import BANK_A, BANK_B, ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    cast: dict[str, User], banks: dict[str, Any], offers: Any, patents: Any
) -> dict[str, Any]:
    """Three requests of the Wuhan enterprise: one loaned through bank A, one
    declined by both, one still open (bank B accepted it for review); two
    policies with a paid claim; a fund with two defaults."""
    ent, a_user, b_user = cast["enterprise"], banks["a_user"], banks["b_user"]
    both = [banks["a"].pk, banks["b"].pk]
    loaned = ask(ent, [NUMBERS["granted"]], banks=both)
    declined = ask(ent, [NUMBERS["second"]], banks=both, amount="3000000")
    open_ = ask(ent, [NUMBERS["utility"]], banks=[banks["b"].pk], amount="1000000")

    def act(user: User, r: FinancingRequest, bank: Any, name: str, **data: Any) -> None:
        a = r.answers.get(bank=bank)
        answers.answer_step(actor=user, answer_id=a.pk, name=name, data=data, now=MONDAY_10)

    act(a_user, loaned, banks["a"], "accept")
    act(a_user, loaned, banks["a"], "approve", amount="1500000", rate="3.6", term_months="12")
    act(a_user, declined, banks["a"], "decline", reason="credit")
    act(b_user, declined, banks["b"], "decline", reason="value_low")
    act(b_user, open_, banks["b"], "accept")
    origin = answers.pledge_origin(loaned.answers.get(bank=banks["a"]))
    f = file_pledge(
        ent, NUMBERS["granted"], pledgee=BANK_A, debt_amount="1500000.00", origin=origin
    )
    filing_services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    filing_services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)

    p1 = insurance.policy_create(
        actor=ent,
        data={
            "kind": "enforcement",
            "number": "P-1",
            "insurer_name": "测试保险",
            "patents": [NUMBERS["granted"]],
            "premium": "20000",
            "sum_insured": "500000",
            "subsidy_claimed": "5000",
            "starts_on": "2026-01-10",
            "ends_on": "2026-12-31",
        },
    )
    insurance.policy_create(
        actor=ent,
        data={
            "kind": "overseas",
            "number": "P-2",
            "insurer_name": "测试保险",
            "premium": "8000.50",
            "sum_insured": "300000",
            "starts_on": "2026-03-01",
            "ends_on": "2027-02-28",
        },
    )
    from iphub.conftest import make_user
    from iphub.core.models import Role
    from iphub.protection.services.enforcement import case_create

    case = case_create(
        actor=make_user("enf", Role.ENFORCEMENT, "420100"),
        title="侵权",
        case_type="patent_dispute",
        region_code="420100",
        parties=[{"role": "right_holder", "name": "洪山测试科技有限公司"}],
    )
    c = insurance.claim_file(
        actor=ent,
        policy_id=p1.pk,
        data={"case_number": case.number, "amount_claimed": "90000", "filed_on": "2026-05-01"},
    )
    insurance.claim_settle(actor=ent, claim_id=c.pk, outcome="paid", amount_paid="80000.25")

    fund = fund_create(
        actor=cast["supervisor"],
        data={"region": "420100", "name": "池", "size": "5000000", "established_on": "2025-01-01"},
    )
    sharing.fund_shares_set(
        actor=cast["supervisor"],
        fund_id=fund.pk,
        data={
            "government_share": "50",
            "bank_share": "20",
            "insurer_share": "20",
            "guarantor_share": "10",
        },
    )
    for bank, region, loss in (
        (banks["a"], "420111", "100000.01"),
        (banks["b"], "420102", "33333.33"),
    ):
        sharing.default_record(
            actor=cast["supervisor"],
            fund_id=fund.pk,
            data={
                "bank": str(bank.pk),
                "borrower": "某企业",
                "region": region,
                "loan_amount": "500000",
                "loss": loss,
                "defaulted_on": "2026-04-01",
            },
        )
    return {"loaned": loaned, "declined": declined, "open": open_, "fund": fund}


def test_conversion_against_a_count_of_the_rows(
    cast: dict[str, User], world: dict[str, Any]
) -> None:
    conv = figures.conversion(user=cast["supervisor"])
    requests = FinancingRequest.objects.all()
    slots = BankAnswer.objects.all()
    answered_states = [s for s in AnswerState.values if s not in ("waiting", "withdrawn", "closed")]
    expected_total = [
        "合计",
        requests.count(),
        requests.filter(answers__state__in=answered_states).distinct().count(),
        requests.filter(answers__state__in=["approved", "loaned"]).distinct().count(),
        requests.filter(state="loaned").count(),
        Decimal("33.3"),
        sum((r.amount for r in requests), Decimal(0)),
        sum((r.loan_amount or 0 for r in requests), Decimal(0)),
    ]
    assert conv.total.cells() == expected_total
    assert expected_total[1:5] == [3, 3, 1, 1]
    assert [r.label for r in conv.by_city] == ["武汉市"]
    banks = {r.label: r.cells()[1:5] for r in conv.by_bank}
    assert banks == {
        BANK_A: [slots.filter(bank__name=BANK_A).count(), 2, 1, 1],
        BANK_B: [slots.filter(bank__name=BANK_B).count(), 2, 0, 0],
    }
    # Yichang staff count nothing of Wuhan's.
    assert figures.conversion(user=cast["yichang_supervisor"]).total.requests == 0


def test_insurance_cover_by_type_city_and_month(
    cast: dict[str, User], world: dict[str, Any]
) -> None:
    cover = figures.insurance_cover(user=cast["wuhan_clerk"])
    policies = InsurancePolicy.objects.all()
    assert cover.total.cells() == [
        "合计",
        policies.count(),
        sum(p.premium for p in policies),
        sum(p.sum_insured for p in policies),
        sum(p.subsidy_claimed for p in policies),
        1,
        Decimal("80000.25"),
    ]
    assert {r.label: r.policies for r in cover.by_kind} == {
        "专利执行保险": 1,
        "海外知识产权保险": 1,
    }
    assert [(r.label, r.premium) for r in cover.by_month] == [
        ("2026-01", Decimal("20000.00")),
        ("2026-03", Decimal("8000.50")),
    ]
    assert [(r.label, r.policies) for r in cover.by_city] == [("武汉市", 2)]


def test_fund_exposure_by_bank_and_city(cast: dict[str, User], world: dict[str, Any]) -> None:
    exp = figures.fund_exposure(user=cast["supervisor"])
    assert exp.total.loss == Decimal("133333.34")
    assert (
        exp.total.government + exp.total.bank + exp.total.insurer + exp.total.guarantor
        == Decimal("133333.34")
    )
    by_bank = {r.label: (r.defaults, r.loss, r.government) for r in exp.by_bank}
    assert by_bank == {
        BANK_A: (1, Decimal("100000.01"), Decimal("50000.01")),
        BANK_B: (1, Decimal("33333.33"), Decimal("16666.66")),
    }
    assert [(r.label, r.defaults) for r in exp.by_city] == [("武汉市", 2)]
    [(fund, balance)] = exp.funds
    assert fund == world["fund"]
    assert balance == Decimal("5000000") - Decimal("50000.01") - Decimal("16666.66")


def test_the_pledge_of_the_loan_counts_in_the_pledge_figures_and_exports(
    client: Any, cast: dict[str, User], world: dict[str, Any]
) -> None:
    client.force_login(cast["supervisor"])
    page = client.get("/finance/figures/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "融资需求 3 件，已放款 1 件" in html and "33.3%" in html
    resp = client.get("/finance/figures/?export=conversion-bank")
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_row=3)]
    assert [r[:5] for r in rows] == [[BANK_B, 3, 2, 0, 0], [BANK_A, 2, 2, 1, 1]]
    resp = client.get("/finance/figures/?export=pledge-bank")
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    assert [c.value for c in ws[2]][:3] == [BANK_A, 1, 1500000]


def test_supervision_indicators_against_an_independent_count(
    client: Any, cast: dict[str, User], world: dict[str, Any]
) -> None:
    """finance's indicators in supervision's registry, per month and city, each
    against a plain count of the rows; a city's staff count only their city."""
    import datetime as dt

    from iphub.core.models import Region
    from iphub.finance.models import LoanDefault
    from iphub.supervision import indicators as sup

    wuhan, yichang, province = (Region.objects.get(code=c) for c in ("420100", "420500", "420000"))
    regions = [wuhan, yichang, province]

    def values(key: str, month: dt.date, user: User = cast["supervisor"]) -> dict[str, Any]:
        got = sup.compute(key, user=user, regions=regions, month=month)
        return {code: (None if v.no_data else v.value) for code, v in got.items()}

    march, april = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    # Requests: all three were made on 2 March in Hongshan (Wuhan); one became a loan.
    made = [r for r in FinancingRequest.objects.all() if r.created_at.date() >= march]
    assert len(made) == 3
    loaned = sum(1 for r in made if r.state == "loaned")
    assert loaned == 1
    assert values("financing_requests", march) == {
        "420100": Decimal(3),
        "420500": Decimal(0),
        "420000": Decimal(3),
    }
    rate = values("financing_conversion", march)
    assert rate["420500"] is None  # no request: 无数据, not 0 %
    expected = (Decimal(100) * loaned / len(made)).quantize(Decimal("0.1"))
    assert rate["420100"] == rate["420000"] == expected == Decimal("33.3")
    assert values("financing_requests", april)["420100"] == 0
    # Insurance: P-2 (300,000) starts in March, P-1 (500,000) in January.
    in_march = InsurancePolicy.objects.filter(starts_on__year=2026, starts_on__month=3)
    assert [p.number for p in in_march] == ["P-2"]
    assert values("insurance_policies", march)["420100"] == in_march.count() == 1
    assert values("insurance_sum_insured", march)["420100"] == Decimal("30")  # 万元
    assert values("insurance_sum_insured", dt.date(2026, 1, 1))["420000"] == Decimal("50")
    # Exposure: the fund's part of April's two defaults, by the borrowers' region.
    parts = [d.government_part for d in LoanDefault.objects.all()]
    assert sum(parts) == Decimal("66666.67")  # 50 % of 133,333.34, to the fen
    exposure = values("fund_exposure", april)
    in_wan = (sum(parts, Decimal(0)) / Decimal(10000)).quantize(Decimal("0.01"))
    assert exposure["420100"] == exposure["420000"] == in_wan == Decimal("6.67")
    assert exposure["420500"] == 0
    assert values("fund_exposure", march)["420100"] == 0
    # Scope: Yichang's staff see none of Wuhan's.
    yc = cast["yichang_supervisor"]
    assert values("financing_requests", march, yc)["420100"] == 0
    assert values("insurance_policies", march, yc)["420100"] == 0
    assert values("fund_exposure", april, yc)["420100"] == 0
    # Supervision's city page lists them, by name; their records open.
    client.force_login(cast["supervisor"])
    page = client.get("/supervision/city/420100/?month=2026-03").content.decode()
    for name in ("融资需求放款转化率", "知识产权保险保险金额", "风险补偿资金承担的违约损失"):
        assert name in page
    rec = client.get("/supervision/city/420100/financing_conversion/?month=2026-03")
    assert rec.status_code == 200 and world["loaned"].reference in rec.content.decode()
