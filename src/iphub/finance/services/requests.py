"""Financing requests (融资需求): an enterprise asks for an amount and term,
offers patents and marks of its own portfolio, and sends the request to banks it
chooses or to the banks whose products fit. Each bank gets an answer slot with a
working-day deadline (``finance/workflow.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from iphub.core.amounts import YUAN_16, NumberRange, parse_count, parse_required
from iphub.core.audit import audit_record
from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, ApplicationError, field_error
from iphub.core.models import Organisation, OrganisationKind, Role
from iphub.filings import checks
from iphub.finance import workflow
from iphub.finance.audit_actions import Action
from iphub.finance.models import (
    AnswerEvent,
    AnswerState,
    BankAnswer,
    FinancingRequest,
    LoanProduct,
)
from iphub.finance.selectors.financing import (
    patent_collateral,
    product_fits,
    products_fitting,
    trademark_collateral,
)
from iphub.finance.services import notices
from iphub.finance.services.products import _list
from iphub.patents.models import Patent, Trademark

AMOUNT = NumberRange("融资金额", maximum=YUAN_16, positive=True)
TERM = NumberRange("融资期限", unit="个月", minimum=Decimal(1), maximum=Decimal(360), places=0)
MAX_RIGHTS = 20
# The platform sends an unrouted request to at most this many fitting banks.
MAX_PROPOSED = 5


def ensure_enterprise(actor: Any) -> Organisation:
    """Requests are made by enterprise users for their own organisation (not banks)."""
    if actor is None or not actor.is_authenticated:
        raise ApplicationError("请先登录。", code="not_authenticated", status=401)
    org = actor.organisation if actor.organisation_id else None
    if actor.role != Role.ENTERPRISE or org is None or org.kind == OrganisationKind.BANK:
        raise AccessDenied("融资需求只能由企业用户以本单位名义提出。")
    return org


def _patents(org: Organisation, numbers: list[str], *, co_owned: bool) -> list[Patent]:
    """The offered patents: recorded, granted and in force, the enterprise their
    patentee of record, not pledged — the pledge filing's own checks."""
    today = timezone.now().astimezone(LOCAL_TZ).date()
    out: list[Patent] = []
    for raw in numbers:
        number = checks.canonical_number(raw, field="patents")
        patent = checks.patent_for(number, field="patents")
        checks.ensure_in_force(patent, today=today, field="patents")
        try:
            checks.ensure_patentee(patent, org.name, co_owner_consent=co_owned, field="patents")
        except ApplicationError as exc:
            raise field_error("patents", exc.message) from None
        checks.ensure_not_pledged(patent, field="patents")
        if patent not in out:
            out.append(patent)
    return out


def _trademarks(org: Organisation, numbers: list[str]) -> list[Trademark]:
    out: list[Trademark] = []
    for raw in numbers:
        number = checks.trademark_number(raw, field="trademarks")
        mark = checks.trademark_for(number)
        if mark is None:
            raise field_error("trademarks", f"商标库中没有注册号为 {number} 的商标。")
        checks.ensure_trademark_registered(mark, field="trademarks")
        checks.ensure_trademark_owner(mark, org.name, field="trademarks")
        checks.ensure_trademark_not_pledged(number, field="trademarks")
        if mark not in out:
            out.append(mark)
    return out


