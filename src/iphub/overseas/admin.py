"""Read-only admin of overseas dispute response: its records move only through
the services and ``workflow.py``."""

from __future__ import annotations

from django.contrib import admin

from iphub.core.admin import ReadOnlyAdmin
from iphub.overseas.models import (
    CaseExpert,
    DisputeCase,
    EarlyWarning,
    Expert,
    ExpertConflict,
    GuidanceNotice,
    WarningNotice,
    Watch,
    WatchSubscription,
)


@admin.register(Expert)
class ExpertAdmin(ReadOnlyAdmin):
    list_display = ("name", "field", "affiliation", "active")
    search_fields = ("name", "field", "affiliation")


@admin.register(ExpertConflict)
class ExpertConflictAdmin(ReadOnlyAdmin):
    list_display = ("expert", "party_name", "declared_at")
    search_fields = ("party_name", "expert__name")


@admin.register(Watch)
class WatchAdmin(ReadOnlyAdmin):
    list_display = ("kind", "country", "competitor", "active", "last_run_at")
    list_filter = ("kind", "active")


@admin.register(WatchSubscription)
class WatchSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("watch", "organisation", "created_at")


@admin.register(EarlyWarning)
class EarlyWarningAdmin(ReadOnlyAdmin):
    list_display = ("watch", "record_kind", "number", "title", "created_at")
    list_filter = ("record_kind",)


@admin.register(WarningNotice)
class WarningNoticeAdmin(ReadOnlyAdmin):
    list_display = ("warning", "organisation", "read", "created_at")


@admin.register(DisputeCase)
class DisputeCaseAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "country", "kind", "opposing_party", "state", "created_at")
    list_filter = ("kind", "state", "country")
    search_fields = ("organisation__name", "opposing_party")


@admin.register(GuidanceNotice)
class GuidanceNoticeAdmin(ReadOnlyAdmin):
    list_display = ("case", "title", "created_at")


@admin.register(CaseExpert)
class CaseExpertAdmin(ReadOnlyAdmin):
    list_display = ("case", "expert", "assigned_at")
