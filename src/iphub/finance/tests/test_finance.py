"""Pledge-financing totals from registered pledges; funds with claims; bank loan import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from iphub.core.errors import AccessDenied
from iphub.core.models import Organisation, User
from iphub.finance.models import BankLoanReport
from iphub.finance.selectors import fund_list, pledge_totals
from iphub.finance.services import LOAN_HEADERS, claim_create, fund_create, loans_import
from iphub.supervision.tests.conftest import at, make_pledge


def test_pledge_totals_by_bank_region_month_and_industry(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    make_pledge(
        orgs["yichang"],
        cast["yichang_clerk"],
        "420500",
        "3000000",
        at(dt.date(2026, 4, 6)),
        pledgee="中国银行",
        ipc="G06F16/00",
    )
    make_pledge(
        orgs["yichang"],
        cast["yichang_clerk"],
        "420500",
        "1000000",
        at(dt.date(2026, 5, 6)),
        pledgee="招商银行",
        ipc="C01B25/00",
    )
    make_pledge(
        orgs["wuhan_hongshan"],
        cast["wuhan_clerk"],
        "420100",
        "2000000",
        at(dt.date(2026, 5, 9)),
        pledgee="中国银行",
    )
    t = pledge_totals(user=cast["supervisor"])
    assert t.available
    assert t.by_bank == [
        ("中国银行", 2, Decimal("5000000.00")),
        ("招商银行", 1, Decimal("1000000.00")),
    ]
    assert t.by_region == [
        ("宜昌市", 2, Decimal("4000000.00")),
        ("武汉市", 1, Decimal("2000000.00")),
    ]
    assert t.by_month == [
        ("2026-04", 1, Decimal("3000000.00")),
        ("2026-05", 2, Decimal("3000000.00")),
    ]
    industries = {label for label, _, _ in t.by_industry}
    assert "新一代信息技术" in industries and "未分类" in industries
    own = pledge_totals(user=cast["yichang_supervisor"])
    assert [r[0] for r in own.by_region] == ["宜昌市"]
    with pytest.raises(AccessDenied):
        pledge_totals(user=cast["enterprise"])


def test_funds_with_their_claims_and_region_guard(cast: dict[str, User], regions: None) -> None:
    fund = fund_create(
        actor=cast["yichang_supervisor"],
        data={
            "region": "420500",
            "name": "宜昌市知识产权质押融资风险补偿资金池",
            "size": "20000000",
            "established_on": "2022-06-01",
        },
    )
    claim_create(
        actor=cast["yichang_supervisor"],
        fund_id=fund.pk,
        data={
            "bank": "中国银行",
            "borrower": "某企业",
            "amount": "300000",
            "claimed_on": "2026-05-03",
            "status": "paid",
        },
    )
    claim_create(
        actor=cast["supervisor"],
        fund_id=fund.pk,
        data={
            "bank": "招商银行",
            "borrower": "另一企业",
            "amount": "200000",
            "claimed_on": "2026-05-09",
        },
    )
    with pytest.raises(AccessDenied):
        fund_create(
            actor=cast["yichang_supervisor"],
            data={"region": "420100", "name": "武汉", "size": "1", "established_on": "2022-01-01"},
        )
    [row] = list(fund_list(user=cast["supervisor"]))
    assert (getattr(row, "claims_count", None), getattr(row, "claims_amount", None)) == (
        2,
        Decimal("500000.00"),
    )
    assert list(fund_list(user=cast["wuhan_clerk"])) == []
    from iphub.core.models import Region
    from iphub.supervision import indicators

    v = indicators.compute(
        "risk_fund_size",
        user=cast["supervisor"],
        regions=[Region.objects.get(code="420500")],
        month=dt.date(2026, 5, 1),
    )
    assert v["420500"].value == Decimal("2000.00")  # 万元


def _workbook(rows: list[list[Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(LOAN_HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_bank_loan_import_all_or_nothing_then_skip_bad(
    cast: dict[str, User], regions: None
) -> None:
    rows = [
        ["中国银行宜昌分行", "420500", "2026-05", "专利权质押", "磷化工", 3, 5000000],
        ["中国银行宜昌分行", "420500", "2026-05", "股权质押", "磷化工", 1, 100],  # bad kind
        [
            "招商银行武汉分行",
            "420100",
            "2026-05",
            "专利权质押",
            "光电子",
            2,
            800000,
        ],  # outside Yichang
    ]
    result = loans_import(actor=cast["yichang_supervisor"], fh=_workbook(rows))
    assert result.saved == 0 and [r for r, _ in result.errors] == [3, 4]
    assert "股权质押" in result.errors[0][1]
    assert BankLoanReport.objects.count() == 0
    result = loans_import(actor=cast["yichang_supervisor"], fh=_workbook(rows), skip_bad=True)
    assert result.saved == 1
    loan = BankLoanReport.objects.get()
    assert (loan.region_id, loan.month, loan.loans, loan.amount) == (
        "420500",
        dt.date(2026, 5, 1),
        3,
        Decimal("5000000.00"),
    )
    # The same row again replaces, not duplicates.
    loans_import(actor=cast["yichang_supervisor"], fh=_workbook([[*rows[0][:5], 4, 6000000]]))
    assert BankLoanReport.objects.get().loans == 4


def test_finance_page_and_exports(
    client: Any, cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    make_pledge(
        orgs["yichang"],
        cast["yichang_clerk"],
        "420500",
        "3000000",
        at(dt.date(2026, 4, 6)),
        pledgee="中国银行",
    )
    client.force_login(cast["supervisor"])
    html = client.get("/finance/").content.decode()
    assert "中国银行" in html and "3000000.00" in html
    resp = client.get("/finance/", {"export": "bank"})
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    api = client.get("/api/v1/finance/pledges").json()
    assert api["by_bank"][0]["label"] == "中国银行"
