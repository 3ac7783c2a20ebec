"""Admin of the protection app, read-only: assistance and fast-track requests,
cases and cooperation requests move by ``workflow.py``'s step tables (who may act,
from which state, in which region, each step audited); workstations, campaigns and
screening runs are written by services that audit them. An admin form would pass
all of that by; the system administrator reads the records here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iphub.core.admin import ReadOnlyAdmin, ReadOnlyInline
from iphub.protection.models import (
    AssistanceRequest,
    Campaign,
    Case,
    CaseParty,
    CooperationRequest,
    FastTrackRequest,
    FlaggedGroup,
    ScreeningRun,
    StationActivity,
    StationService,
    Workstation,
)


class StatusShown(ReadOnlyAdmin):
    """Requests whose ``status`` field has no name of its own: shown in words."""

    @admin.display(description=_("状态"), ordering="status")
    def status_label(self, obj: Any) -> str:
        return str(obj.get_status_display())

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [*super().get_fields(request, obj), "status_label"]


class StationActivityInline(ReadOnlyInline):
    model = StationActivity


class StationServiceInline(ReadOnlyInline):
    model = StationService


@admin.register(Workstation)
class WorkstationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "host", "region", "established_on", "active")
    list_filter = ("kind", "active")
    list_select_related = ("host", "region")
    search_fields = ("name",)
    inlines = (StationActivityInline, StationServiceInline)


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(StatusShown):
    list_display = ("subject", "dispute_kind", "region", "station", "status_label", "due_on")
    list_filter = ("dispute_kind",)
    list_select_related = ("region", "station")
    search_fields = ("subject",)


@admin.register(FastTrackRequest)
class FastTrackRequestAdmin(StatusShown):
    list_display = ("title", "ipc_main", "status_label", "due_on")
    search_fields = ("title", "ipc_main")


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("name", "region", "starts_on", "ends_on")
    list_select_related = ("region",)
    search_fields = ("name",)


class CasePartyInline(ReadOnlyInline):
    model = CaseParty


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "case_type", "state", "region", "handler", "filed_on")
    list_filter = ("case_type", "state")
    list_select_related = ("region", "handler")
    search_fields = ("number", "title")
    inlines = (CasePartyInline,)


@admin.register(CooperationRequest)
class CooperationRequestAdmin(StatusShown):
    list_display = ("subject", "to_region", "to_department", "status_label", "due_on")
    list_select_related = ("to_region",)
    search_fields = ("subject",)


@admin.register(ScreeningRun)
class ScreeningRunAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "docs", "groups_found", "duration_s", "progressed_at")
    list_filter = ("kind", "status")


@admin.register(FlaggedGroup)
class FlaggedGroupAdmin(ReadOnlyAdmin):
    list_display = ("summary", "kind", "status", "score", "region", "decided_at")
    list_filter = ("kind", "status")
    list_select_related = ("region",)
    search_fields = ("summary",)
