"""Thin pages of insurance, fund loss sharing and the finance figures (with
charts and Excel). Every rule lives in services; pages get flags from selectors."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from iphub.core.errors import ApplicationError
from iphub.core.exports import xlsx_response
from iphub.core.pages import form_errors
from iphub.core.permissions import region_path_of
from iphub.finance import selectors
from iphub.finance.models import ClaimOutcome, PolicyKind
from iphub.finance.selectors import figures
from iphub.finance.selectors import financing as fsel
from iphub.finance.selectors import insurance as isel
from iphub.finance.services import insurance, sharing

# ---------------------------------------------------------------- insurance


@login_required
def policy_list(request: HttpRequest) -> HttpResponseBase:
    """Policies the user may see; organisations register new ones here."""
    user: Any = request.user
    kind = request.GET.get("kind", "")
    kind = kind if kind in PolicyKind.values else ""
    return render(
        request,
        "finance/policies.html",
        {
            "policies": isel.policy_list(user=user, kind=kind)[:300],
            "kinds": PolicyKind.choices,
            "kind": kind,
            "may_register": region_path_of(user) is None and user.organisation_id is not None,
        },
    )


@login_required
def policy_new(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            policy = insurance.policy_create(actor=user, data=request.POST)
            messages.success(request, "保单已登记。")
            return redirect("finance:policy", policy_id=policy.pk)
        except ApplicationError as exc:
            if exc.status in (401, 403):
                raise
            errors = form_errors(exc)
    return render(
        request,
        "finance/policy_form.html",
        {
            "values": request.POST,
            "errors": errors,
            "kinds": PolicyKind.choices,
            "patents": fsel.own_patents(user=user),
            "chosen": set(request.POST.getlist("patents")),
        },
        status=400 if errors else 200,
    )


@login_required
def policy_detail(request: HttpRequest, policy_id: int) -> HttpResponseBase:
    """A policy with its claims and the case each arises from; its insured or
    insurer files claims and records outcomes."""
    user: Any = request.user
    policy = isel.policy_get(user=user, policy_id=policy_id)
    may_act = isel.may_register(user, policy)
    errors: dict[str, str] = {}
    if request.method == "POST" and may_act:
        try:
            if request.POST.get("claim"):
                insurance.claim_settle(
                    actor=user,
                    claim_id=int(request.POST["claim"]),
                    outcome=request.POST.get("outcome", ""),
                    amount_paid=request.POST.get("amount_paid"),
                )
                messages.success(request, "已记录理赔结果。")
            else:
                insurance.claim_file(actor=user, policy_id=policy.pk, data=request.POST)
                messages.success(request, "理赔已登记。")
            return redirect("finance:policy", policy_id=policy.pk)
        except (ApplicationError, ValueError) as exc:
            if isinstance(exc, ApplicationError) and exc.status in (401, 403, 404):
                raise
            errors = (
                form_errors(exc) if isinstance(exc, ApplicationError) else {"form": "请求有误。"}
            )
    claims = [
        {"claim": c, "pending": c.outcome == ClaimOutcome.PENDING and may_act}
        for c in isel.claim_list(policy)
    ]
    return render(
        request,
        "finance/policy_detail.html",
        {
            "policy": policy,
            "claims": claims,
            "may_act": may_act,
            "errors": errors,
            "values": request.POST,
            "assistance": isel.assistance_choices(policy) if may_act else [],
            "today": timezone.localdate().isoformat(),
        },
        status=400 if errors else 200,
    )


# ---------------------------------------------------------------- loss sharing


@login_required
def fund_sharing(request: HttpRequest, fund_id: int) -> HttpResponseBase:
    """A fund's loss shares, its defaults split to the fen, and its balance."""
    user: Any = request.user
    fund = selectors.fund_get(user=user, fund_id=fund_id)
    can_edit = sharing.may_share(user)
    errors: dict[str, str] = {}
    if request.method == "POST" and can_edit:
        try:
            if request.POST.get("what") == "shares":
                sharing.fund_shares_set(actor=user, fund_id=fund.pk, data=request.POST)
                messages.success(request, "分担比例已保存。")
            else:
                sharing.default_record(actor=user, fund_id=fund.pk, data=request.POST)
                messages.success(request, "违约损失已按比例分担。")
            return redirect("finance:fund_sharing", fund_id=fund.pk)
        except ApplicationError as exc:
            if exc.status in (401, 403, 404):
                raise
            errors = form_errors(exc)
        fund = selectors.fund_get(user=user, fund_id=fund_id)
    return render(
        request,
        "finance/fund_sharing.html",
        {
            "fund": fund,
            "balance": figures.fund_balance(fund),
            "defaults": fund.defaults.select_related("bank", "region"),
            "shares_set": sharing.fund_shares(fund) is not None,
            "can_edit": can_edit,
            "errors": errors,
            "values": request.POST,
            "banks": fsel.bank_list(),
            "regions": selectors.fund_regions(user=user),
        },
        status=400 if errors else 200,
    )