def _routes(
    data: Mapping[str, Any], *, amount: Decimal, term: int, kinds: set[str], org: Organisation
) -> list[tuple[Organisation, LoanProduct | None]]:
    """The banks the request goes to: chosen products (each must fit), chosen banks,
    or — with neither — the banks of the fitting products (``auto``)."""
    routes: dict[int, tuple[Organisation, LoanProduct | None]] = {}
    product_ids = [p for p in _list(data, "products") if p.isdigit()]
    products = list(
        LoanProduct.objects.select_related("bank").filter(pk__in=product_ids, active=True)
    )
    if len(products) != len(set(product_ids)):
        raise field_error("products", "所选产品不存在或已下架，请从列表中选择。")
    for product in products:
        why = product_fits(product, amount=amount, term_months=term, kinds=kinds, region=org.region)
        if why:
            raise field_error("products", f"产品“{product.name}”不适合本需求：{'；'.join(why)}。")
        routes.setdefault(product.bank_id, (product.bank, product))
    bank_ids = [b for b in _list(data, "banks") if b.isdigit()]
    banks = Organisation.objects.filter(pk__in=bank_ids, kind=OrganisationKind.BANK)
    if len(banks) != len(set(bank_ids)):
        raise field_error("banks", "所选银行不存在，请从列表中选择。")
    for bank in banks:
        routes.setdefault(bank.pk, (bank, None))
    if not routes:
        fitting = products_fitting(amount=amount, term_months=term, kinds=kinds, region=org.region)
        for product in fitting:
            if len(routes) >= MAX_PROPOSED:
                break
            routes.setdefault(product.bank_id, (product.bank, product))
    if not routes:
        raise field_error(
            "banks",
            "没有适合本需求的银行产品（额度、期限、质押物或服务地区不符）；请调整需求或直接选择银行。",
        )
    return list(routes.values())


def new_slot(request: FinancingRequest, bank: Organisation, product: Any, now: dt.datetime) -> Any:
    """The unsaved answer slot of one bank, due ``FINANCE_ANSWER_DAYS`` working days on."""
    return BankAnswer(
        request=request,
        bank=bank,
        product=product,
        state=AnswerState.WAITING,
        due_at=workflow.deadline(None, at=now),
        created_at=now,
    )


@transaction.atomic
def request_create(
    *, actor: Any, data: Mapping[str, Any], now: dt.datetime | None = None
) -> FinancingRequest:
    """An enterprise asks for financing (see the module's docstring). ``data``:
    amount (元), term_months, purpose, patents (application numbers), trademarks
    (registration numbers), co_owner_consent, products and/or banks (ids)."""
    now = now or timezone.now()
    org = ensure_enterprise(actor)
    amount = parse_required(data.get("amount"), AMOUNT, field="amount")
    term = parse_count(data.get("term_months"), TERM, field="term_months", required=True)
    assert term is not None
    numbers, marks = _list(data, "patents"), _list(data, "trademarks")
    if not numbers and not marks:
        raise field_error("patents", "请至少选择一件本单位的专利或商标作为质押物。")
    if len(numbers) + len(marks) > MAX_RIGHTS:
        raise field_error("patents", f"一次最多选择 {MAX_RIGHTS} 件专利或商标。")
    co_owned = str(data.get("co_owner_consent", "")).lower() in ("1", "true", "on", "yes")
    patents = _patents(org, numbers, co_owned=co_owned)
    trademarks = _trademarks(org, marks)
    kinds = {patent_collateral(p) for p in patents} | {trademark_collateral(m) for m in trademarks}
    routes = _routes(data, amount=amount, term=term, kinds=kinds, org=org)
    request = FinancingRequest.objects.create(
        organisation=org,
        region=org.region,
        created_by=actor,
        amount=amount,
        term_months=term,
        purpose=str(data.get("purpose", "")).strip()[:300],
        created_at=now,
    )
    request.patents.set(patents)
    request.trademarks.set(trademarks)
    slots = BankAnswer.objects.bulk_create([new_slot(request, b, p, now) for b, p in routes])
    AnswerEvent.objects.bulk_create(
        [
            AnswerEvent(
                answer=s,
                action="create",
                to_state=s.state,
                actor_name=actor.get_username(),
                at=now,
            )
            for s in slots
        ]
    )
    audit_record(
        actor=actor,
        action=Action.REQUEST_CREATE,
        obj=request,
        region_path=org.region.path,
        after={
            "amount": amount,
            "term_months": term,
            "patents": [p.application_number for p in patents],
            "trademarks": [m.registration_number for m in trademarks],
            "banks": [b.name for b, _ in routes],
        },
    )
    # Each bank asked is told in its financing inbox.
    notices.notify_organisations(
        [b.pk for b, _ in routes],
        title=f"新的融资需求 {request.reference}：{org.name}",
        body=f"融资金额 {amount:,.2f} 元，期限 {term} 个月；请在答复时限内答复。",
        link=notices.request_link(request.pk),
        now=now,
    )
    return request
