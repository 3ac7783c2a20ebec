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
