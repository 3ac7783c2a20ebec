"""Thin pages of the agencies directory: the public list (Excel for staff),
an agency's page with its ratings and their basis (蓝天 flags for staff only),
and the form where the agency or the province keeps its entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.exports import xlsx_response
from iphub.core.models import Role
from iphub.core.pages import form_errors, refusals_back_to
from iphub.core.permissions import has_role
from iphub.network import services
from iphub.network.models import AgencyService
from iphub.network.selectors import agencies as sel
from iphub.network.services.agencies import may_edit_agency


def _labels(codes: list[str], choices: Any) -> list[Any]:
    names = dict(choices)
    return [names[c] for c in codes if c in names]


def _served(profile: Any, cities: dict[str, str]) -> list[str]:
    if profile is None:
        return []
    if not profile.regions_served:
        return ["全省"]
    return [cities[c] for c in profile.regions_served if c in cities]


def agency_list(request: HttpRequest) -> HttpResponseBase:
    """Public: agencies by name, city and service; staff export the list with
    every rating figure and its basis."""
    params = {k: request.GET.get(k, "").strip() for k in ("q", "city", "service")}
    qs = sel.agency_list(q=params["q"], city=params["city"], service=params["service"])
    staff = sel.may_read_flags(request.user)
    city_names = {r.code: r.name for r in sel.cities()}
    if request.GET.get("export") == "xlsx":
        if not staff:
            raise AccessDenied("服务机构名录导出仅限工作人员。")
        return _export(list(qs), city_names)
    current = Paginator(qs, 30).get_page(request.GET.get("page"))
    orgs = list(current)
    ratings = sel.agency_ratings([o.pk for o in orgs])
    rows = []
    for o in orgs:
        profile = getattr(o, "agency_profile", None)
        rows.append(
            {
                "org": o,
                "services": _labels(profile.services if profile else [], AgencyService.choices),
                "served": _served(profile, city_names),
                "ratings": ratings[o.pk],
            }
        )
    return render(
        request,
        "network/agencies.html",
        {
            "rows": rows,
            "page": current,
            "params": {k: v for k, v in params.items() if v},
            "values": params,
            "cities": sel.cities(),
            "services": AgencyService.choices,
            "staff": staff,
        },
    )


def _export(orgs: list[Any], city_names: dict[str, str]) -> HttpResponseBase:
    ratings = sel.agency_ratings([o.pk for o in orgs])
    headers = [
        "机构名称", "统一社会信用代码", "所在地区", "执业代理师（人）", "服务内容", "服务地区",
        "办结工单（件）", "按时办结率（%）", "工单满意度", "承办维权援助（件）",
        "提交备案/登记（件）", "退回补正（件）", "退回率（%）", "不予登记（件）", "不予登记率（%）",
    ]  # fmt: skip
    rows = []
    for o in orgs:
        r = ratings[o.pk]
        profile = getattr(o, "agency_profile", None)
        offered = profile.services if profile else []
        rows.append(
            [
                o.name, o.uscc or "", o.region.name, o.agent_count,
                "、".join(str(s) for s in _labels(offered, AgencyService.choices)),
                "、".join(_served(profile, city_names)),
                r.tickets_answered, r.ticket_on_time_rate, r.ticket_rating,
                r.assistance_handled, r.filings_submitted, r.filings_returned, r.return_rate,
                r.filings_refused, r.refusal_rate,
            ]
        )  # fmt: skip
    return xlsx_response(
        "服务机构名录.xlsx", "服务机构名录", headers, rows, fallback="agencies.xlsx"
    )


def agency_detail(request: HttpRequest, organisation_id: int) -> HttpResponseBase:
    """Public: one agency with its agents, services, regions, workstation roles
    and ratings with their basis; 蓝天 flags for region staff only."""
    org = sel.agency_get(organisation_id=organisation_id)
    profile = sel.agency_profile(org)
    city_names = {r.code: r.name for r in sel.cities()}
    ratings = sel.agency_ratings([org.pk])[org.pk]
    staff = sel.may_read_flags(request.user)
    return render(
        request,
        "network/agency_detail.html",
        {
            "org": org,
            "profile": profile,
            "services": _labels(profile.services if profile else [], AgencyService.choices),
            "served": _served(profile, city_names),
            "agents": sel.agency_agents(org),
            "stations": sel.agency_workstations(org),
            "ratings": ratings,
            "basis": ratings.basis(),
            "training_hours": sel.agency_training_hours(org),
            "staff": staff,
            "flags": sel.agency_flags(user=request.user, organisation=org) if staff else [],
            "flag_links": has_role(request.user, Role.ENFORCEMENT),
            "may_edit": may_edit_agency(request.user, org),
        },
    )


@login_required
def agency_edit(request: HttpRequest, organisation_id: int) -> HttpResponseBase:
    """The agency (or the province) keeps its entry: services, regions, agents."""
    org = sel.agency_get(organisation_id=organisation_id)
    if not may_edit_agency(request.user, org):
        raise AccessDenied("服务机构名录信息由机构本身或省级工作人员维护。")
    profile = sel.agency_profile(org)
    errors: dict[str, str] = {}
    values: Any = {
        "services": profile.services if profile else [],
        "regions_served": profile.regions_served if profile else [],
        "introduction": profile.introduction if profile else "",
    }
    if request.method == "POST":
        try:
            services.agency_profile_update(
                actor=request.user, organisation_id=org.pk, data=request.POST
            )
            messages.success(request, _("名录信息已保存。"))
            return redirect("network:agency", org.pk)
        except ApplicationError as exc:
            if exc.status in (401, 403, 404):
                raise
            errors = form_errors(exc)
            values = {
                "services": request.POST.getlist("services"),
                "regions_served": request.POST.getlist("regions_served"),
                "introduction": request.POST.get("introduction", ""),
            }
    return render(
        request,
        "network/agency_form.html",
        {
            "org": org,
            "values": values,
            "errors": errors,
            "services": AgencyService.choices,
            "cities": sel.cities(),
            "agents": sel.agency_agents(org),
            "back": reverse("network:agency", args=[org.pk]),
        },
    )


@require_POST
@login_required
@refusals_back_to("network:agency_edit", "organisation_id")
def agent_add(request: HttpRequest, organisation_id: int) -> HttpResponseBase:
    """Register an agent with the agency."""
    agent = services.agent_add(
        actor=request.user, organisation_id=organisation_id, data=request.POST
    )
    messages.success(request, _("已登记代理师 %(name)s。") % {"name": agent.name})
    return redirect("network:agency_edit", organisation_id)


@require_POST
@login_required
@refusals_back_to("network:agency_edit", "organisation_id")
def agent_deactivate(request: HttpRequest, organisation_id: int, agent_id: int) -> HttpResponseBase:
    """Mark an agent as no longer practising here."""
    services.agent_deactivate(
        actor=request.user, organisation_id=organisation_id, agent_id=agent_id
    )
    messages.success(request, _("已标记为不在本机构执业。"))
    return redirect("network:agency_edit", organisation_id)
