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

from iphub.core.errors import ApplicationError, NotFound
from iphub.protection import selectors
from iphub.protection.models import Campaign, CaseType, StationActivity, StationKind
from iphub.protection.services import assistance as assistance_services
from iphub.protection.services import enforcement as enforcement_services


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


@login_required
def station_register(request: HttpRequest) -> HttpResponseBase:
    """The stations of the officer's region and the form to register one."""
    form: dict[str, Any] = {}
    errors: dict[str, str] = {}
    stations = list(selectors.workstation_managed(user=request.user))
    if request.method == "POST":
        form = {**request.POST.dict(), "fields": request.POST.getlist("fields")}
        try:
            station = assistance_services.workstation_create(
                actor=request.user,
                name=form.get("name", ""),
                kind=form.get("kind", ""),
                region_code=form.get("region", ""),
                services=[s.strip() for s in form.get("services", "").split("、") if s.strip()],
                fields=form["fields"] or ["*"],
                contact_name=form.get("contact_name", ""),
                contact_phone=form.get("contact_phone", ""),
                established_on=_date(form, "established_on")
                if form.get("established_on")
                else None,
            )
            messages.success(request, "工作站已登记。")
            return redirect("protection:station_detail", station_id=station.pk)
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            errors = exc.fields or {"form_error": exc.message}
    for station in stations:
        station.contact_display = selectors.workstation_contact(station)  # type: ignore[attr-defined]
    return render(
        request,
        "protection/station_register.html",
        {
            "stations": stations,
            "form": form,
            "errors": errors,
            "kinds": StationKind.choices,
            "sections": "ABCDEFGH",
        },
    )


@login_required
def station_detail(request: HttpRequest, station_id: int) -> HttpResponseBase:
    """One station's activity log (cases handled, trainings) and the form to add to it."""
    station = selectors.workstation_get(user=request.user, station_id=station_id)
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
    station.contact_display = selectors.workstation_contact(station)  # type: ignore[attr-defined]
    return render(
        request,
        "protection/station_detail.html",
        {
            "station": station,
            "activities": selectors.station_activity_list(station)[:200],
            "form": form,
            "errors": errors,
            "activity_kinds": StationActivity.Kind.choices,
        },
    )
