"""Admin of the patents app: the value grade's settings table (issue 20), read-only.

The weights change only on the method page (``/patents/grade/method/``), whose
service checks the bands' order and regrades the corpus in the background; an edit
here would skip both, so the admin shows the table and changes nothing."""

from __future__ import annotations

from django.contrib import admin

from iphub.core.admin import ReadOnlyAdmin
from iphub.patents.models import GradeWeight


@admin.register(GradeWeight)
class GradeWeightAdmin(ReadOnlyAdmin):
    list_display = ("label", "kind", "points", "note", "updated_at")
    list_filter = ("kind",)
    ordering = ("kind", "position")
