"""Every write of the network app: outlets, tickets, agencies (one module each)."""

from iphub.network.services.agencies import (
    agency_profile_update,
    agent_add,
    agent_deactivate,
)
from iphub.network.services.outlets import (
    outlet_create,
    outlet_staff_add,
    outlet_staff_remove,
    outlet_update,
)
from iphub.network.services.tickets import ticket_open, ticket_step, tickets_flag_overdue

__all__ = [
    "agency_profile_update",
    "agent_add",
    "agent_deactivate",
    "outlet_create",
    "outlet_staff_add",
    "outlet_staff_remove",
    "outlet_update",
    "ticket_open",
    "ticket_step",
    "tickets_flag_overdue",
]
