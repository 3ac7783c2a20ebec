"""Finance demo for ``make run``.

Pledge-financing figures are not stored here: the finance pages sum the pledges
registered in ``filings`` (the filings demo registers them), so this step only
says what they add up to. It adds what the finance app itself keeps: Wuhan's
risk-compensation fund with one bank claim on it, recorded through the services
by the province supervisor and named 演示; and, for financing (issue 22), the
demo bank's loan products, two financing requests of the Wuhan enterprise (one
awaiting the bank's answer, one approved and waiting for its pledge filing), a
whitelist entry, an insured policy with a claim tied to an enforcement case,
and the fund's loss shares with one defaulted loan split among them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

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
    lines += financing_demo()
    totals = pledge_totals(user=actor)
    if totals.available:
        count = sum(n for _, n, _ in totals.by_region)
        amount = sum(a for _, _, a in totals.by_region)
        lines.append(f"已登记质押 {count} 笔，融资金额 {amount:,.2f} 元（来自备案演示数据）")
    else:
        lines.append(f"质押融资数据：{totals.note}")
    return lines


BANK = "演示银行武汉分行"
ENTERPRISE = "武汉光谷演示光电科技有限公司"
# Demo inventions of the enterprise, numbered far beyond the office's serials.
PATENTS = [
    (2021, 9969001, "一种硅基光电探测器的封装结构（融资演示）", "H01L31/0203"),
    (2022, 9969002, "一种激光雷达点云的实时去噪方法（融资演示）", "G01S7/48"),
    (2020, 9969003, "一种光纤传感网络的故障定位方法（融资演示）", "H04B10/07"),
]
PRODUCTS = [
    {
        "name": "知识产权质押贷（演示）",
        "rate_min": "3.45",
        "rate_max": "4.35",
        "amount_min": "1000000",
        "amount_max": "20000000",
        "term_min_months": "6",
        "term_max_months": "36",
        "collateral": ["invention", "utility", "trademark"],
        "regions": ["420100"],
        "materials": "营业执照；专利证书；近两年财务报表；专利价值评估报告（500 万元以上）",
    },
    {
        "name": "科创专利快贷（演示）",
        "rate_min": "3.20",
        "rate_max": "3.20",
        "amount_min": "300000",
        "amount_max": "3000000",
        "term_min_months": "12",
        "term_max_months": "24",
        "collateral": ["invention"],
        "regions": [],
        "materials": "营业执照；专利证书",
    },
]


def _patents(org: Any) -> list[str]:
    from iphub.patents.importers import PatentIn
    from iphub.patents.models import Patent
    from iphub.patents.numbers import application_check_char
    from iphub.patents.services import patents_upsert

    numbers, rows = [], []
    for year, serial, title, ipc in PATENTS:
        body = f"{year}1{serial:07d}"
        number = f"{body}.{application_check_char(body)}"
        numbers.append(number)
        if not Patent.objects.filter(application_number=number).exists():
            rows.append(
                PatentIn(
                    application_number=number,
                    type="invention",
                    title=title,
                    abstract=f"{title}（演示数据，非真实专利）",
                    applicants=[org.name],
                    address="湖北省武汉市东湖新技术开发区演示路8号",
                    ipc=[ipc],
                    app_date=dt.date(year, 4, 12),
                    grant_date=dt.date(year + 2, 6, 20),
                    legal_status="有效",
                    source_name="演示数据（非真实专利）",
                )
            )
    if rows:
        patents_upsert(rows)
    return numbers


def financing_demo() -> list[str]:
    """Products, requests, whitelist, insurance and loss sharing (each once)."""
    from iphub.core.models import Organisation
    from iphub.finance.models import (
        FinancingRequest,
        InsurancePolicy,
        LoanDefault,
        LoanProduct,
        WhitelistEntry,
    )
    from iphub.finance.services import answers, insurance, products, requests, sharing, whitelist
    from iphub.protection.services.enforcement import case_create

    lines: list[str] = []
    bank_user = User.objects.filter(username="bank_user").first()
    ent_user = User.objects.filter(username="enterprise_user").first()
    if bank_user is None or ent_user is None:
        return ["融资演示：缺少 bank_user 或 enterprise_user 账号，跳过。"]
    bank = bank_user.organisation
    assert bank is not None
    org = Organisation.objects.get(name=ENTERPRISE)
    for data in PRODUCTS:
        if not LoanProduct.objects.filter(bank=bank, name=data["name"]).exists():
            products.product_create(actor=bank_user, data=data)
            lines.append(f"新建贷款产品：{bank.name} {data['name']}")
    numbers = _patents(org)
    mine = FinancingRequest.objects.filter(organisation=org)
    if not mine.filter(purpose__contains="演示·待答复").exists():
        requests.request_create(
            actor=ent_user,
            data={
                "amount": "3000000",
                "term_months": "12",
                "purpose": "研发投入与流动资金（演示·待答复）",
                "patents": numbers[:2],
                "banks": [str(bank.pk)],
            },
        )
        lines.append("新建融资需求：300 万元，两件发明专利，待演示银行答复")
    if not mine.filter(purpose__contains="演示·已批贷").exists():
        r = requests.request_create(
            actor=ent_user,
            data={
                "amount": "1500000",
                "term_months": "12",
                "purpose": "设备采购（演示·已批贷）",
                "patents": numbers[2:],
                "banks": [str(bank.pk)],
            },
        )
        slot = r.answers.get()
        answers.answer_step(actor=bank_user, answer_id=slot.pk, name="accept")
        answers.answer_step(
            actor=bank_user,
            answer_id=slot.pk,
            name="approve",
            data={"amount": "1500000", "rate": "3.45", "term_months": "12"},
        )
        lines.append("新建融资需求：150 万元，银行已批贷，待企业办理质押登记")
    supervisor = User.objects.get(username="wuhan_supervisor")
    today = timezone.localdate()
    if not WhitelistEntry.objects.filter(organisation=org, removed_at=None).exists():
        whitelist.whitelist_add(
            actor=supervisor,
            data={
                "organisation": str(org.pk),
                "criteria": ["zhuanjingtexin", "high_value"],
                "evidence": "武汉市专精特新中小企业名单（演示）",
                "valid_from": today.isoformat(),
                "valid_until": (today + dt.timedelta(days=365)).isoformat(),
            },
        )
        lines.append(f"列入融资白名单：{org.name}")
    if not InsurancePolicy.objects.filter(number="DEMO-ZLZX-0001").exists():
        policy = insurance.policy_create(
            actor=ent_user,
            data={
                "kind": "enforcement",
                "number": "DEMO-ZLZX-0001",
                "insurer_name": "演示财产保险湖北分公司",
                "patents": numbers[:1],
                "premium": "18000",
                "sum_insured": "500000",
                "subsidy_claimed": "9000",
                "starts_on": (today - dt.timedelta(days=60)).isoformat(),
                "ends_on": (today + dt.timedelta(days=305)).isoformat(),
            },
        )
        case = case_create(
            actor=User.objects.get(username="wuhan_enforcer"),
            title="硅基光电探测器封装结构专利侵权纠纷（演示）",
            case_type="patent_dispute",
            region_code="420100",
            parties=[
                {"role": "right_holder", "name": org.name},
                {"role": "respondent", "name": "某演示电子有限公司"},
            ],
        )
        insurance.claim_file(
            actor=ent_user,
            policy_id=policy.pk,
            data={
                "case_number": case.number,
                "amount_claimed": "120000",
                "filed_on": today.isoformat(),
                "description": "维权律师费与调查取证费用（演示）",
            },
        )
        lines.append("新建专利执行保险保单 DEMO-ZLZX-0001，理赔关联执法案件 " + case.number)
    fund = RiskCompensationFund.objects.filter(name=FUND_NAME).first()
    if fund is not None and fund.government_share is None:
        sharing.fund_shares_set(
            actor=supervisor,
            fund_id=fund.pk,
            data={
                "government_share": "40",
                "bank_share": "30",
                "insurer_share": "20",
                "guarantor_share": "10",
            },
        )
    if fund is not None and not LoanDefault.objects.filter(fund=fund).exists():
        d = sharing.default_record(
            actor=supervisor,
            fund_id=fund.pk,
            data={
                "bank": str(bank.pk),
                "borrower": "武汉江岸演示新能源有限公司",
                "region": "420102",
                "loan_amount": "2000000",
                "loss": "876543.21",
                "defaulted_on": (today - dt.timedelta(days=30)).isoformat(),
            },
        )
        lines.append(
            f"违约损失 876,543.21 元按 40/30/20/10 分担：资金池 {d.government_part} 元、"
            f"银行 {d.bank_part} 元、保险 {d.insurer_part} 元、担保 {d.guarantor_part} 元"
        )
    lines += [
        "试一试（金融）：enterprise_user 在 /finance/requests/ 查看两笔融资需求，已批贷的一笔点"
        "“以专利…办理质押登记（已预填）”；/finance/requests/new/ 用本企业专利提出新需求",
        "试一试（金融）：bank_user 在 /finance/requests/ 答复待答复的融资需求（受理、补充材料、"
        "婉拒或批贷），在 /finance/products/ 管理本行产品，在 /finance/whitelist/ 查看白名单",
        "试一试（金融）：wuhan_supervisor 在 /finance/whitelist/ 维护白名单，/finance/board/ 看"
        "银行答复时限，/finance/figures/ 看融资转化、保险与风险分担（可导出 Excel）",
    ]
    return lines
