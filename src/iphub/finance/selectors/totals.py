"""Reads of the finance app. Pledge-financing totals come from the registered
pledges of ``filings`` (through its selector ``pledges_registered``); funds and
bank-reported loans from this app's tables. Everything is region-scoped."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, NotFound
from iphub.core.models import Region, RegionLevel, Role
from iphub.core.permissions import region_path_of, require_roles, scope_queryset
from iphub.filings.selectors import pledges_registered
from iphub.finance.models import BankLoanReport, CompensationClaim, RiskCompensationFund
from iphub.navigation.highvalue import strategic_prefixes

FINANCE_ROLES = (Role.SUPERVISOR, Role.WINDOW, Role.AUDITOR)


def _staff(user: Any) -> None:
    require_roles(user, *FINANCE_ROLES)
    if region_path_of(user) is None:
        raise AccessDenied()


def fund_list(*, user: Any) -> QuerySet[RiskCompensationFund]:
    """Funds in the user's region, each with its number of claims and the sum claimed."""
    _staff(user)
    claims = CompensationClaim.objects.filter(fund=OuterRef("pk")).values("fund")
    qs = RiskCompensationFund.objects.select_related("region").annotate(
        claims_count=Coalesce(Subquery(claims.annotate(n=Count("id")).values("n")), Value(0)),
        claims_amount=Coalesce(
            Subquery(claims.annotate(s=Sum("amount")).values("s")),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
    )
    return scope_queryset(user, qs).order_by("region_id", "name")


def fund_get(*, user: Any, fund_id: int) -> RiskCompensationFund:
    """One fund inside the user's region (404 outside it, as if it did not exist)."""
    fund = fund_list(user=user).filter(pk=fund_id).first()
    if fund is None:
        raise NotFound("未找到该资金池。")
    return fund


def claim_list(*, user: Any, fund: RiskCompensationFund) -> QuerySet[CompensationClaim]:
    _staff(user)
    return fund.claims.all()


def fund_regions(*, user: Any) -> QuerySet[Region]:
    """The cities and counties inside the user's region, for the fund form."""
    _staff(user)
    qs = Region.objects.exclude(level=RegionLevel.PROVINCE)
    return scope_queryset(user, qs, region_path_field="path").order_by("path")


def loan_report_list(*, user: Any, month: dt.date | None = None) -> QuerySet[BankLoanReport]:
    _staff(user)
    qs = scope_queryset(user, BankLoanReport.objects.select_related("region"))
    return qs.filter(month=month) if month else qs


Group = list[tuple[str, int, Decimal]]


@dataclass
class PledgeTotals:
    available: bool
    note: str
    by_bank: Group
    by_region: Group
    by_month: Group
    by_industry: Group
    rows: list[Any]


def industry_of(filing: Any, prefixes: dict[str, str]) -> str:
    """The industry a pledge counts under: the form's answer, else the strategic
    emerging industry of the patent's main IPC, else its IPC section."""
    if (filing.details or {}).get("industry"):
        return str(filing.details["industry"])
    patent = filing.patent if filing.patent_id else None
    ipc = (patent.ipc_main if patent else "").replace(" ", "")
    for length in range(len(ipc), 0, -1):
        if ipc[:length] in prefixes:
            return prefixes[ipc[:length]]
    return f"IPC {ipc[:1]} 部" if ipc else "未分类"


def pledge_totals(*, user: Any, year: int | None = None) -> PledgeTotals:
    """Registered pledges summed by bank (the pledgee), region, month and industry."""
    _staff(user)
    # finance sits above filings: it reads filings' selector directly (supervision,
    # above both, no longer lends its lookup).
    qs = pledges_registered(user=user)
    qs = qs.select_related("patent", "region")
    if year:
        qs = qs.filter(decided_at__year=year)
    prefixes = strategic_prefixes()
    groups: dict[str, dict[str, list[Any]]] = {
        k: defaultdict(lambda: [0, Decimal(0)]) for k in ("bank", "region", "month", "industry")
    }
    rows = list(qs.order_by("decided_at"))
    for f in rows:
        amount = f.amount or Decimal(0)
        month = f.decided_at.astimezone(LOCAL_TZ).strftime("%Y-%m") if f.decided_at else ""
        for key, label in (
            ("bank", f.counterparty_name or "未填"),
            ("region", f.region.name),
            ("month", month),
            ("industry", industry_of(f, prefixes)),
        ):
            groups[key][label][0] += 1
            groups[key][label][1] += amount

    def flat(key: str, by_amount: bool = True) -> Group:
        items = [(k, int(v[0]), v[1]) for k, v in groups[key].items()]
        return sorted(items, key=lambda t: (-t[2], t[0])) if by_amount else sorted(items)

    return PledgeTotals(
        True, "", flat("bank"), flat("region"), flat("month", False), flat("industry"), rows
    )
