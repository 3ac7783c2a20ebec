"""Thin pages of 专利找企业 (pushes received and sent) and 技术经理人 (brokers,
their assignments, contact logs and funnel). Calls live in ``views_calls``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.brokerage import selectors, services
from iphub.brokerage.models import ContactChannel, ContactOutcome, PushAnswer
from iphub.brokerage.services.brokers import IPC_SECTIONS
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.exports import xlsx_response
from iphub.core.jobs import job_progress_response
from iphub.core.pages import refusals_back_to
from iphub.transfer.access import is_member


def _org(request: HttpRequest) -> int | None:
    return getattr(request.user, "organisation_id", None)


# -- pushes received -------------------------------------------------------------------


@login_required
def push_inbox(request: HttpRequest) -> HttpResponseBase:
    pushes = list(selectors.push_inbox(user=request.user)[:200])
    return render(
        request,
        "brokerage/push_inbox.html",
        {
            "pushes": pushes,
            "muted": selectors.pushes_muted(user=request.user),
            "can_mute": is_member(request.user, _org(request)),
        },
    )


@login_required
@require_POST
@refusals_back_to("brokerage:push_inbox")
def push_mute(request: HttpRequest) -> HttpResponseBase:
    muted = request.POST.get("muted") == "1"
    services.push_mute(actor=request.user, muted=muted)
    messages.success(request, _("已设置不接收专利推送。") if muted else _("已恢复接收专利推送。"))
    return redirect("brokerage:push_inbox")


@login_required
def push_detail(request: HttpRequest, push_id: int) -> HttpResponseBase:
    push = selectors.push_get(user=request.user, push_id=push_id)
    if push.opened_at is None:
        push = services.push_open(actor=request.user, push_id=push_id)
    return render(
        request,
        "brokerage/push_detail.html",
        {
            "push": push,
            "reasons": selectors.push_reasons(push),
            "answered": bool(push.answer),
            "interested": push.answer == PushAnswer.INTERESTED,
            "needs": list(selectors.open_needs_of(user=request.user)),
        },
    )


@login_required
@require_POST
@refusals_back_to("brokerage:push_detail", "push_id")
def push_answer(request: HttpRequest, push_id: int) -> HttpResponseBase:
    push = services.push_answer(
        actor=request.user,
        push_id=push_id,
        answer=request.POST.get("answer", ""),
        note=request.POST.get("note", ""),
        need_id=request.POST.get("need") or None,
        problem=request.POST.get("problem", ""),
        contact_name=request.POST.get("contact_name", ""),
        contact_phone=request.POST.get("contact_phone", ""),
    )
    if push.match_id:
        messages.success(request, _("已告知专利持有单位贵单位有意向，对方将与您联系。"))
    else:
        messages.success(request, _("已答复。"))
    return redirect("brokerage:push_detail", push_id=push_id)


# -- pushes sent -------------------------------------------------------------------


def _rows(pushes: Any) -> list[dict[str, Any]]:
    return [
        {
            "push": p,
            "reasons": selectors.push_reasons(p),
            "opened": p.opened_at is not None,
            "interested": p.answer == PushAnswer.INTERESTED,
        }
        for p in pushes
    ]


@login_required
def sent(request: HttpRequest) -> HttpResponseBase:
    if not is_member(request.user, _org(request)):
        raise NotFound(_("只有企业、高校或服务机构账号可以推送专利。"))
    listings = list(selectors.holder_listings(user=request.user))
    rows = [
        (
            listing,
            selectors.push_summary(selectors.holder_pushes(user=request.user, listing=listing)),
        )
        for listing in listings
    ]
    portfolio = selectors.holder_pushes(user=request.user)
    return render(
        request,
        "brokerage/sent.html",
        {"rows": rows, "portfolio": selectors.push_summary(portfolio)},
    )


def _sent_page(request: HttpRequest, listing: Any) -> HttpResponseBase:
    pushes = selectors.holder_pushes(user=request.user, listing=listing)
    run = selectors.push_run_latest(user=request.user, listing=listing)
    return render(
        request,
        "brokerage/sent_detail.html",
        {
            "listing": listing,
            "rows": _rows(pushes),
            "summary": selectors.push_summary(pushes),
            "job": selectors.push_run_progress(run) if run else None,
        },
    )


@login_required
def listing_pushes(request: HttpRequest, listing_id: int) -> HttpResponseBase:
    listing = selectors.listing_for_holder(user=request.user, listing_id=listing_id)
    return _sent_page(request, listing)


@login_required
def portfolio_pushes(request: HttpRequest) -> HttpResponseBase:
    if not is_member(request.user, _org(request)):
        raise NotFound(_("只有企业、高校或服务机构账号可以推送专利。"))
    return _sent_page(request, None)


@login_required
@require_POST
def push_run_new(request: HttpRequest) -> HttpResponseBase:
    listing_id = request.POST.get("listing")
    back = (
        redirect("brokerage:listing_pushes", listing_id=int(listing_id))
        if listing_id and listing_id.isdigit()
        else redirect("brokerage:portfolio_pushes")
    )
    try:
        services.push_run_request(
            actor=request.user,
            listing_id=int(listing_id) if listing_id and listing_id.isdigit() else None,
            per_patent=request.POST.get("per_patent", "5"),
        )
    except ApplicationError as exc:
        if exc.status in (401, 404):
            raise
        messages.error(request, exc.message)
        return back
    messages.success(request, _("已开始为专利排序企业，完成后推送给排名靠前的企业。"))
    return back


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponseBase:
    run = selectors.push_run_get(user=request.user, run_id=run_id)
    return job_progress_response(request, selectors.push_run_progress(run))


# -- brokers -------------------------------------------------------------------


@login_required
def broker_list(request: HttpRequest) -> HttpResponseBase:
    staff = selectors.is_broker_staff(request.user)
    brokers = list(selectors.broker_list(user=request.user))
    rows = [
        {
            "broker": b,
            "can_verify": staff and b.status == "pending",
            "can_revoke": staff and b.status != "revoked",
        }
        for b in brokers
    ]
    me = selectors.broker_of(user=request.user)
    return render(
        request,
        "brokerage/broker_list.html",
        {
            "rows": rows,
            "staff": staff,
            "me": me,
            "can_apply": me is None and is_member(request.user, _org(request)),
        },
    )


@login_required
def broker_new(request: HttpRequest) -> HttpResponseBase:
    staff = selectors.is_broker_staff(request.user)
    if not staff and not is_member(request.user, _org(request)):
        raise NotFound(_("只有窗口人员或企业、服务机构账号可以登记技术经理人。"))
    error, data = None, {}
    if request.method == "POST":
        data = request.POST.dict()
        data_in: dict[str, Any] = dict(data)
        data_in["ipc_sections"] = request.POST.getlist("ipc_sections")
        try:
            services.broker_register(
                actor=request.user, data=data_in, username=data.get("username", "")
            )
        except ApplicationError as exc:
            if exc.status in (401, 404):
                raise
            error = exc
        else:
            messages.success(
                request, _("已登记技术经理人。") if staff else _("已提交登记，待窗口人员核验。")
            )
            return redirect("brokerage:broker_list")
    return render(
        request,
        "brokerage/broker_form.html",
        {"staff": staff, "error": error, "data": data, "sections": IPC_SECTIONS},
    )


@login_required
@require_POST
@refusals_back_to("brokerage:broker_list")
def broker_action(request: HttpRequest, broker_id: int, action: str) -> HttpResponseBase:
    if action == "verify":
        services.broker_verify(actor=request.user, broker_id=broker_id)
        messages.success(request, _("已核验。"))
    elif action == "revoke":
        services.broker_revoke(actor=request.user, broker_id=broker_id)
        messages.success(request, _("已撤销。"))
    else:
        raise NotFound()
    return redirect("brokerage:broker_list")


@login_required
def broker_funnel(request: HttpRequest) -> HttpResponseBase:
    rows = selectors.broker_funnel(user=request.user)
    headers = selectors.funnel_headers()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "技术经理人漏斗.xlsx",
            _("技术经理人漏斗"),
            headers,
            ([r.broker.name, r.broker.certifying_body, *r.row] for r in rows),
            fallback="broker-funnel.xlsx",
        )
    return render(request, "brokerage/funnel.html", {"rows": rows, "headers": headers})


@login_required
def assignments_mine(request: HttpRequest) -> HttpResponseBase:
    me = selectors.broker_of(user=request.user)
    rows = [
        {"a": a, "step": selectors.FUNNEL_STEPS[selectors.assignment_step(a)]}
        for a in selectors.broker_assignments(user=request.user)
    ]
    return render(request, "brokerage/assignments.html", {"rows": rows, "me": me})


@login_required
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponseBase:
    a = selectors.assignment_get(user=request.user, assignment_id=assignment_id)
    return render(
        request,
        "brokerage/assignment_detail.html",
        {
            "a": a,
            "logs": list(a.logs.all()),
            "can_log": a.broker.user_id == request.user.pk,
            "channels": ContactChannel.choices,
            "outcomes": ContactOutcome.choices,
            "today": selectors.today(),
        },
    )


@login_required
@require_POST
@refusals_back_to("brokerage:assignment_detail", "assignment_id")
def contact_log_add(request: HttpRequest, assignment_id: int) -> HttpResponseBase:
    services.contact_log_add(
        actor=request.user, assignment_id=assignment_id, data=request.POST.dict()
    )
    messages.success(request, _("已记录联络情况。"))
    return redirect("brokerage:assignment_detail", assignment_id=assignment_id)


@login_required
def assign(request: HttpRequest) -> HttpResponseBase:
    error = None
    if request.method == "POST":
        subject = request.POST.get("subject", "")
        kind, _sep, pk = subject.partition(":")
        try:
            a = services.assignment_set(
                actor=request.user,
                broker_id=int(request.POST.get("broker") or 0),
                match_id=int(pk) if kind == "match" and pk.isdigit() else None,
                call_id=int(pk) if kind == "call" and pk.isdigit() else None,
            )
        except ApplicationError as exc:
            if exc.status in (401, 404):
                raise
            error = exc
        else:
            messages.success(request, _("已指派技术经理人。"))
            return redirect("brokerage:assignment_detail", assignment_id=a.pk)
    from iphub.brokerage.selectors import assignable_matches, calls_mine

    return render(
        request,
        "brokerage/assign.html",
        {
            "error": error,
            "brokers": list(selectors.broker_choices()),
            "matches": list(assignable_matches(user=request.user)),
            "calls": list(calls_mine(user=request.user).filter(state="open")),
            "selected": request.GET.get("subject", ""),
        },
    )
