"""Thin pages of service tickets: open one, the list (scoped by the selector),
a ticket with the steps its viewer may take, the result file, and the
per-outlet figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core.calendar import LOCAL_TZ
from iphub.core.downloads import protected_file_response
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.pages import form_errors
from iphub.network import services, workflow
from iphub.network.models import TicketState
from iphub.network.selectors import outlets as outlet_sel
from iphub.network.selectors import tickets as sel


@require_POST
@login_required
def ticket_new(request: HttpRequest, outlet_id: int) -> HttpResponseBase:
    """An enterprise or agency account opens a ticket to an outlet."""
    try:
        ticket = services.ticket_open(actor=request.user, outlet_id=outlet_id, data=request.POST)
    except ApplicationError as exc:
        if exc.status in (401, 403, 404):
            raise
        outlet = outlet_sel.outlet_get(outlet_id=outlet_id)
        offered = [(s, lbl) for s, lbl in _offered(outlet)]
        return render(
            request,
            "network/outlet_detail.html",
            {
                "outlet": outlet,
                "offered": offered,
                "may_open": True,
                "signed_in": True,
                "errors": form_errors(exc),
                "values": request.POST,
            },
            status=400,
        )
    messages.success(
        request,
        _("服务工单 %(reference)s 已提交，网点将在时限内答复。") % {"reference": ticket.reference},
    )
    return redirect("network:ticket", ticket.pk)


def _offered(outlet: Any) -> list[tuple[str, Any]]:
    from iphub.network.models import ServiceKind

    return [(s, ServiceKind(s).label) for s in outlet.services if s in ServiceKind.values]


@login_required
def ticket_list(request: HttpRequest) -> HttpResponseBase:
    """The tickets the user may see, newest first, overdue ones marked."""
    state = request.GET.get("state", "")
    qs = sel.ticket_list(user=request.user, state=state)
    current = Paginator(qs, 30).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "network/tickets.html",
        {
            "rows": [(t, sel.ticket_is_overdue(t, now=now)) for t in current],
            "page": current,
            "params": {"state": state} if state else {},
            "state": state,
            "states": TicketState.choices,
            "limit_days": workflow.ticket_days(),
        },
    )


@login_required
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    """One ticket: its question, history, result, rating, and the buttons the
    viewer may press (from ``workflow.available``)."""
    ticket = sel.ticket_get(user=request.user, ticket_id=ticket_id)
    actions = workflow.available(request.user, ticket)
    return render(
        request,
        "network/ticket_detail.html",
        {
            "t": ticket,
            "actions": actions,
            "events": [(e, workflow.step_label(e.action)) for e in ticket.events.all()],
            "overdue": sel.ticket_is_overdue(ticket),
            "has_file": bool(ticket.result_file),
            "rated": ticket.rating is not None,
            "limit_days": workflow.ticket_days(),
            "stars": ["1", "2", "3", "4", "5"],
        },
    )


@require_POST
@login_required
def ticket_act(request: HttpRequest, ticket_id: int, action: str) -> HttpResponseBase:
    """Take one step; a refusal comes back as a message on the ticket's page."""
    version = request.POST.get("version", "")
    try:
        services.ticket_step(
            actor=request.user,
            ticket_id=ticket_id,
            name=action,
            data=request.POST,
            file=request.FILES.get("file"),
            expected_version=int(version) if version.isdigit() else None,
        )
    except ApplicationError as exc:
        if exc.status in (401, 404):
            raise
        messages.error(request, exc.message)
        return redirect("network:ticket", ticket_id)
    messages.success(request, _("已%(step)s。") % {"step": workflow.transition(action).label})
    return redirect("network:ticket", ticket_id)


@login_required
def ticket_file(request: HttpRequest, ticket_id: int) -> HttpResponseBase:
    """The result report, for whoever may see the ticket."""
    ticket = sel.ticket_get(user=request.user, ticket_id=ticket_id)
    if not ticket.result_file:
        raise NotFound("该工单没有结果附件。")
    return protected_file_response(
        ticket.result_file,
        filename=ticket.result_file_name or "result",
        content_type=ticket.result_file_type or "application/octet-stream",
    )


def _month_start(today: dt.date, months_back: int) -> dt.datetime:
    y, m = today.year, today.month - months_back
    while m <= 0:
        y, m = y - 1, m + 12
    return dt.datetime(y, m, 1, tzinfo=LOCAL_TZ)


@login_required
def outlet_stats(request: HttpRequest) -> HttpResponseBase:
    """Per outlet: tickets received, answered, on time, open past the limit,
    the average rating — over the last 12 months (or the chosen year)."""
    now = timezone.now()
    today = timezone.localtime(now).date()
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= today.year:
        start = dt.datetime(int(year), 1, 1, tzinfo=LOCAL_TZ)
        end = dt.datetime(int(year) + 1, 1, 1, tzinfo=LOCAL_TZ)
        period = f"{year} 年"
    else:
        year = ""
        start, end = _month_start(today, 11), now + dt.timedelta(seconds=1)
        period = "近 12 个月"
    figures = sel.outlet_performance(user=request.user, start=start, end=end, now=now)
    totals = {
        "received": sum(f.received for f in figures),
        "answered": sum(f.answered for f in figures),
        "on_time": sum(f.on_time for f in figures),
        "open_overdue": sum(f.open_overdue for f in figures),
    }
    return render(
        request,
        "network/stats.html",
        {
            "figures": figures,
            "totals": totals,
            "period": period,
            "year": year,
            "years": [str(y) for y in range(today.year, today.year - 4, -1)],
            "limit_days": workflow.ticket_days(),
        },
    )
