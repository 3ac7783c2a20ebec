"""finance's indicators for supervision: the size of the risk-compensation funds,
request-to-loan conversion, insurance cover and the funds' exposure — each per
month and region (a record counts in every region on its region path).

Registered in core's indicator registry (:mod:`iphub.core.indicators`) when the
app is ready; supervision computes, scores and lists them without importing
this app. Every one reads through ``scope_queryset``: a city's staff count their
city only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from iphub.core.indicators import (
    Ctx,
    Indicator,
    RecordTable,
    Source,
    bucket,
    count_by_region,
    paths_q,
    register,
    wan_by_region,
    within,
)
from iphub.core.models import Region
from iphub.core.permissions import scope_queryset
from iphub.finance.models import (
    FinancingRequest,
    InsurancePolicy,
    LoanDefault,
    RequestState,
)
from iphub.finance.selectors import fund_list


def _risk_fund_size(ctx: Ctx) -> dict[str, Decimal]:
    sel = fund_list
    qs = sel(user=ctx.user).filter(paths_q(ctx), established_on__lte=ctx.last_day)
    return wan_by_region(ctx, qs.values_list("region__path", "size"))


# -- request-to-loan conversion ----------------------------------------------------


def _requests(ctx: Ctx) -> Any:
    """Requests submitted in the month in the context's regions (the user's scope)."""
    qs = scope_queryset(ctx.user, FinancingRequest.objects.all())
    return qs.filter(paths_q(ctx), created_at__gte=ctx.start, created_at__lt=ctx.end)


def _request_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _requests(ctx))


def _conversion(ctx: Ctx) -> dict[str, Decimal | None]:
    """Of the month's requests, the share that became a loan (a registered pledge
    closed them), in percent; no request: None (无数据)."""
    rows = list(_requests(ctx).values_list("region__path", "state"))
    asked = bucket(ctx, ((p, 1) for p, _ in rows))
    loaned = bucket(ctx, ((p, 1) for p, s in rows if s == RequestState.LOANED))
    return {code: (Decimal(100) * loaned[code] / n if n else None) for code, n in asked.items()}


def _request_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            r.reference,
            r.organisation.name,
            r.region.name,
            r.amount,
            r.get_state_display(),
            r.loan_bank.name if r.loan_bank else "",
            r.loan_amount if r.loan_amount is not None else "",
            r.created_at,
        ]
        for r in _requests(ctx)
        .filter(within(region))
        .select_related("organisation", "region", "loan_bank")
        .order_by("created_at", "id")
    ]
    return RecordTable(
        [
            "编号",
            "企业",
            "地区",
            "需求金额（元）",
            "状态",
            "放款银行",
            "放款金额（元）",
            "提交时间",
        ],
        rows,
    )


# -- insurance cover ---------------------------------------------------------------


def _policies(ctx: Ctx) -> Any:
    """Policies whose period starts in the month, by the insured's region."""
    qs = scope_queryset(ctx.user, InsurancePolicy.objects.all())
    start = ctx.month
    return qs.filter(paths_q(ctx), starts_on__gte=start, starts_on__lte=ctx.last_day)


def _policy_count(ctx: Ctx) -> dict[str, Decimal]:
    return count_by_region(ctx, _policies(ctx))


def _sum_insured(ctx: Ctx) -> dict[str, Decimal]:
    rows = _policies(ctx).values_list("region__path", "sum_insured")
    return wan_by_region(ctx, rows)


def _policy_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            p.get_kind_display(),
            p.number,
            p.insurer_name,
            p.insured.name,
            p.region.name,
            p.premium,
            p.sum_insured,
            p.starts_on,
            p.ends_on,
        ]
        for p in _policies(ctx)
        .filter(within(region))
        .select_related("insured", "region")
        .order_by("starts_on", "id")
    ]
    return RecordTable(
        [
            "险种",
            "保单号",
            "保险公司",
            "被保险人",
            "地区",
            "保费（元）",
            "保险金额（元）",
            "起",
            "止",
        ],
        rows,
    )


# -- fund exposure -----------------------------------------------------------------


def _defaults(ctx: Ctx) -> Any:
    """Defaulted loans of the month borne by the funds the user sees, by the borrower's region."""
    funds = fund_list(user=ctx.user)
    qs = LoanDefault.objects.filter(fund__in=funds.values("pk"))
    return qs.filter(paths_q(ctx), defaulted_on__gte=ctx.month, defaulted_on__lte=ctx.last_day)


def _fund_exposure(ctx: Ctx) -> dict[str, Decimal]:
    rows = _defaults(ctx).values_list("region__path", "government_part")
    return wan_by_region(ctx, rows)


def _default_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            d.fund.name,
            d.bank.name,
            d.borrower,
            d.region.name,
            d.loss,
            d.government_part,
            d.bank_part,
            d.insurer_part,
            d.guarantor_part,
            d.defaulted_on,
        ]
        for d in _defaults(ctx)
        .filter(within(region))
        .select_related("fund", "bank", "region")
        .order_by("defaulted_on", "id")
    ]
    return RecordTable(
        [
            "资金池",
            "贷款银行",
            "借款企业",
            "地区",
            "损失（元）",
            "资金池承担（元）",
            "银行承担（元）",
            "保险承担（元）",
            "担保承担（元）",
            "违约日期",
        ],
        rows,
    )


def register_indicators() -> None:
    """Put finance's indicators into core's registry (called by the app's ``ready()``)."""
    for ind in (
        Indicator(
            "risk_fund_size",
            "质押融资风险补偿资金规模（累计）",
            "万元",
            "finance",
            Source.COMPUTED,
            _risk_fund_size,
            decimals=2,
            position=130,
        ),
        Indicator(
            "financing_requests",
            "知识产权融资需求件数",
            "件",
            "finance",
            Source.COMPUTED,
            _request_count,
            _request_records,
            position=131,
        ),
        Indicator(
            "financing_conversion",
            "融资需求放款转化率",
            "%",
            "finance",
            Source.COMPUTED,
            _conversion,
            _request_records,
            decimals=1,
            position=132,
        ),
        Indicator(
            "insurance_policies",
            "知识产权保险保单件数",
            "件",
            "finance",
            Source.COMPUTED,
            _policy_count,
            _policy_records,
            position=133,
        ),
        Indicator(
            "insurance_sum_insured",
            "知识产权保险保险金额",
            "万元",
            "finance",
            Source.COMPUTED,
            _sum_insured,
            _policy_records,
            decimals=2,
            position=134,
        ),
        Indicator(
            "fund_exposure",
            "风险补偿资金承担的违约损失",
            "万元",
            "finance",
            Source.COMPUTED,
            _fund_exposure,
            _default_records,
            decimals=2,
            higher_is_better=False,
            position=135,
        ),
    ):
        register(ind)
