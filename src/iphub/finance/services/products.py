"""Banks' IP-pledge loan products: published and edited by the bank's own users."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from iphub.core.amounts import YUAN_16, NumberRange, parse_count, parse_required
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Region, RegionLevel
from iphub.finance.audit_actions import Action
from iphub.finance.models import Collateral, LoanProduct
from iphub.finance.workflow import is_bank_user

RATE = NumberRange("年利率", unit="%", maximum=Decimal("36"), places=3, positive=True)
AMOUNT = NumberRange("额度", maximum=YUAN_16, positive=True)
TERM = NumberRange("期限", unit="个月", minimum=Decimal(1), maximum=Decimal(360), places=0)


def _list(data: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    raw = getlist(name) if getlist is not None else data.get(name)
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").split(",")]
    return [str(v).strip() for v in raw if str(v).strip()]


def ensure_bank_user(actor: Any) -> None:
    """Only users acting for an organisation of kind 银行 publish products and answer."""
    if actor is None or not actor.is_authenticated:
        raise ApplicationError("请先登录。", code="not_authenticated", status=401)
    if not is_bank_user(actor):
        raise AccessDenied("此操作仅限银行用户（所属单位类型为“银行”的账号）。")


def product_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a product form: rates, amounts and terms as ranges, collateral, regions."""
    name = str(data.get("name", "")).strip()[:200]
    if not name:
        raise field_error("name", "请填写产品名称。")
    rate_min = parse_required(data.get("rate_min"), RATE, field="rate_min")
    rate_max_raw = data.get("rate_max")
    rate_max = (
        parse_required(rate_max_raw, RATE, field="rate_max")
        if str(rate_max_raw or "").strip()
        else rate_min
    )
    if rate_max < rate_min:
        raise field_error("rate_max", "年利率上限不能低于下限。")
    amount_min = parse_required(data.get("amount_min"), AMOUNT, field="amount_min")
    amount_max = parse_required(data.get("amount_max"), AMOUNT, field="amount_max")
    if amount_max < amount_min:
        raise field_error("amount_max", "额度上限不能低于下限。")
    term_min = parse_count(
        data.get("term_min_months"), TERM, field="term_min_months", required=True
    )
    term_max = parse_count(
        data.get("term_max_months"), TERM, field="term_max_months", required=True
    )
    assert term_min is not None and term_max is not None
    if term_max < term_min:
        raise field_error("term_max_months", "期限上限不能短于下限。")
    collateral = _list(data, "collateral")
    if not collateral:
        raise field_error("collateral", "请至少选择一种接受的质押物。")
    bad = [c for c in collateral if c not in Collateral.values]
    if bad:
        allowed = "、".join(str(c.label) for c in Collateral)
        raise field_error("collateral", f"质押物“{bad[0]}”无效，应为：{allowed}。")
    codes = _list(data, "regions")
    known = set(
        Region.objects.filter(code__in=codes)
        .exclude(level=RegionLevel.PROVINCE)
        .values_list("code", flat=True)
    )
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise field_error(
            "regions", f"地区代码“{unknown[0]}”不是湖北省内的市（州）或县（市、区）。"
        )
    return {
        "name": name,
        "rate_min": rate_min,
        "rate_max": rate_max,
        "amount_min": amount_min,
        "amount_max": amount_max,
        "term_min_months": term_min,
        "term_max_months": term_max,
        "collateral": sorted(set(collateral), key=Collateral.values.index),
        "region_codes": sorted(set(codes)),
        "materials": str(data.get("materials", "")).strip()[:2000],
    }


@transaction.atomic
def product_create(*, actor: Any, data: Mapping[str, Any]) -> LoanProduct:
    """A bank user publishes a loan product of their own bank."""
    ensure_bank_user(actor)
    product = LoanProduct.objects.create(bank=actor.organisation, **product_values(data))
    audit_record(actor=actor, action=Action.PRODUCT_CREATE, obj=product, after=snapshot(product))
    return product


@transaction.atomic
def product_update(
    *, actor: Any, product_id: int, data: Mapping[str, Any], active: bool | None = None
) -> LoanProduct:
    """Edit (or take off sale with ``active=False``) one of the bank's own products."""
    ensure_bank_user(actor)
    product = (
        LoanProduct.objects.select_for_update()
        .filter(pk=product_id, bank=actor.organisation_id)
        .first()
    )
    if product is None:
        raise NotFound("未找到该产品。")
    before = snapshot(product)
    if data:
        for key, value in product_values(data).items():
            setattr(product, key, value)
    if active is not None:
        product.active = active
    product.save()
    audit_record(
        actor=actor,
        action=Action.PRODUCT_UPDATE,
        obj=product,
        before=before,
        after=snapshot(product),
    )
    return product
