"""Admin for programmes: read-only. Programmes, applications and memberships move
through the services and the transition table (audited, with their messages),
never by editing a row."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iphub.core.admin import ReadOnlyAdmin
from iphub.core.models import OrganisationTag
from iphub.programmes import workflow
from iphub.programmes.models import (
    ApplicationEvent,
    ApplicationEvidence,
    ApplicationState,
    IndicatorReport,
    Membership,
    Programme,
    ProgrammeApplication,
    ProgrammeNotice,
)


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "year", "quota", "opens_on", "closes_on", "term_years")
    list_filter = ("kind", "year")
    search_fields = ("name",)


@admin.register(ProgrammeApplication)
class ProgrammeApplicationAdmin(ReadOnlyAdmin):
    list_display = ("programme", "organisation", "region", "state", "city_total", "province_total")
    list_filter = ("state",)
    search_fields = ("organisation__name", "programme__name")


@admin.register(ApplicationEvidence)
class ApplicationEvidenceAdmin(ReadOnlyAdmin):
    list_display = ("application", "criterion", "original_name", "size", "uploaded_at")


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    # The stored codes shown in words, as the application page shows its history.
    list_display = ("application", "step", "from_label", "to_label", "actor_name", "at")

    @admin.display(description=_("操作"))
    def step(self, obj: ApplicationEvent) -> str:
        return str(workflow.step_label(obj.action))

    @admin.display(description=_("原状态"))
    def from_label(self, obj: ApplicationEvent) -> str:
        return _state(obj.from_state)

    @admin.display(description=_("新状态"))
    def to_label(self, obj: ApplicationEvent) -> str:
        return _state(obj.to_state)


def _state(code: str) -> str:
    return str(ApplicationState(code).label) if code in ApplicationState.values else "—"


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = (
        "organisation",
        "kind",
        "tag_label",
        "valid_from",
        "valid_until",
        "renewals",
        "active",
    )
    list_filter = ("kind", "active")
    search_fields = ("organisation__name",)

    @admin.display(description=_("组织标签"))
    def tag_label(self, obj: Membership) -> str:
        # The stored tag code in words, as the organisation's pages show it.
        if obj.tag in OrganisationTag.values:
            return str(OrganisationTag(obj.tag).label)
        return obj.tag or "—"


@admin.register(IndicatorReport)
class IndicatorReportAdmin(ReadOnlyAdmin):
    list_display = ("membership", "year", "reported_at")


@admin.register(ProgrammeNotice)
class ProgrammeNoticeAdmin(ReadOnlyAdmin):
    list_display = ("user", "title", "created_at")
