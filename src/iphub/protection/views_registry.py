"""Thin pages for the records enforcement staff keep: campaigns (专项行动) and the
workstation registry with each station's activity log. Region-scoped through
the selectors; every write goes through a service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iphub.core.errors import ApplicationError, NotFound
from iphub.core.exports import xlsx_response
from iphub.core.models import Role
from iphub.core.permissions import has_role
from iphub.protection import selectors
from iphub.protection.models import Campaign, CaseType, ServiceKind, StationActivity, StationKind
from iphub.protection.models.assistance import SERVICE_STATION_KINDS
from iphub.protection.services import assistance as assistance_services
from iphub.protection.services import enforcement as enforcement_services
from iphub.protection.workflow import station_service_reaches


def _date(form: dict[str, Any], field: str) -> dt.date:
    text = (form.get(field) or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(
            "日期格式应为 YYYY-MM-DD。", fields={field: "日期格式应为 YYYY-MM-DD。"}
        ) from None


def _campaign_args(request: HttpRequest) -> dict[str, Any]:
    form = request.POST
    return {
        "name": form.get("name", ""),
        "region_code": form.get("region", ""),
        "starts_on": _date(form.dict(), "starts_on"),
        "ends_on": _date(form.dict(), "ends_on"),
        "scope": form.get("scope", ""),
        "case_types": form.getlist("case_types"),
    }


def _campaign_form(campaign: Campaign) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "region": campaign.region.code,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "scope": campaign.scope,
        "case_types": campaign.case_types,
    }


@login_required
def campaigns(request: HttpRequest) -> HttpResponseBase:
    """The campaigns of the officer's region, and the form to launch one."""
    form: dict[str, Any] = {}
    errors: dict[str, str] = {}
    items = selectors.campaign_list(user=request.user)
    if request.method == "POST":
        form = {**request.POST.dict(), "case_types": request.POST.getlist("case_types")}
        try:
            enforcement_services.campaign_create(actor=request.user, **_campaign_args(request))
            messages.success(request, "专项行动已创建。")
            return redirect("protection:campaigns")
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            errors = exc.fields or {"form_error": exc.message}
    return render(
        request,
        "protection/campaigns.html",
        {
            "items": items,
            "form": form,
            "errors": errors,
            "case_types": CaseType.choices,
        },
    )


@login_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponseBase:
    """Edit one campaign of the officer's region."""
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    form: dict[str, Any] = _campaign_form(campaign)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {**request.POST.dict(), "case_types": request.POST.getlist("case_types")}
        try:
            enforcement_services.campaign_update(
                actor=request.user, campaign=campaign, **_campaign_args(request)
            )
            messages.success(request, "专项行动已更新。")
            return redirect("protection:campaigns")
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            errors = exc.fields or {"form_error": exc.message}
    return render(
        request,
        "protection/campaign_edit.html",
        {"campaign": campaign, "form": form, "errors": errors, "case_types": CaseType.choices},
    )


def _register_args(request: HttpRequest, form: dict[str, Any]) -> dict[str, Any]:
    kind = form.get("kind", "")
    host = None
    if form.get("host"):
        if form["host"].isdigit():
            host = selectors.station_host_choices(user=request.user).filter(pk=form["host"]).first()
        if host is None:
            msg = _("请从列表中选择依托单位（本地区已登记的高校或科研院所）。")
            raise ApplicationError(msg, fields={"host": msg})
    if kind in SERVICE_STATION_KINDS:
        services = form["service_kinds"]
    else:
        services = [s.strip() for s in form.get("services", "").split("、") if s.strip()]
    return {
        "name": form.get("name", ""),
        "kind": kind,
        "region_code": form.get("region", ""),
        "host": host,
        "services": services,
        "fields": form["fields"] or ["*"],
        "scope": form.get("scope", ""),
        "contact_name": form.get("contact_name", ""),
        "contact_phone": form.get("contact_phone", ""),
        "established_on": _date(form, "established_on") if form.get("established_on") else None,
    }


@login_required
def station_register(request: HttpRequest) -> HttpResponseBase:
    """The stations the user keeps or hosts (filtered by kind), and, for an
    enforcement officer, the form to register one."""
    form: dict[str, Any] = {}
    errors: dict[str, str] = {}
    kind = request.GET.get("kind", "")
    stations = list(selectors.station_register_list(user=request.user, kind=kind))
    may_register = has_role(request.user, Role.ENFORCEMENT)
    if request.method == "POST":
        form = {
            **request.POST.dict(),
            "fields": request.POST.getlist("fields"),
            "service_kinds": request.POST.getlist("service_kinds"),
        }
        try:
            station = assistance_services.workstation_create(
                actor=request.user, **_register_args(request, form)
            )
            messages.success(request, "工作站已登记。")
            return redirect("protection:station_detail", station_id=station.pk)
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            errors = exc.fields or {"form_error": exc.message}
    for station in stations:
        station.contact_display = selectors.workstation_contact(station)  # type: ignore[attr-defined]
        station.is_service = station.kind in SERVICE_STATION_KINDS  # type: ignore[attr-defined]
    return render(
        request,
        "protection/station_register.html",
        {
            "stations": stations,
            "form": form,
            "errors": errors,
            "kind": kind,
            "kind_filters": [
                ("", gettext_lazy("全部")),
                (selectors.SERVICE_FILTER, gettext_lazy("服务工作站")),
                *StationKind.choices,
            ],
            "may_register": may_register,
            "kinds": StationKind.choices,
            "service_station_kinds": list(SERVICE_STATION_KINDS),
            "service_kinds": ServiceKind.choices,
            "hosts": selectors.station_host_choices(user=request.user) if may_register else [],
            "sections": "ABCDEFGH",
        },
    )


