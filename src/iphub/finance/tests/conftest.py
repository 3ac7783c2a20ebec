"""Fixtures for financing: two banks with a user each (a second user of bank A
for races), products, and the filings fixtures' patents of the cast's Wuhan
enterprise (洪山测试科技有限公司)."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.conftest import make_org, make_user
from iphub.core.models import Role, User
from iphub.filings.tests.conftest import MONDAY_10, NUMBERS, own_dirs, patents  # noqa: F401
from iphub.finance.models import FinancingRequest, LoanProduct
from iphub.finance.services import products, requests

BANK_A = "测试银行武汉分行"
BANK_B = "测试农商银行洪山支行"

PRODUCT = {
    "name": "知识产权质押贷",
    "rate_min": "3.45",
    "rate_max": "4.80",
    "amount_min": "1000000",
    "amount_max": "10000000",
    "term_min_months": "6",
    "term_max_months": "36",
    "collateral": ["invention", "utility", "trademark"],
    "regions": ["420100"],
    "materials": "营业执照；专利证书；近两年财务报表",
}


@pytest.fixture
def banks(orgs: Any) -> dict[str, Any]:
    a = make_org(BANK_A, "420102", 21, kind="bank")
    b = make_org(BANK_B, "420111", 22, kind="bank")
    return {
        "a": a,
        "b": b,
        "a_user": make_user("bank_a_user", Role.ENTERPRISE, organisation=a),
        "a_user2": make_user("bank_a_user2", Role.ENTERPRISE, organisation=a),
        "b_user": make_user("bank_b_user", Role.ENTERPRISE, organisation=b),
    }


@pytest.fixture
def offers(banks: dict[str, Any]) -> dict[str, LoanProduct]:
    """Bank A serves Wuhan, inventions/utility/marks, 1-10 M; bank B the whole
    province, inventions only, 0.5-3 M, 12-24 months."""
    a = products.product_create(actor=banks["a_user"], data=PRODUCT)
    b = products.product_create(
        actor=banks["b_user"],
        data=PRODUCT
        | {
            "name": "专利快贷",
            "rate_min": "3.90",
            "amount_min": "500000",
            "amount_max": "3000000",
            "term_min_months": "12",
            "term_max_months": "24",
            "collateral": ["invention"],
            "regions": [],
        },
    )
    return {"a": a, "b": b}


def ask(
    enterprise: User, numbers: list[str], *, now: Any = MONDAY_10, **over: Any
) -> FinancingRequest:
    data: dict[str, Any] = {
        "amount": "2000000",
        "term_months": "12",
        "purpose": "流动资金",
        "patents": numbers,
    }
    data.update(over)
    return requests.request_create(actor=enterprise, data=data, now=now)


@pytest.fixture
def asked(
    cast: dict[str, User],
    banks: dict[str, Any],
    offers: Any,
    patents: dict[str, str],  # noqa: F811 - the filings fixture, imported above
) -> FinancingRequest:
    """A request for 2 M over 12 months on two inventions, sent to both banks."""
    return ask(
        cast["enterprise"],
        [NUMBERS["granted"], NUMBERS["second"]],
        banks=[banks["a"].pk, banks["b"].pk],
    )
