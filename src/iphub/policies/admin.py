"""The policy library in the admin, read-only: documents change through the
staff's pages (audited, region-checked, and re-indexed for search)."""

from __future__ import annotations

from django.contrib import admin

from iphub.core.admin import ReadOnlyAdmin
from iphub.policies.models import Policy


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ("title", "level", "document_number", "issued_on", "validity", "region")
    list_filter = ("level", "validity", "is_support")
    search_fields = ("title", "document_number")
