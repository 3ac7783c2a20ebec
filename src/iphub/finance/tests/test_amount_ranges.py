"""Loans, funds and claims hold amounts the pages can show (issue 18, finding 3).

Checked before the fix: a loans import row with amount 1e30 was saved on
SQLite and then /finance/ answered 500 (``decimal.InvalidOperation`` reading it
back); on PostgreSQL the import itself answered 500 (numeric overflow); a fund
of 1e20 yuan the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core.errors import ApplicationError
from iphub.core.models import User
from iphub.finance.models import BankLoanReport, RiskCompensationFund
from iphub.finance.services import claim_create, fund_create, loans_import
from iphub.finance.tests.test_finance import _workbook

ROW = ["中国银行宜昌分行", "420500", "2026-05", "专利权质押", "磷化工"]


@pytest.mark.parametrize(
    ("loans", "amount", "says"),
    [
        (3, 1e30, "金额应为 0 到 99,999,999,999,999.99 元"),
        (3, "1e30", "金额应为 0 到 99,999,999,999,999.99 元"),
        (3, "NaN", "金额应为数字"),
        (3, "-5", "金额应为 0 到"),
        (3, "12.345", "金额最多保留两位小数"),
        (-1, 100, "笔数应为 0 到 1,000,000 笔的整数"),
        (1.5, 100, "笔数应为整数"),
        ("Infinity", 100, "笔数应为数字"),
    ],
)
def test_loan_import_refuses_numbers_out_of_range(
    client: Any, cast: dict[str, User], regions: None, loans: Any, amount: Any, says: str
) -> None:
    result = loans_import(actor=cast["yichang_supervisor"], fh=_workbook([[*ROW, loans, amount]]))
    assert result.saved == 0 and len(result.errors) == 1
    assert says in result.errors[0][1]
    result = loans_import(
        actor=cast["yichang_supervisor"], fh=_workbook([[*ROW, loans, amount]]), skip_bad=True
    )
    assert BankLoanReport.objects.count() == 0
    client.force_login(cast["supervisor"])
    assert client.get("/finance/").status_code == 200


@pytest.mark.parametrize("raw", ["1e20", "NaN", "-Infinity", "-1"])
def test_fund_and_claim_amounts_have_a_range(
    client: Any, cast: dict[str, User], regions: None, raw: str
) -> None:
    client.force_login(cast["yichang_supervisor"])
    body = {"region": "420500", "name": "宜昌风险补偿资金池", "established_on": "2026-01-01"}
    resp = client.post("/api/v1/finance/funds", {**body, "size": raw}, "application/json")
    assert resp.status_code in (400, 422)
    assert not RiskCompensationFund.objects.exists()
    with pytest.raises(ApplicationError) as exc:
        fund_create(actor=cast["yichang_supervisor"], data={**body, "size": raw})
    assert "资金规模应为" in exc.value.fields["size"]
    fund = fund_create(actor=cast["yichang_supervisor"], data={**body, "size": "5,000,000"})
    with pytest.raises(ApplicationError) as exc:
        claim_create(
            actor=cast["yichang_supervisor"],
            fund_id=fund.pk,
            data={
                "bank": "中国银行",
                "borrower": "某企业",
                "amount": raw,
                "claimed_on": "2026-05-01",
            },
        )
    assert "申请补偿金额应为" in exc.value.fields["amount"]
    assert client.get("/finance/").status_code == 200