# ---------------------------------------------------------------- figures


def _chart(rows: list[Any], value: str) -> str:
    return json.dumps([[r.label, float(getattr(r, value))] for r in rows], ensure_ascii=False)


@login_required
def figures_page(request: HttpRequest) -> HttpResponseBase:
    """What feeds supervision: pledges by month, city, bank and industry; request
    conversion; insurance cover; fund exposure — on the page, as charts, as Excel."""
    user: Any = request.user
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    totals = selectors.pledge_totals(user=user, year=year)
    conv = figures.conversion(user=user, year=year)
    cover = figures.insurance_cover(user=user, year=year)
    exposure = figures.fund_exposure(user=user)
    export = request.GET.get("export", "")
    pledge_headers = ["名称", "件数", "金额（元）"]
    sheets: dict[str, tuple[str, list[str], list[list[Any]]]] = {
        "pledge-month": ("质押融资按月份", pledge_headers, [list(r) for r in totals.by_month]),
        "pledge-city": ("质押融资按地区", pledge_headers, [list(r) for r in totals.by_region]),
        "pledge-bank": ("质押融资按银行", pledge_headers, [list(r) for r in totals.by_bank]),
        "pledge-industry": (
            "质押融资按产业",
            pledge_headers,
            [list(r) for r in totals.by_industry],
        ),
        "conversion-city": (
            "融资需求转化按地市",
            figures.CONVERSION_HEADERS,
            [r.cells() for r in [*conv.by_city, conv.total]],
        ),
        "conversion-bank": (
            "融资需求转化按银行",
            figures.CONVERSION_HEADERS,
            [r.cells() for r in conv.by_bank],
        ),
        "cover-kind": (
            "保险按险种",
            figures.COVER_HEADERS,
            [r.cells() for r in [*cover.by_kind, cover.total]],
        ),
        "cover-city": ("保险按地市", figures.COVER_HEADERS, [r.cells() for r in cover.by_city]),
        "cover-month": ("保险按月份", figures.COVER_HEADERS, [r.cells() for r in cover.by_month]),
        "exposure-bank": (
            "风险分担按银行",
            figures.EXPOSURE_HEADERS,
            [r.cells() for r in [*exposure.by_bank, exposure.total]],
        ),
        "exposure-city": (
            "风险分担按地市",
            figures.EXPOSURE_HEADERS,
            [r.cells() for r in exposure.by_city],
        ),
    }
    if export in sheets:
        title, headers, rows = sheets[export]
        return xlsx_response(
            f"finance-{export}.xlsx", title, headers, rows, query={"年度": year or "全部"}
        )
    charts = {
        "month": json.dumps([[m, float(a)] for m, _, a in totals.by_month], ensure_ascii=False),
        "city": json.dumps([[m, float(a)] for m, _, a in totals.by_region], ensure_ascii=False),
        "conversion": _chart(conv.by_city, "loaned"),
        "cover": _chart(cover.by_kind, "sum_insured"),
    }
    return render(
        request,
        "finance/figures.html",
        {
            "year": year,
            "totals": totals,
            "conv": conv,
            "cover": cover,
            "exposure": exposure,
            "charts": charts,
            "cover_groups": [
                (_("险种"), cover.by_kind),
                (_("地市"), cover.by_city),
                (_("月份"), cover.by_month),
            ],
            "exposure_groups": [(_("银行"), exposure.by_bank), (_("地市"), exposure.by_city)],
            "exports": [(k, v[0]) for k, v in sheets.items()],
        },
    )
