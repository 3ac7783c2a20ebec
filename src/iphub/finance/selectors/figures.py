"""Finance figures that feed supervision, region-scoped for staff: request-to-loan
conversion by city and bank, insurance cover by type, city and month, fund
exposure by bank and city. (Pledge amounts by month, city, bank and industry are
``totals.pledge_totals``, read from filings' registered pledges.)

Each figure is a list of ``Row`` (label and numbers) so that the page, the
chart and the Excel export show the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import Region
from iphub.core.permissions import scope_queryset
from iphub.finance.models import (
    AnswerState,
    BankAnswer,
    ClaimOutcome,
    FinancingRequest,
    InsuranceClaim,
    InsurancePolicy,
    LoanDefault,
    RequestState,
    RiskCompensationFund,
)
from iphub.finance.selectors.totals import _staff

ZERO = Decimal(0)


def fund_balance(fund: RiskCompensationFund) -> Decimal:
    """The fund's size less the government parts of the defaults it has borne."""
    spent = fund.defaults.aggregate(s=Sum("government_part"))["s"] or ZERO
    return fund.size - spent


def city_of(path: str, names: dict[str, str]) -> str:
    """The prefecture-level unit a region path lies in (the province itself for
    a province-level record)."""
    parts = path.split("/")
    code = parts[1] if len(parts) > 1 else parts[0]
    return names.get(code, code)


def _region_names() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "name"))


@dataclass
class ConversionRow:
    label: str
    requests: int = 0
    answered: int = 0
    approved: int = 0
    loaned: int = 0
    asked: Decimal = ZERO
    lent: Decimal = ZERO

    @property
    def rate(self) -> Decimal | None:
        """Requests that became loans, in percent (None without requests)."""
        if not self.requests:
            return None
        return (Decimal(100 * self.loaned) / self.requests).quantize(Decimal("0.1"))

    def cells(self) -> list[Any]:
        rate = self.rate if self.rate is not None else "无数据"
        return [
            self.label,
            self.requests,
            self.answered,
            self.approved,
            self.loaned,
            rate,
            self.asked,
            self.lent,
        ]


CONVERSION_HEADERS = [
    "名称",
    "融资需求（件）",
    "已获银行答复",
    "已批贷",
    "已放款",
    "转化率（%）",
    "需求金额（元）",
    "放款金额（元）",
]


@dataclass
class Conversion:
    total: ConversionRow
    by_city: list[ConversionRow] = field(default_factory=list)
    by_bank: list[ConversionRow] = field(default_factory=list)


ANSWERED = {
    AnswerState.REVIEWING,
    AnswerState.MORE,
    AnswerState.DECLINED,
    AnswerState.APPROVED,
    AnswerState.LOANED,
}


def conversion(*, user: Any, year: int | None = None) -> Conversion:
    """Requests and what became of them: answered by a bank, approved, loaned
    (a registered pledge closed them); by the enterprise's city, and by bank (a
    request counts under every bank it went to)."""
    _staff(user)
    names = _region_names()
    qs = scope_queryset(user, FinancingRequest.objects.select_related("region"))
    if year:
        qs = qs.filter(created_at__year=year)
    requests = {r.pk: r for r in qs}
    slots: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for req_id, bank, state in BankAnswer.objects.filter(request_id__in=requests).values_list(
        "request_id", "bank__name", "state"
    ):
        slots[req_id].append((bank, state))
    total = ConversionRow("合计")
    cities: dict[str, ConversionRow] = {}
    banks: dict[str, ConversionRow] = {}
    for pk, r in requests.items():
        states = {s for _, s in slots[pk]}
        loaned = r.state == RequestState.LOANED
        flags = (
            bool(states & ANSWERED),
            bool(states & {AnswerState.APPROVED, AnswerState.LOANED}),
            loaned,
        )
        city = city_of(r.region.path, names)
        for row in (total, cities.setdefault(city, ConversionRow(city))):
            _add(row, flags, r.amount, r.loan_amount if loaned else None)
        for bank, state in slots[pk]:
            row = banks.setdefault(bank, ConversionRow(bank))
            bank_flags = (
                state in ANSWERED,
                state in (AnswerState.APPROVED, AnswerState.LOANED),
                state == AnswerState.LOANED,
            )
            _add(row, bank_flags, r.amount, r.loan_amount if state == AnswerState.LOANED else None)
    return Conversion(
        total=total,
        by_city=sorted(cities.values(), key=lambda x: (-x.requests, x.label)),
        by_bank=sorted(banks.values(), key=lambda x: (-x.requests, x.label)),
    )


def _add(
    row: ConversionRow, flags: tuple[bool, bool, bool], asked: Decimal, lent: Decimal | None
) -> None:
    answered, approved, loaned = flags
    row.requests += 1
    row.answered += int(answered)
    row.approved += int(approved)
    row.loaned += int(loaned)
    row.asked += asked
    row.lent += lent or ZERO