@login_required
def station_detail(request: HttpRequest, station_id: int) -> HttpResponseBase:
    """One station's page: its protection activity log (cases handled, trainings)
    with the form to add to it for enforcement staff; for a university or lab
    service workstation, its services log, counts per service kind and the form
    to log a service for its host's users and its region's staff."""
    station = selectors.station_page_get(user=request.user, station_id=station_id)
    form: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            participants = int(form.get("participants") or 0)
        except ValueError:
            participants = -1
        try:
            if participants < 0:
                raise ApplicationError(
                    "人数应为非负整数。", fields={"participants": "人数应为非负整数。"}
                )
            assistance_services.station_activity_record(
                actor=request.user,
                station=station,
                kind=form.get("kind", ""),
                title=form.get("title", ""),
                date=_date(form, "date"),
                participants=participants,
            )
            messages.success(request, "活动已记录。")
            return redirect("protection:station_detail", station_id=station.pk)
        except NotFound:
            raise
        except ApplicationError as exc:
            errors = exc.fields or {"form_error": exc.message}
    return _station_page(request, station, activity_form=form, activity_errors=errors)


def _station_page(
    request: HttpRequest,
    station: Any,
    *,
    activity_form: dict[str, Any] | None = None,
    activity_errors: dict[str, str] | None = None,
    service_form: dict[str, Any] | None = None,
    service_errors: dict[str, str] | None = None,
) -> HttpResponseBase:
    station.contact_display = selectors.workstation_contact(station)
    is_service = station.kind in SERVICE_STATION_KINDS
    offered = [(k, ServiceKind(k).label) for k in station.services if k in ServiceKind.values]
    return render(
        request,
        "protection/station_detail.html",
        {
            "station": station,
            "is_enforcer": has_role(request.user, Role.ENFORCEMENT),
            "activities": selectors.station_activity_list(station)[:200],
            "form": activity_form or {},
            "errors": activity_errors or {},
            "activity_kinds": StationActivity.Kind.choices,
            "is_service": is_service,
            "service_labels": station.service_labels(),
            "service_log": selectors.station_service_list(station)[:200] if is_service else [],
            "service_counts": selectors.station_service_counts(station) if is_service else [],
            "may_log": is_service and station_service_reaches(request.user, station),
            "service_choices": offered,
            "service_form": service_form or {},
            "service_errors": service_errors or {},
        },
    )


@login_required
def station_service_add(request: HttpRequest, station_id: int) -> HttpResponseBase:
    """Log a service a university or lab service workstation gave (POST only)."""
    station = selectors.station_page_get(user=request.user, station_id=station_id)
    if request.method != "POST":
        return redirect("protection:station_detail", station_id=station.pk)
    form = request.POST.dict()
    try:
        assistance_services.station_service_record(
            actor=request.user,
            station=station,
            date=_date(form, "date"),
            kind=form.get("kind", ""),
            client=form.get("client", ""),
            title=form.get("title", ""),
            participants=form.get("participants") or 0,
        )
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        errors = exc.fields or {"form_error": exc.message}
        return _station_page(request, station, service_form=form, service_errors=errors)
    messages.success(request, _("服务已记录。"))
    return redirect("protection:station_detail", station_id=station.pk)


@login_required
def station_service_export(request: HttpRequest, station_id: int) -> HttpResponseBase:
    """The services log of one service workstation as Excel (who may see the page may export)."""
    station = selectors.station_page_get(user=request.user, station_id=station_id)
    if station.kind not in SERVICE_STATION_KINDS:
        raise NotFound()
    rows = (
        [e.date, e.get_kind_display(), e.client, e.title, e.participants]
        for e in selectors.station_service_list(station).iterator()
    )
    return xlsx_response(
        _("%(name)s服务记录.xlsx") % {"name": station.name},
        _("服务记录"),
        [_("服务日期"), _("服务类型"), _("服务对象"), _("服务内容"), _("人数")],
        rows,
        query={_("工作站"): station.name},
        fallback=f"station-{station.pk}-services.xlsx",
    )
