"""Admin registrations of the navigation app, all read-only: every write goes
through a service (a chain edit re-runs its analysis, evidence and projects leave
audit entries, supervision counts projects), which an admin form would bypass."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from iphub.navigation.models import (
    Analysis,
    ChainSegment,
    HighValueEvidence,
    IndustryChain,
    NavigationProject,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SegmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ChainSegment
    extra = 0
    fields = ("stage", "name", "query", "position")
    readonly_fields = fields
    can_delete = False


@admin.register(IndustryChain)
class IndustryChainAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "cluster", "domain", "updated_at")
    list_filter = ("cluster",)
    search_fields = ("name", "code", "query")
    inlines = (SegmentInline,)


@admin.register(Analysis)
class AnalysisAdmin(ReadOnlyAdmin):
    list_display = ("title", "chain", "status", "patent_count", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("chain",)
    exclude = ("result",)  # megabytes of JSON; the page and the workbook show it


@admin.register(HighValueEvidence)
class HighValueEvidenceAdmin(ReadOnlyAdmin):
    list_display = ("patent", "criterion", "source_note", "amount", "created_by", "created_at")
    list_filter = ("criterion",)
    list_select_related = ("patent", "created_by")
    search_fields = ("patent__application_number", "source_note")
    raw_id_fields = ("patent",)


@admin.register(NavigationProject)
class NavigationProjectAdmin(ReadOnlyAdmin):
    list_display = ("title", "project_type", "client", "service_base", "region", "started_on")
    list_filter = ("project_type",)
    list_select_related = ("client", "service_base", "region")
    search_fields = ("title", "client__name")
    raw_id_fields = ("client", "service_base", "chain", "region")
