"""Pages of docking events (对接活动): the public list, the staff creation form, and
the event page where staff invite the best-matched pairs, see who registered and
record each pair's outcome, and enterprises register to attend."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from iphub.core.errors import ApplicationError
from iphub.core.permissions import has_role
from iphub.navigation.selectors import chain_list
from iphub.transfer import selectors, services
from iphub.transfer.access import STAFF_ROLES, is_staff_over
from iphub.transfer.models import EventStatus, PairOutcome

EVENT_FIELDS = ("title", "industry_chain", "ipc_prefixes", "date", "venue", "online_url", "region")


def event_list(request: HttpRequest) -> HttpResponseBase:
    return render(
        request,
        "transfer/event_list.html",
        {
            "events": selectors.event_list()[:100],
            "can_create": has_role(request.user, *STAFF_ROLES),
        },
    )


@login_required
def event_new(request: HttpRequest) -> HttpResponseBase:
    """Staff announce an event; the service checks the role and the host region."""
    regions = list(selectors.event_region_choices(user=request.user))
    user: Any = request.user
    context: dict[str, Any] = {
        "regions": regions,
        "chains": [c.name for c in chain_list()],
        "data": {"region": user.region_id or ""},
    }
    if request.method == "POST":
        data = {k: request.POST.get(k, "").strip() for k in EVENT_FIELDS}
        try:
            event = services.event_create(actor=request.user, data=data)
        except ApplicationError as exc:
            context |= {"error": exc, "data": data}
            return render(request, "transfer/event_form.html", context, status=exc.status)
        messages.success(
            request, "活动已创建。下一步：点“邀请最佳匹配”，把本地区该产业链最合适的供需双方请来。"
        )
        return redirect("transfer:event_detail", event_id=event.pk)
    return render(request, "transfer/event_form.html", context)


def _int(raw: str | None, what: str) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise ApplicationError(f"请选择{what}。") from None


def _event_post(request: HttpRequest, event_id: int) -> None:
    """One action from the event page; raises ApplicationError with the message to show."""
    action = request.POST.get("action")
    if action == "invite":
        n = len(services.event_invite_best(actor=request.user, event_id=event_id))
        if n:
            messages.success(request, f"已邀请 {n} 对供需双方，并已通知他们。")
        else:
            messages.info(
                request,
                "没有新的可邀请配对：本地区该产业链暂无征集中的需求及其匹配，或都已邀请过。",
            )
    elif action == "register":
        attendees = _int(request.POST.get("attendees", "1"), "参会人数（1 到 20 人）")
        services.event_register(actor=request.user, event_id=event_id, attendees=attendees)
        messages.success(request, "报名成功，请按时参会。")
    elif action == "outcome":
        services.event_pair_outcome(
            actor=request.user,
            event_id=event_id,
            pair_id=_int(request.POST.get("pair"), "对接配对"),
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", "").strip(),
        )
        messages.success(request, "已记录对接结果。")
    else:
        raise ApplicationError("未知操作。")


def event_detail(request: HttpRequest, event_id: int) -> HttpResponseBase:
    event = selectors.event_get(event_id=event_id)
    if request.method == "POST":
        try:
            _event_post(request, event_id)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("transfer:event_detail", event_id=event_id)
    staff = is_staff_over(request.user, event.region.path)
    context: dict[str, Any] = {
        "event": event,
        "pairs": selectors.event_pairs(event),
        "staff": staff,
        "outcomes": PairOutcome.choices,
        "registration": selectors.event_registration_of(user=request.user, event=event),
        # Registration is open while the event is being prepared.
        "can_register": event.status == EventStatus.PLANNED,
    }
    if staff:
        context["registrations"] = selectors.event_registrations(event)
        context["deals"] = selectors.deal_list(user=request.user).filter(event=event)
    return render(request, "transfer/event_detail.html", context)
