"""Read-only admin of the brands register: entries, authorisations and
applications move only through the services and ``workflow.py``."""

from __future__ import annotations

from django.contrib import admin

from iphub.brands.models import (
    AuthorisedUse,
    CultivationList,
    CultivationMember,
    Indication,
    UseApplication,
)
from iphub.core.admin import ReadOnlyAdmin


@admin.register(Indication)
class IndicationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "product", "region", "approval_number", "state")
    list_filter = ("kind", "state")
    search_fields = ("name", "product", "approval_number")


@admin.register(AuthorisedUse)
class AuthorisedUseAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "indication", "valid_from", "valid_until", "status")
    list_filter = ("status",)
    search_fields = ("organisation__name", "indication__name")


@admin.register(UseApplication)
class UseApplicationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "indication", "valid_from", "valid_until", "state")
    list_filter = ("state",)
    search_fields = ("organisation__name", "indication__name")


@admin.register(CultivationList)
class CultivationListAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "region")
    list_filter = ("year",)
    search_fields = ("title",)


@admin.register(CultivationMember)
class CultivationMemberAdmin(ReadOnlyAdmin):
    list_display = ("brand", "organisation", "cultivation_list")
    search_fields = ("brand", "organisation__name")