@dataclass
class CoverRow:
    label: str
    policies: int = 0
    premium: Decimal = ZERO
    sum_insured: Decimal = ZERO
    subsidy: Decimal = ZERO
    claims: int = 0
    paid: Decimal = ZERO

    def cells(self) -> list[Any]:
        return [
            self.label,
            self.policies,
            self.premium,
            self.sum_insured,
            self.subsidy,
            self.claims,
            self.paid,
        ]


COVER_HEADERS = [
    "名称",
    "保单（件）",
    "保费（元）",
    "保险金额（元）",
    "申请保费补贴（元）",
    "理赔（件）",
    "已赔付（元）",
]


@dataclass
class Cover:
    total: CoverRow
    by_kind: list[CoverRow]
    by_city: list[CoverRow]
    by_month: list[CoverRow]


def insurance_cover(*, user: Any, year: int | None = None) -> Cover:
    """Policies (by the month their period starts) and their claims, by type,
    city and month."""
    _staff(user)
    names = _region_names()
    qs = scope_queryset(user, InsurancePolicy.objects.select_related("region"))
    if year:
        qs = qs.filter(starts_on__year=year)
    policies = list(qs)
    claims: dict[int, list[InsuranceClaim]] = defaultdict(list)
    for c in InsuranceClaim.objects.filter(policy__in=policies):
        claims[c.policy_id].append(c)
    total = CoverRow("合计")
    groups: dict[str, dict[str, CoverRow]] = {"kind": {}, "city": {}, "month": {}}
    for p in policies:
        keys = {
            "kind": p.get_kind_display(),
            "city": city_of(p.region.path, names),
            "month": f"{p.starts_on:%Y-%m}",
        }
        rows = [total] + [groups[g].setdefault(k, CoverRow(k)) for g, k in keys.items()]
        for row in rows:
            row.policies += 1
            row.premium += p.premium
            row.sum_insured += p.sum_insured
            row.subsidy += p.subsidy_claimed
            for c in claims[p.pk]:
                row.claims += 1
                if c.outcome == ClaimOutcome.PAID and c.amount_paid:
                    row.paid += c.amount_paid
    return Cover(
        total=total,
        by_kind=sorted(groups["kind"].values(), key=lambda r: (-r.premium, r.label)),
        by_city=sorted(groups["city"].values(), key=lambda r: (-r.premium, r.label)),
        by_month=sorted(groups["month"].values(), key=lambda r: r.label),
    )


@dataclass
class ExposureRow:
    label: str
    defaults: int = 0
    loss: Decimal = ZERO
    government: Decimal = ZERO
    bank: Decimal = ZERO
    insurer: Decimal = ZERO
    guarantor: Decimal = ZERO

    def cells(self) -> list[Any]:
        return [
            self.label,
            self.defaults,
            self.loss,
            self.government,
            self.bank,
            self.insurer,
            self.guarantor,
        ]


EXPOSURE_HEADERS = [
    "名称",
    "违约笔数",
    "损失金额（元）",
    "资金池承担（元）",
    "银行承担（元）",
    "保险承担（元）",
    "担保承担（元）",
]


@dataclass
class Exposure:
    total: ExposureRow
    by_bank: list[ExposureRow]
    by_city: list[ExposureRow]
    funds: list[tuple[RiskCompensationFund, Decimal]]


def fund_exposure(*, user: Any) -> Exposure:
    """Defaulted loans borne by the funds of the user's region, by bank and by the
    borrower's city, with each fund's balance."""
    _staff(user)
    names = _region_names()
    funds = list(scope_queryset(user, RiskCompensationFund.objects.select_related("region")))
    total = ExposureRow("合计")
    banks: dict[str, ExposureRow] = {}
    cities: dict[str, ExposureRow] = {}
    for d in LoanDefault.objects.filter(fund__in=funds).select_related("bank", "region"):
        city = city_of(d.region.path, names)
        for row in (
            total,
            banks.setdefault(d.bank.name, ExposureRow(d.bank.name)),
            cities.setdefault(city, ExposureRow(city)),
        ):
            row.defaults += 1
            row.loss += d.loss
            row.government += d.government_part
            row.bank += d.bank_part
            row.insurer += d.insurer_part
            row.guarantor += d.guarantor_part
    return Exposure(
        total=total,
        by_bank=sorted(banks.values(), key=lambda r: (-r.loss, r.label)),
        by_city=sorted(cities.values(), key=lambda r: (-r.loss, r.label)),
        funds=[(f, fund_balance(f)) for f in funds],
    )


def month_of(value: Any) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m") if value else ""
