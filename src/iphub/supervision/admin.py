"""Admin for the plan (tasks, measures, targets), the scoring scheme, and a
read-only view of reports and reminders.

Edits here leave audit rows like the pages do: the scoring scheme goes through
``scheme_save``; the plan's structure through ``AuditedAdmin``. A report's state
is never edited here: it moves only through ``workflow.TRANSITIONS``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from iphub.core.admin import AuditedAdmin, ReadOnlyAdmin
from iphub.core.errors import ApplicationError
from iphub.supervision.models import (
    MonthlyReport,
    Plan,
    PlanMeasure,
    PlanTarget,
    PlanTask,
    ReportReminder,
    ScoringScheme,
)
from iphub.supervision.scoring import scheme_validate
from iphub.supervision.services.schemes import scheme_save


class PlanTaskInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PlanTask
    extra = 0
    fields = ("number", "kind", "title", "position")


class PlanMeasureInline(admin.StackedInline):  # type: ignore[type-arg]
    model = PlanMeasure
    extra = 0
    fields = ("code", "text", "responsible_level", "lead_units", "position")


def indicator_choices() -> list[tuple[str, str]]:
    """The computed indicators by name, for the menu that replaces typing a key."""
    from iphub.supervision.indicators import REGISTRY

    return [("", "—")] + [(key, str(ind.label)) for key, ind in REGISTRY.items()]


class PlanTargetForm(forms.ModelForm):  # type: ignore[type-arg]
    """A target's indicator is picked by its name; the stored key stays out of sight."""

    indicator = forms.TypedChoiceField(
        label=_("对应指标"), choices=indicator_choices, required=False, empty_value=""
    )

    class Meta:
        model = PlanTarget
        fields = (
            "measure",
            "code",
            "description",
            "indicator",
            "comparator",
            "value",
            "unit",
            "due",
            "cumulative",
            "basis",
            "basis_note",
        )


class PlanTargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PlanTarget
    form = PlanTargetForm
    extra = 0
    fields = (
        "code",
        "description",
        "indicator",
        "comparator",
        "value",
        "unit",
        "due",
        "cumulative",
        "basis",
        "basis_note",
    )


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ("title", "document_number", "year", "issued_on", "loaded_at")
    inlines = (PlanTaskInline,)


@admin.register(PlanTask)
class PlanTaskAdmin(AuditedAdmin):
    list_display = ("number", "title", "kind", "plan")
    list_filter = ("plan", "kind")
    inlines = (PlanMeasureInline,)


@admin.register(PlanMeasure)
class PlanMeasureAdmin(AuditedAdmin):
    list_display = ("code", "task", "responsible_level", "lead_units")
    list_filter = ("task__plan", "responsible_level")
    search_fields = ("code", "text", "lead_units")
    inlines = (PlanTargetInline,)


@admin.register(PlanTarget)
class PlanTargetAdmin(AuditedAdmin):
    form = PlanTargetForm
    list_display = (
        "code",
        "description",
        "indicator_name",
        "comparator",
        "value",
        "unit",
        "basis",
    )
    list_filter = ("basis", "measure__task__plan")
    search_fields = ("code", "description", "indicator")

    @admin.display(description=_("对应指标"))
    def indicator_name(self, obj: PlanTarget) -> str:
        return obj.indicator_label or "—"


class ScoringSchemeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ScoringScheme
        fields = ("name", "year", "active", "config")

    def clean_config(self) -> Any:
        config = self.cleaned_data["config"]
        if not isinstance(config, dict):
            raise forms.ValidationError("配置应为 JSON 对象。")
        try:
            return scheme_validate(config)
        except ApplicationError as exc:
            raise forms.ValidationError(
                [f"{k}：{v}" for k, v in sorted(exc.fields.items())] or exc.message
            ) from None


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(AuditedAdmin):
    # Saved through the service (validated, audited as supervision.scheme_save);
    # a delete is audited by the base.
    form = ScoringSchemeForm
    list_display = ("name", "year", "active", "updated_at")
    list_filter = ("year", "active")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = scheme_save(
            actor=request.user,
            scheme_id=obj.pk if change else None,
            name=obj.name,
            year=obj.year,
            active=obj.active,
            config=obj.config,
        )
        obj.pk = saved.pk


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("region", "month", "state", "due_date", "first_submitted_at", "late")
    list_filter = ("state", "late", "month")
    search_fields = ("region__name",)


@admin.register(ReportReminder)
class ReportReminderAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "region", "month", "kind", "read_at")
    list_filter = ("kind", "month")
