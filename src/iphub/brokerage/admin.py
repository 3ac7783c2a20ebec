"""Admin of the brokerage app, read-only: pushes, brokers and calls move through
``workflow.py`` and the services (who may act, deadlines, row locks, audit);
an admin form would pass them by. The system administrator reads them here."""

from __future__ import annotations

from django.contrib import admin

from iphub.brokerage.models import (
    Assignment,
    Broker,
    Call,
    ContactLog,
    Proposal,
    Push,
    PushPreference,
    PushRun,
)
from iphub.core.admin import ReadOnlyAdmin


@admin.register(Push)
class PushAdmin(ReadOnlyAdmin):
    list_display = ("patent", "holder", "organisation", "score", "pushed_at", "answer")
    list_filter = ("answer",)
    list_select_related = ("patent", "holder", "organisation")


@admin.register(PushRun)
class PushRunAdmin(ReadOnlyAdmin):
    list_display = ("holder", "listing", "status", "done", "total", "pushed", "created_at")
    list_select_related = ("holder", "listing")


@admin.register(PushPreference)
class PushPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "muted", "updated_at")
    list_select_related = ("organisation",)


@admin.register(Broker)
class BrokerAdmin(ReadOnlyAdmin):
    list_display = ("name", "certificate_number", "certifying_body", "valid_until", "status")
    list_filter = ("status",)
    search_fields = ("name", "certificate_number")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("broker", "match", "call", "assigned_at")
    list_select_related = ("broker", "match", "call")


@admin.register(ContactLog)
class ContactLogAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "date", "party", "channel", "outcome")
    list_filter = ("channel", "outcome")


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "region", "deadline", "state")
    list_filter = ("state",)
    list_select_related = ("organisation", "region")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("call", "organisation", "state", "total_score", "submitted_at")
    list_filter = ("state",)
    list_select_related = ("call", "organisation")
