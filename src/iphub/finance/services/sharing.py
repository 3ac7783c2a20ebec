"""Loss sharing of risk-compensation funds (政银保担): a fund's agreed shares of
government, bank, insurer and guarantor, and defaulted loans whose loss is split
by those shares to the fen.

The split is the largest-remainder method on fen: each party first gets the
floor of its exact share, and the fen left over go one each to the parties
with the largest fractional remainders (ties in the order government, bank,
insurer, guarantor). So the parts always add up to the loss exactly, and no
part is more than one fen from its exact share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from iphub.core.amounts import YUAN_16, NumberRange, parse_number, parse_required
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import ApplicationError, NotFound, field_error
from iphub.core.models import Organisation, OrganisationKind, Region, Role
from iphub.core.permissions import ensure_region_access, require_roles
from iphub.finance.audit_actions import Action
from iphub.finance.models import FinancingRequest, LoanDefault, RiskCompensationFund
from iphub.finance.selectors.figures import fund_balance

PARTIES = ("government", "bank", "insurer", "guarantor")
SHARE = NumberRange("分担比例", unit="%", maximum=Decimal(100))
LOSS = NumberRange("损失金额", maximum=YUAN_16, positive=True)
LOAN = NumberRange("贷款金额", maximum=YUAN_16, positive=True)
FEN = Decimal("0.01")


def split_loss(loss: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """``loss`` (yuan, two decimals) split by ``shares`` (percent, summing to 100)
    with the largest-remainder method on fen; the parts sum to ``loss`` exactly."""
    total_fen = int((loss / FEN).to_integral_value())
    # Shares in hundredths of a percent: integers summing to 10,000.
    basis = [int((s * 100).to_integral_value()) for s in shares]
    if sum(basis) != 10_000:
        raise ValueError("shares must sum to 100")
    floors = [total_fen * b // 10_000 for b in basis]
    remainders = [total_fen * b % 10_000 for b in basis]
    left = total_fen - sum(floors)
    order = sorted(range(len(basis)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * FEN for f in floors]


def _lock_fund(actor: Any, fund_id: int) -> RiskCompensationFund:
    fund = (
        RiskCompensationFund.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=fund_id)
        .first()
    )
    if fund is None:
        raise NotFound("未找到该资金池。")
    try:
        ensure_region_access(actor, fund.region)
    except ApplicationError:
        raise NotFound("未找到该资金池。") from None
    return fund


@transaction.atomic
def fund_shares_set(*, actor: Any, fund_id: int, data: Mapping[str, Any]) -> RiskCompensationFund:
    """A supervisor records the fund's agreed loss shares (four percentages summing to 100)."""
    require_roles(actor, Role.SUPERVISOR)
    fund = _lock_fund(actor, fund_id)
    shares = {
        p: parse_number(data.get(f"{p}_share"), SHARE, field=f"{p}_share") or Decimal(0)
        for p in PARTIES
    }
    total = sum(shares.values(), Decimal(0))
    if total != 100:
        raise field_error(
            "government_share",
            f"政府、银行、保险、担保四方分担比例之和应为 100%，现为 {total}%。",
        )
    before = snapshot(fund)
    for p, v in shares.items():
        setattr(fund, f"{p}_share", v)
    fund.save(update_fields=[f"{p}_share" for p in PARTIES])
    audit_record(
        actor=actor,
        action=Action.FUND_SHARES_SET,
        obj=fund,
        region_path=fund.region.path,
        before=before,
        after=snapshot(fund),
    )
    return fund


def may_share(user: Any) -> bool:
    """Supervisors set shares and record defaults (the services check it again)."""
    try:
        require_roles(user, Role.SUPERVISOR)
    except ApplicationError:
        return False
    return True


def fund_shares(fund: RiskCompensationFund) -> list[Decimal] | None:
    values = [getattr(fund, f"{p}_share") for p in PARTIES]
    return None if any(v is None for v in values) else values


@transaction.atomic
def default_record(*, actor: Any, fund_id: int, data: Mapping[str, Any]) -> LoanDefault:
    """A supervisor records a defaulted loan on the fund: its loss is split by the
    fund's shares (:func:`split_loss`) and the government part is drawn from the
    fund's balance, which may not go below zero. The fund row is locked, so two
    staff recording defaults at once cannot overdraw it."""
    require_roles(actor, Role.SUPERVISOR)
    fund = _lock_fund(actor, fund_id)
    shares = fund_shares(fund)
    if shares is None:
        raise field_error("loss", "该资金池尚未约定四方分担比例，请先设定分担比例。")
    bank = Organisation.objects.filter(
        pk=str(data.get("bank", "")).strip() or 0, kind=OrganisationKind.BANK
    ).first()
    if bank is None:
        raise field_error("bank", "请选择贷款银行。")
    borrower = str(data.get("borrower", "")).strip()[:200]
    if not borrower:
        raise field_error("borrower", "请填写借款企业。")
    region = Region.objects.filter(code=str(data.get("region", "")).strip()).first()
    if region is None:
        raise field_error("region", "请选择借款企业所在的市（州）或县（市、区）。")
    ensure_region_access(actor, region)
    loan = parse_required(data.get("loan_amount"), LOAN, field="loan_amount")
    loss = parse_required(data.get("loss"), LOSS, field="loss")
    if loss > loan:
        raise field_error("loss", "损失金额不能超过贷款金额。")
    try:
        on = dt.date.fromisoformat(str(data.get("defaulted_on", "")))
    except ValueError:
        raise field_error("defaulted_on", "请按 YYYY-MM-DD 填写违约日期。") from None
    parts = split_loss(loss, shares)
    balance = fund_balance(fund)
    if parts[0] > balance:
        raise field_error(
            "loss",
            f"资金池余额 {balance:,.2f} 元不足以承担政府部分 {parts[0]:,.2f} 元。",
        )
    request = None
    if str(data.get("financing_request", "")).isdigit():
        request = FinancingRequest.objects.filter(pk=int(data["financing_request"])).first()
    default = LoanDefault.objects.create(
        fund=fund,
        bank=bank,
        region=region,
        borrower=borrower,
        loan_amount=loan,
        loss=loss,
        defaulted_on=on,
        government_part=parts[0],
        bank_part=parts[1],
        insurer_part=parts[2],
        guarantor_part=parts[3],
        financing_request=request,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.DEFAULT_RECORD,
        obj=default,
        region_path=fund.region.path,
        after=snapshot(default),
    )
    return default
