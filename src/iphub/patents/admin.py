"""Admin of the patents app: the value grade's settings table (issue 20).

Edits leave audit rows through ``AuditedAdmin``, as the weights page's service does."""

from __future__ import annotations

from django.contrib import admin

from iphub.core.admin import AuditedAdmin
from iphub.patents.models import GradeWeight


@admin.register(GradeWeight)
class GradeWeightAdmin(AuditedAdmin):
    list_display = ("label", "kind", "points", "note", "updated_at")
    list_editable = ("points",)
    list_filter = ("kind",)
    readonly_fields = ("key", "kind")
    ordering = ("kind", "position")
