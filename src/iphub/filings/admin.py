"""Admin of the filings app, read-only: a filing moves only through
``workflow.TRANSITIONS`` (who may act, from which state, by when), each step
audited; an admin form would pass all of that by. The system administrator reads
a filing with its history and documents here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iphub.core.admin import ReadOnlyAdmin, ReadOnlyInline
from iphub.filings.catalogue import material_name, refusal_ground_label, service_for
from iphub.filings.models import Filing, FilingDocument, FilingEvent
from iphub.filings.workflow import step_label


class FilingEventInline(ReadOnlyInline):
    model = FilingEvent
    fields = ("at", "step", "actor_name", "note")

    @admin.display(description=_("操作"))
    def step(self, obj: FilingEvent) -> str:
        return step_label(obj.action)


class FilingDocumentInline(ReadOnlyInline):
    model = FilingDocument
    fields = ("material_label", "original_name")

    @admin.display(description=_("材料"))
    def material_label(self, obj: FilingDocument) -> str:
        filing = obj.filing
        return material_name(service_for(filing.kind, filing.operation), obj.material)


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "operation", "state", "organisation", "region", "due_at")
    list_filter = ("kind", "state")
    list_select_related = ("organisation", "region")
    search_fields = ("application_number", "registration_number", "holder_name")
    # The free-form details are JSON (the page draws them as a form); the refusal
    # ground is a code, shown in words by ``refusal_reason``.
    exclude = ("details", "refusal_ground")
    inlines = (FilingEventInline, FilingDocumentInline)

    @admin.display(description=_("办件编号"))
    def number(self, obj: Filing) -> str:
        return obj.reference

    @admin.display(description=_("不予登记理由"))
    def refusal_reason(self, obj: Filing) -> str:
        return refusal_ground_label(obj.refusal_ground) if obj.refusal_ground else "-"

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [*super().get_fields(request, obj), "refusal_reason"]
