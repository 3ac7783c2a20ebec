"""The fund and claim forms (region-scoped), the loan import page, and the admin."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from iphub.core.models import AuditEntry, User
from iphub.finance.models import (
    BankLoanReport,
    ClaimStatus,
    CompensationClaim,
    RiskCompensationFund,
)
from iphub.finance.services import LOAN_HEADERS, fund_create

FUND = {
    "region": "420502",
    "name": "西陵区知识产权质押融资风险补偿资金池",
    "size": "5000000",
    "established_on": "2023-03-01",
    "manager": "西陵区财政局",
}


def test_a_city_supervisor_records_a_fund_and_its_claims(
    client: Any, cast: dict[str, User]
) -> None:
    client.force_login(cast["yichang_supervisor"])
    form = client.get("/finance/funds/new/").content.decode()
    # Only the city's own regions are offered.
    assert 'value="420502"' in form and 'value="420100"' not in form
    resp = client.post("/finance/funds/new/", FUND)
    fund = RiskCompensationFund.objects.get()
    assert resp["Location"] == f"/finance/funds/{fund.pk}/"
    assert (fund.region_id, fund.size) == ("420502", Decimal("5000000.00"))
    bad = client.post(f"/finance/funds/{fund.pk}/", {"bank": "中国银行", "amount": "三十万"})
    assert bad.status_code == 400 and "请填写借款企业" in bad.content.decode()
    assert CompensationClaim.objects.count() == 0
    client.post(
        f"/finance/funds/{fund.pk}/",
        {"bank": "中国银行", "borrower": "某企业", "amount": "300000", "claimed_on": "2026-05-03"},
    )
    claim = CompensationClaim.objects.get()
    assert claim.status == ClaimStatus.PENDING
    client.post(f"/finance/funds/{fund.pk}/", {"claim": claim.pk, "status": "paid"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    page = client.get(f"/finance/funds/{fund.pk}/").content.decode()
    assert "某企业" in page and "已补偿" in page
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"finance.fund_create", "finance.claim_create", "finance.claim_decide"} <= actions


def test_funds_of_another_region_are_out_of_reach(client: Any, cast: dict[str, User]) -> None:
    fund = fund_create(actor=cast["yichang_supervisor"], data=FUND)
    wuhan = {**FUND, "region": "420111", "name": "洪山区资金池"}
    client.force_login(cast["yichang_supervisor"])
    assert client.post("/finance/funds/new/", wuhan).status_code == 403
    assert RiskCompensationFund.objects.count() == 1
    from iphub.conftest import make_user

    client.force_login(make_user("wuhan_supervisor", "supervisor", "420100"))
    assert client.get(f"/finance/funds/{fund.pk}/").status_code == 404
    claim = {"bank": "b", "borrower": "c", "amount": "1", "claimed_on": "2026-05-03"}
    assert client.post(f"/finance/funds/{fund.pk}/", claim).status_code == 404
    # A window clerk of Yichang may read the fund but not record a claim.
    client.force_login(cast["yichang_clerk"])
    page = client.get(f"/finance/funds/{fund.pk}/")
    assert page.status_code == 200 and 'data-testid="claim-form"' not in page.content.decode()
    assert client.post(f"/finance/funds/{fund.pk}/", claim).status_code == 403
    assert CompensationClaim.objects.count() == 0


def test_loans_imported_through_the_page(client: Any, cast: dict[str, User]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(LOAN_HEADERS)
    ws.append(["中国银行宜昌分行", "420500", "2026-05", "专利权质押", "磷化工", 3, 5000000])
    ws.append(["招商银行武汉分行", "420100", "2026-05", "专利权质押", "光电子", 2, 800000])
    out = io.BytesIO()
    wb.save(out)
    client.force_login(cast["yichang_supervisor"])
    assert "下载模板" in client.get("/finance/").content.decode()
    out.seek(0)
    page = client.post("/finance/loans/import/", {"file": out, "mode": "all"}, follow=True)
    html = page.content.decode()
    assert "第 3 行" in html and "未导入任何数据" in html
    assert BankLoanReport.objects.count() == 0
    out.seek(0)
    client.post("/finance/loans/import/", {"file": out, "mode": "skip_bad"})
    assert list(BankLoanReport.objects.values_list("bank", flat=True)) == ["中国银行宜昌分行"]


@pytest.mark.usefixtures("regions")
def test_admin_lists_funds_claims_and_loans(admin_client: Any) -> None:
    for model in ("riskcompensationfund", "compensationclaim", "bankloanreport"):
        assert admin_client.get(f"/admin/finance/{model}/").status_code == 200
    resp = admin_client.post(
        "/admin/finance/riskcompensationfund/add/",
        {
            "region": "420500",
            "name": "宜昌市资金池",
            "size": "10000000",
            "established_on": "2022-06-01",
            "manager": "",
            "claims-TOTAL_FORMS": "1",
            "claims-INITIAL_FORMS": "0",
            "claims-0-bank": "中国银行",
            "claims-0-borrower": "某企业",
            "claims-0-amount": "100000",
            "claims-0-claimed_on": "2026-05-01",
            "claims-0-status": "pending",
        },
    )
    assert resp.status_code == 302
    fund = RiskCompensationFund.objects.get()
    assert fund.claims.count() == 1
    logged = AuditEntry.objects.filter(action__endswith=".admin_add")
    assert {e.object_type for e in logged} == {
        "finance.riskcompensationfund",
        "finance.compensationclaim",
    }
