"""Thin pages of the outlet registry: the public list with its map and
"nearest to me", an outlet's page (with the ticket form for enterprise and
agency accounts), and the province's forms. Rules live in services, selectors
and ``workflow.py``; pages pass flags."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation, OrganisationKind
from iphub.core.pages import form_errors, refusals_back_to
from iphub.network import services
from iphub.network.models import OutletKind, OutletLevel, ServiceKind
from iphub.network.selectors import agencies as agency_sel
from iphub.network.selectors import outlets as sel
from iphub.network.selectors.tickets import watches_region
from iphub.network.services.outlets import may_keep_outlets
from iphub.network.services.tickets import may_open_ticket


def outlet_list(request: HttpRequest) -> HttpResponseBase:
    """Public: outlets by kind, service and city, on a map; sorted by distance
    once the user picks their county or shares the browser's position."""
    params = {
        k: request.GET.get(k, "").strip()
        for k in ("kind", "service", "city", "q", "near", "lng", "lat")
    }
    outlets = list(
        sel.outlet_list(
            kind=params["kind"], service=params["service"], city=params["city"], q=params["q"]
        )
    )
    origin = sel.origin_of(region_code=params["near"], lng=params["lng"], lat=params["lat"])
    rows = sel.outlets_nearest(outlets, origin) if origin else [(o, None) for o in outlets]
    return render(
        request,
        "network/outlets.html",
        {
            "rows": [
                (o, km, [ServiceKind(s).label for s in o.services if s in ServiceKind.values])
                for o, km in rows
            ],
            "origin": origin,
            "points": sel.outlet_map_points(outlets),
            "params": params,
            "kinds": OutletKind.choices,
            "services": ServiceKind.choices,
            "cities": agency_sel.cities(),
            "counties": sel.counties_for_choice(),
            "may_keep": may_keep_outlets(request.user),
            "may_watch": watches_region(request.user)
            or sel.outlets_served_by(request.user).exists(),
        },
    )


def outlet_detail(request: HttpRequest, outlet_id: int) -> HttpResponseBase:
    """Public: one outlet; the ticket form for enterprise and agency accounts;
    its staff list and staff form for the province's keepers."""
    keeper = may_keep_outlets(request.user)
    outlet = sel.outlet_get(outlet_id=outlet_id, active_only=not keeper)
    offered = [(s, ServiceKind(s).label) for s in outlet.services if s in ServiceKind.values]
    return render(
        request,
        "network/outlet_detail.html",
        {
            "outlet": outlet,
            "offered": offered,
            "may_open": may_open_ticket(request.user) and outlet.active,
            "may_keep": keeper,
            "staff": sel.outlet_staff_list(outlet) if keeper else [],
            "signed_in": request.user.is_authenticated,
            "values": {"service": request.GET.get("service", "")},
        },
    )


def _form_context(values: Any, errors: dict[str, str]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "kinds": OutletKind.choices,
        "levels": OutletLevel.choices,
        "services": ServiceKind.choices,
        "chosen": set(values.getlist("services"))
        if hasattr(values, "getlist")
        else set(values.get("services", [])),
        "counties": sel.counties_for_choice(),
        "hosts": Organisation.objects.filter(
            kind__in=(
                OrganisationKind.UNIVERSITY,
                OrganisationKind.AGENCY,
                OrganisationKind.INSTITUTE,
                OrganisationKind.GOVERNMENT,
            )
        ).order_by("name"),
    }


@login_required
def outlet_form(request: HttpRequest, outlet_id: int | None = None) -> HttpResponseBase:
    """The province adds or edits an outlet."""
    services.outlets.ensure_keeper(request.user)
    current = sel.outlet_get(outlet_id=outlet_id, active_only=False) if outlet_id else None
    errors: dict[str, str] = {}
    values: Any = request.POST
    if request.method == "POST":
        try:
            if current is None:
                outlet = services.outlet_create(actor=request.user, data=request.POST)
            else:
                outlet = services.outlet_update(
                    actor=request.user, outlet_id=current.pk, data=request.POST
                )
            messages.success(request, _("网点信息已保存。"))
            return redirect("network:outlet", outlet.pk)
        except ApplicationError as exc:
            if exc.status in (401, 403, 404):
                raise
            errors = form_errors(exc)
    elif current is not None:
        values = {
            "name": current.name,
            "kind": current.kind,
            "level": current.level,
            "host": current.host_id or "",
            "host_name": current.host_name,
            "region": current.region_id,
            "address": current.address,
            "longitude": current.longitude,
            "latitude": current.latitude,
            "services": current.services,
            "opening_hours": current.opening_hours,
            "phone": current.phone,
            "email": current.email,
            "active": "1" if current.active else "0",
        }
    else:
        values = {"active": "1"}
    ctx = _form_context(values, errors) | {"outlet": current}
    return render(request, "network/outlet_form.html", ctx)


@require_POST
@login_required
@refusals_back_to("network:outlet", "outlet_id")
def outlet_staff_add(request: HttpRequest, outlet_id: int) -> HttpResponseBase:
    """The province names an account as the outlet's staff."""
    services.outlet_staff_add(
        actor=request.user, outlet_id=outlet_id, username=request.POST.get("username", "")
    )
    messages.success(request, _("已添加网点服务人员。"))
    return redirect("network:outlet", outlet_id)


@require_POST
@login_required
@refusals_back_to("network:outlet", "outlet_id")
def outlet_staff_remove(request: HttpRequest, outlet_id: int, member_id: int) -> HttpResponseBase:
    """The province takes an account off the outlet's staff."""
    services.outlet_staff_remove(actor=request.user, outlet_id=outlet_id, member_id=member_id)
    messages.success(request, _("已移除网点服务人员。"))
    return redirect("network:outlet", outlet_id)
