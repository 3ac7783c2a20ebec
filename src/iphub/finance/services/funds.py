"""Writes of the finance app: funds, claims, and the import of bank-reported loans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction

from iphub.core.amounts import YUAN_16, NumberRange, parse_count, parse_required
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Region, Role
from iphub.core.permissions import ensure_region_access, require_roles
from iphub.core.workbooks import open_workbook, sheet_rows
from iphub.finance.audit_actions import Action
from iphub.finance.models import (
    BankLoanReport,
    ClaimStatus,
    CompensationClaim,
    PledgeKind,
    RiskCompensationFund,
)

LOAN_HEADERS = ["银行", "地区代码", "月份", "质押类型", "行业", "笔数", "金额（元）"]
KIND_BY_LABEL = {str(label): str(value) for value, label in PledgeKind.choices} | {
    str(v): str(v) for v in PledgeKind.values
}


# What each figure accepts (issue 18, finding 3); yuan fit DecimalField(16, 2).
FUND_SIZE = NumberRange("资金规模", maximum=YUAN_16)
CLAIM_AMOUNT = NumberRange("申请补偿金额", maximum=YUAN_16)
LOAN_AMOUNT = NumberRange("金额", maximum=YUAN_16)
LOAN_COUNT = NumberRange("笔数", unit="笔", maximum=Decimal(1_000_000), places=0)


def _decimal(value: Any, spec: NumberRange, name: str) -> Decimal:
    return parse_required(value, spec, field=name)


def _date(value: Any, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError("日期格式应为 YYYY-MM-DD。", fields={name: "日期有误。"}) from None


@transaction.atomic
def fund_create(*, actor: Any, data: dict[str, Any]) -> RiskCompensationFund:
    """A supervisor records a risk-compensation fund of a locality inside their region."""
    require_roles(actor, Role.SUPERVISOR)
    region = Region.objects.filter(code=str(data.get("region", ""))).first()
    if region is None:
        msg = "请选择湖北省内的市（州）或县（市、区）：该地区代码不存在。"
        raise ApplicationError(msg, fields={"region": msg})
    ensure_region_access(actor, region)
    name = str(data.get("name", "")).strip()
    if not name:
        raise ApplicationError("请填写名称。", fields={"name": "请填写名称。"})
    fund = RiskCompensationFund.objects.create(
        region=region,
        name=name[:200],
        size=_decimal(data.get("size"), FUND_SIZE, "size"),
        established_on=_date(data.get("established_on"), "established_on"),
        manager=str(data.get("manager", ""))[:200],
    )
    audit_record(
        actor=actor,
        action=Action.FUND_CREATE,
        obj=fund,
        region_path=region.path,
        after=snapshot(fund),
    )
    return fund


@transaction.atomic
def claim_create(*, actor: Any, fund_id: int, data: dict[str, Any]) -> CompensationClaim:
    """A claim on a fund (a bank's loss on a pledge loan)."""
    require_roles(actor, Role.SUPERVISOR)
    fund = RiskCompensationFund.objects.select_related("region").filter(pk=fund_id).first()
    if fund is None:
        raise NotFound("未找到该资金池。")
    ensure_region_access(actor, fund.region)
    status = str(data.get("status") or ClaimStatus.PENDING)
    if status not in ClaimStatus.values:
        msg = "状态只能是：" + "、".join(str(c.label) for c in ClaimStatus) + "。"
        raise ApplicationError(msg, fields={"status": msg})
    for name, label in (("bank", "银行"), ("borrower", "借款企业")):
        if not str(data.get(name, "")).strip():
            raise ApplicationError(f"请填写{label}。", fields={name: f"请填写{label}。"})
    claim = CompensationClaim.objects.create(
        fund=fund,
        bank=str(data.get("bank", "")).strip()[:200],
        borrower=str(data.get("borrower", "")).strip()[:200],
        amount=_decimal(data.get("amount"), CLAIM_AMOUNT, "amount"),
        claimed_on=_date(data.get("claimed_on"), "claimed_on"),
        status=status,
    )
    audit_record(
        actor=actor,
        action=Action.CLAIM_CREATE,
        obj=claim,
        region_path=fund.region.path,
        after=snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_decide(*, actor: Any, claim_id: int, status: str) -> CompensationClaim:
    """Record the fund's decision on a pending claim (paid or rejected)."""
    require_roles(actor, Role.SUPERVISOR)
    claim = (
        CompensationClaim.objects.select_for_update(of=("self",))
        .select_related("fund__region")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound("未找到该补偿申请。")
    ensure_region_access(actor, claim.fund.region)
    if status not in (ClaimStatus.PAID, ClaimStatus.REJECTED):
        raise ApplicationError("状态有误。", fields={"status": "应为已补偿或不予补偿。"})
    if claim.status != ClaimStatus.PENDING:
        raise ApplicationError(
            f"该申请已{claim.get_status_display()}，不能再改。", fields={"status": "已处理。"}
        )
    before = snapshot(claim)
    claim.status = status
    claim.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=Action.CLAIM_DECIDE,
        obj=claim,
        region_path=claim.fund.region.path,
        before=before,
        after=snapshot(claim),
    )
    return claim


@dataclass
class LoanImportResult:
    saved: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _loan_row(actor: Any, cells: list[Any], regions: dict[str, Region]) -> tuple[Any, ...]:
    bank, code, month, kind, industry, loans, amount = cells
    region = regions.get(str(code).strip())
    if region is None:
        raise ValueError(f"地区代码“{code}”不存在")
    ensure_region_access(actor, region)
    if isinstance(month, dt.datetime | dt.date):
        m = dt.date(month.year, month.month, 1)
    else:
        m = dt.date.fromisoformat(f"{str(month).strip()[:7]}-01")
    k = KIND_BY_LABEL.get(str(kind).strip())
    if k is None:
        raise ValueError(f"质押类型“{kind}”应为 专利权质押、商标专用权质押 或 混合质押")
    if not str(bank).strip():
        raise ValueError("银行不能为空")
    n = parse_count(loans, LOAN_COUNT, field="loans", required=True)
    amt = _decimal(amount, LOAN_AMOUNT, "amount")
    return (str(bank).strip()[:200], region, m, k, str(industry).strip()[:100], n, amt)


# Banks report monthly per region and industry: a few hundred rows a file.
MAX_LOAN_ROWS = 10_000


def loans_import(*, actor: Any, fh: IO[bytes], skip_bad: bool = False) -> LoanImportResult:
    """Import bank-reported loans (first sheet, columns ``LOAN_HEADERS``).

    Without ``skip_bad`` one bad row means nothing is saved. Only rows inside the
    actor's region are accepted; a row for the same bank, region, month, kind
    and industry replaces the earlier figure.
    """
    require_roles(actor, Role.SUPERVISOR)
    # The core reader bounds the work: a forged workbook claiming millions of
    # rows is refused, more than MAX_LOAN_ROWS rows are refused with a message.
    wb = open_workbook(fh, unreadable="文件不是有效的 Excel（xlsx）工作簿。")
    regions = {r.code: r for r in Region.objects.all()}
    result, good = LoanImportResult(), []
    for i, row in sheet_rows(wb.worksheets[0], min_row=2, max_rows=MAX_LOAN_ROWS, max_cols=20):
        cells = [("" if c is None else c) for c in [*row, *[""] * 7]][:7]
        try:
            good.append(_loan_row(actor, cells, regions))
        except ApplicationError as exc:
            result.errors.append((i, exc.message))
        except (ValueError, TypeError, InvalidOperation) as exc:
            result.errors.append((i, str(exc) or "数据有误"))
    if result.errors and not skip_bad:
        return result
    with transaction.atomic():
        for bank, region, m, k, industry, n, amt in good:
            BankLoanReport.objects.update_or_create(
                bank=bank,
                region=region,
                month=m,
                pledge_kind=k,
                industry=industry,
                defaults={"loans": n, "amount": amt, "imported_by": actor},
            )
        audit_record(
            actor=actor,
            action=Action.LOANS_IMPORT,
            object_type="finance.bankloanreport",
            object_id="import",
            after={"rows": len(good), "errors": len(result.errors)},
        )
    result.saved = len(good)
    return result
