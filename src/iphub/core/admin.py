from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from iphub.core.models import AuditEntry, Organisation, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "kind", "region")
    search_fields = ("name", "uscc")


@admin.register(User)
class IphubUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("iphub", {"fields": ("role", "region", "organisation", "phone")}),
    )
    list_display = ("username", "role", "region", "organisation", "is_active")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "ip")
    search_fields = ("object_repr", "actor_name", "action")

    # The trail is append-only: nobody edits or deletes it, not even from the admin.
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
