"""Admin of the network's records: read-only. Outlets, staff and agents change
through the pages' services (validated, audited); tickets only through the
steps of ``workflow.py``."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iphub.core.admin import ReadOnlyAdmin
from iphub.network import workflow
from iphub.network.models import (
    AgencyProfile,
    Agent,
    Outlet,
    OutletStaff,
    ServiceTicket,
    TicketEvent,
)


@admin.register(Outlet)
class OutletAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "level", "region", "host_name", "active")
    list_filter = ("kind", "level", "active")
    search_fields = ("name", "host_name", "address")


@admin.register(OutletStaff)
class OutletStaffAdmin(ReadOnlyAdmin):
    list_display = ("outlet", "user", "added_at")
    search_fields = ("outlet__name", "user__username")


@admin.register(ServiceTicket)
class ServiceTicketAdmin(ReadOnlyAdmin):
    list_display = ("subject", "outlet", "service", "state", "due_at", "late", "rating")
    list_filter = ("state", "service", "late")
    search_fields = ("subject", "outlet__name", "organisation__name")


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    # The stored codes shown in words, as the ticket page shows its history.
    list_display = ("ticket", "step", "actor_name", "at")

    @admin.display(description=_("操作"))
    def step(self, obj: TicketEvent) -> str:
        return str(workflow.step_label(obj.action))


@admin.register(AgencyProfile)
class AgencyProfileAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "updated_at")
    search_fields = ("organisation__name",)


@admin.register(Agent)
class AgentAdmin(ReadOnlyAdmin):
    list_display = ("name", "licence_number", "organisation", "active")
    list_filter = ("active",)
    search_fields = ("name", "licence_number", "organisation__name")
