"""Admin registrations of the navigation app, all read-only: every write goes
through a service (a chain edit re-runs its analysis, evidence and projects leave
audit entries, supervision counts projects), which an admin form would bypass."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iphub.core.admin import ReadOnlyAdmin, ReadOnlyInline
from iphub.navigation.models import (
    Analysis,
    ChainSegment,
    HighValueEvidence,
    IndustryChain,
    NavigationProject,
)


class SegmentInline(ReadOnlyInline):
    model = ChainSegment
    fields = ("stage", "name", "query")


@admin.register(IndustryChain)
class IndustryChainAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "cluster", "domain", "updated")
    list_filter = ("cluster",)
    search_fields = ("name", "code", "query")
    inlines = (SegmentInline,)


@admin.register(Analysis)
class AnalysisAdmin(ReadOnlyAdmin):
    list_display = ("title", "chain_name", "status", "patent_count", "created", "finished")
    list_filter = ("status",)
    list_select_related = ("chain",)
    exclude = ("result",)  # megabytes of JSON; the page and the workbook show it

    @admin.display(description=_("产业链"), ordering="chain__name")
    def chain_name(self, obj: Analysis) -> str:
        return obj.chain.name if obj.chain else "-"

    @admin.display(description=_("完成时间"), ordering="finished_at")
    def finished(self, obj: Analysis) -> Any:
        return obj.finished_at


@admin.register(HighValueEvidence)
class HighValueEvidenceAdmin(ReadOnlyAdmin):
    list_display = ("patent_number", "criterion", "source_note", "amount", "added_by", "created")
    list_filter = ("criterion",)
    list_select_related = ("patent", "created_by")
    search_fields = ("patent__application_number", "source_note")
    raw_id_fields = ("patent",)

    @admin.display(description=_("专利"), ordering="patent__application_number")
    def patent_number(self, obj: HighValueEvidence) -> str:
        return obj.patent.application_number

    @admin.display(description=_("登记人"))
    def added_by(self, obj: HighValueEvidence) -> str:
        return str(obj.created_by or "-")


@admin.register(NavigationProject)
class NavigationProjectAdmin(ReadOnlyAdmin):
    list_display = ("title", "project_type", "client", "service_base", "region", "started_on")
    list_filter = ("project_type",)
    list_select_related = ("client", "service_base", "region")
    search_fields = ("title", "client__name")
    raw_id_fields = ("client", "service_base", "chain", "region")
