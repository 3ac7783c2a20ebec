"""Finance demo for ``make run``.

Pledge-financing figures are not stored here: the finance pages sum the pledges
registered in ``filings`` (the filings demo registers them), so this step only
says what they add up to. It adds what the finance app itself keeps: Wuhan's
risk-compensation fund with one bank claim on it, recorded through the services
by the province supervisor and named 演示.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from iphub.core.models import User
from iphub.finance import services
from iphub.finance.models import ClaimStatus, CompensationClaim, RiskCompensationFund
from iphub.finance.selectors import pledge_totals

FUND_NAME = "武汉市知识产权质押融资风险补偿资金池（演示）"
CLAIM = {
    "bank": "演示银行武汉分行",
    "borrower": "武汉江岸演示新能源有限公司",
    "amount": "600000.00",
    "status": ClaimStatus.PENDING,
}


def demo_load() -> list[str]:
    """Create the demo fund and its claim once; returns the finance figures the pages show."""
    actor = User.objects.get(username="province_supervisor")
    lines = []
    fund = RiskCompensationFund.objects.filter(name=FUND_NAME).first()
    if fund is None:
        fund = services.fund_create(
            actor=actor,
            data={
                "region": "420100",
                "name": FUND_NAME,
                "size": "50000000",
                "established_on": "2024-06-01",
                "manager": "武汉市市场监督管理局（知识产权局）",
            },
        )
        lines.append(f"新建风险补偿资金池：{fund.name}")
    if not CompensationClaim.objects.filter(fund=fund, borrower=CLAIM["borrower"]).exists():
        claimed_on = timezone.localdate() - dt.timedelta(days=20)
        services.claim_create(
            actor=actor, fund_id=fund.pk, data=CLAIM | {"claimed_on": claimed_on.isoformat()}
        )
        lines.append(f"新建补偿申请：{CLAIM['bank']} / {CLAIM['borrower']}")
    totals = pledge_totals(user=actor)
    if totals.available:
        count = sum(n for _, n, _ in totals.by_region)
        amount = sum(a for _, _, a in totals.by_region)
        lines.append(f"已登记质押 {count} 笔，融资金额 {amount:,.2f} 元（来自备案演示数据）")
    else:
        lines.append(f"质押融资数据：{totals.note}")
    return lines
