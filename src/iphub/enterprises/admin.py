"""Admin of the enterprises app, read-only: a name variant is proposed and decided
through the services (region check, one owner per name, reason, audit); an admin
form would pass them by. The system administrator reads them here."""

from __future__ import annotations

from django.contrib import admin

from iphub.core.admin import ReadOnlyAdmin
from iphub.enterprises.models import ApplicantNameVariant


@admin.register(ApplicantNameVariant)
class ApplicantNameVariantAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "status", "patent_count", "proposed_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("organisation",)
    search_fields = ("name", "organisation__name", "organisation__uscc")
