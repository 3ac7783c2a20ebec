"""Staff pages of deals (成交): record a concluded transfer or licence with its
一网通办 filing, link a filing to a deal recorded earlier, and the region's deal
list with filters and Excel export. Every write goes through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from iphub.core.errors import ApplicationError
from iphub.core.exports import xlsx_response
from iphub.transfer import selectors, services
from iphub.transfer.models import DealKind

DEAL_FIELDS = ("kind", "amount", "signed_on", "term_end", "filing_reference")
DEAL_COLUMNS = [
    "编号",
    "签订日期",
    "类型",
    "金额（元）",
    "转让/许可方",
    "受让/被许可方",
    "统计地区",
    "专利申请号",
    "许可期限至",
    "备案/登记号",
    "对接活动",
]


def _optional_id(raw: str | None, field: str, what: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        msg = f"请重新选择{what}。"
        raise ApplicationError(msg, fields={field: msg}) from None


def _required_id(raw: str | None, field: str, what: str) -> int:
    value = _optional_id(raw, field, what)
    if value is None:
        msg = f"请选择{what}。"
        raise ApplicationError(msg, fields={field: msg})
    return value


def _deal_context(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    sellers, buyers = selectors.deal_party_choices(user=request.user)
    return {
        "kinds": DealKind.choices,
        "sellers": sellers,
        "buyers": buyers,
        "filings": selectors.deal_filing_choices(
            user=request.user, kind=data.get("kind", ""), q=data.get("filing_q", "")
        )[:200],
        "filing_hint": selectors.deal_filing_kind_label(data.get("kind", "")),
        "data": data,
    }


@login_required
def deal_new(request: HttpRequest) -> HttpResponseBase:
    """Record a deal; from an event pair or a match the parties and patent come filled in."""
    data: dict[str, Any] = {"kind": DealKind.TRANSFER}
    if request.method != "POST":
        match_id = _optional_id(request.GET.get("match"), "match", "匹配")
        if match_id is not None:
            data |= vars(selectors.deal_prefill(user=request.user, match_id=match_id))
        data["event_id"] = _optional_id(request.GET.get("event"), "event", "对接活动")
    context = _deal_context(request, data)
    if request.method != "POST":
        return render(request, "transfer/deal_form.html", context)
    post = request.POST
    data = {k: post.get(k, "").strip() for k in DEAL_FIELDS}
    data |= {
        "seller_id": post.get("seller", ""),
        "buyer_id": post.get("buyer", ""),
        "patents": post.get("patents", ""),
        "filing_id": post.get("filing", ""),
        "filing_q": post.get("filing_q", "").strip(),
        "match_id": post.get("match", ""),
        "event_id": post.get("event", ""),
    }
    try:
        deal = services.deal_record(
            actor=request.user,
            data=data,
            seller_id=_required_id(data["seller_id"], "seller", "转让/许可方"),
            buyer_id=_required_id(data["buyer_id"], "buyer", "受让/被许可方"),
            patent_ids=[p.pk for p in selectors.deal_patents_by_numbers(data["patents"])],
            match_id=_optional_id(data["match_id"], "match", "匹配"),
            event_id=_optional_id(data["event_id"], "event", "对接活动"),
            filing_id=_optional_id(data["filing_id"], "filing", "一网通办办件"),
        )
    except ApplicationError as exc:
        context = _deal_context(request, data) | {"error": exc}
        return render(request, "transfer/deal_form.html", context, status=exc.status)
    note = (
        f"，已关联 {deal.filing_reference}"
        if deal.filing_id
        else "；备案/登记办结后可在成交台账中关联"
    )
    messages.success(
        request, f"成交已登记：{deal.get_kind_display()} {deal.amount} 元（#{deal.pk}）{note}。"
    )
    return redirect("transfer:deal_list")


@login_required
def deal_filing_options(request: HttpRequest) -> HttpResponseBase:
    """The filing picker's options for a deal type and a search (HTMX)."""
    filings = selectors.deal_filing_choices(
        user=request.user,
        kind=request.GET.get("kind", ""),
        q=request.GET.get("filing_q", "").strip(),
    )[:200]
    return render(
        request,
        "transfer/_filing_options.html",
        {"filings": filings, "data": {"filing_id": request.GET.get("filing", "")}},
    )


@login_required
def deal_filing(request: HttpRequest, deal_id: int) -> HttpResponseBase:
    """Link a deal recorded earlier to its filing once the filing exists."""
    deal = selectors.deal_get(user=request.user, deal_id=deal_id)
    q = request.GET.get("filing_q", "").strip()
    filings = selectors.deal_filing_choices(user=request.user, kind=deal.kind, q=q)[:200]
    context: dict[str, Any] = {
        "deal": deal,
        "filings": filings,
        "filing_hint": selectors.deal_filing_kind_label(deal.kind),
        "data": {"kind": deal.kind, "filing_q": q},
    }
    if request.method == "POST":
        try:
            filing_id = _required_id(request.POST.get("filing"), "filing", "要关联的办件")
            deal = services.deal_link_filing(
                actor=request.user, deal_id=deal_id, filing_id=filing_id
            )
        except ApplicationError as exc:
            context |= {"error": exc}
            return render(request, "transfer/deal_filing.html", context, status=exc.status)
        messages.success(request, f"成交 #{deal.pk} 已关联 {deal.filing_reference}。")
        return redirect("transfer:deal_list")
    return render(request, "transfer/deal_filing.html", context)


def _deal_row(d: Any) -> list[Any]:
    return [
        d.pk,
        d.signed_on,
        d.get_kind_display(),
        d.amount,
        d.seller.name,
        d.buyer.name,
        d.region.name,
        "、".join(p.application_number for p in d.patents.all()),
        d.term_end or "",
        d.filing_reference,
        d.event.title if d.event else "",
    ]


@login_required
def deal_list(request: HttpRequest) -> HttpResponseBase:
    """The region's deals, by type and month of signing, with Excel export."""
    params = {k: request.GET.get(k, "").strip() for k in ("kind", "month")}
    context: dict[str, Any] = {"params": params, "kinds": DealKind.choices}
    try:
        qs = selectors.deal_list(user=request.user, **params)
    except ApplicationError as exc:
        if exc.status != 400:
            raise
        # A bad filter is named on the page; the list is not filtered by guesswork.
        context["error"] = exc
        return render(request, "transfer/deal_list.html", context, status=400)
    if request.GET.get("export") == "xlsx":
        labels = dict(DealKind.choices)
        query = {
            "类型": labels.get(params["kind"], "全部"),
            "月份": params["month"] or "全部",
            "导出人": request.user.get_username(),
        }
        return xlsx_response(
            "deals.xlsx",
            "知慧桥成交",
            DEAL_COLUMNS,
            (_deal_row(d) for d in qs.iterator(chunk_size=500)),
            query=query,
        )
    context["page"] = Paginator(qs, 50).get_page(request.GET.get("page"))
    context["export_url"] = reverse("transfer:deal_list")
    context["can_record"] = _may_record_deals(request.user)
    return render(request, "transfer/deal_list.html", context)


def _may_record_deals(user: Any) -> bool:
    """Registering a deal and linking it to its filing are for the region's staff (the
    filing choices check the roles the services do); an auditor only reads the list."""
    try:
        selectors.deal_filing_choices(user=user)
    except ApplicationError:
        return False
    return True
