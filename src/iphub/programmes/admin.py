"""Admin for programmes: read-only. Programmes, applications and memberships move
through the services and the transition table (audited, with their messages),
never by editing a row."""

from __future__ import annotations

from django.contrib import admin

from iphub.core.admin import ReadOnlyAdmin
from iphub.programmes.models import (
    ApplicationEvent,
    ApplicationEvidence,
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
    list_display = ("application", "action", "from_state", "to_state", "actor_name", "at")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = (
        "organisation",
        "kind",
        "tag",
        "valid_from",
        "valid_until",
        "renewals",
        "active",
    )
    list_filter = ("kind", "active")
    search_fields = ("organisation__name",)


@admin.register(IndicatorReport)
class IndicatorReportAdmin(ReadOnlyAdmin):
    list_display = ("membership", "year", "reported_at")


@admin.register(ProgrammeNotice)
class ProgrammeNoticeAdmin(ReadOnlyAdmin):
    list_display = ("user", "title", "created_at")
