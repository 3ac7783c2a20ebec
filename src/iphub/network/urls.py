from django.urls import path

from iphub.network import views_agencies, views_outlets, views_tickets

app_name = "network"

urlpatterns = [
    path("", views_outlets.outlet_list, name="outlets"),
    path("outlets/new/", views_outlets.outlet_form, name="outlet_new"),
    path("outlets/<int:outlet_id>/", views_outlets.outlet_detail, name="outlet"),
    path("outlets/<int:outlet_id>/edit/", views_outlets.outlet_form, name="outlet_edit"),
    path("outlets/<int:outlet_id>/staff/", views_outlets.outlet_staff_add, name="staff_add"),
    path(
        "outlets/<int:outlet_id>/staff/<int:member_id>/remove/",
        views_outlets.outlet_staff_remove,
        name="staff_remove",
    ),
    path("outlets/<int:outlet_id>/tickets/new/", views_tickets.ticket_new, name="ticket_new"),
    path("tickets/", views_tickets.ticket_list, name="tickets"),
    path("tickets/<int:ticket_id>/", views_tickets.ticket_detail, name="ticket"),
    path("tickets/<int:ticket_id>/act/<str:action>/", views_tickets.ticket_act, name="ticket_act"),
    path("tickets/<int:ticket_id>/file/", views_tickets.ticket_file, name="ticket_file"),
    path("stats/", views_tickets.outlet_stats, name="stats"),
    path("agencies/", views_agencies.agency_list, name="agencies"),
    path("agencies/<int:organisation_id>/", views_agencies.agency_detail, name="agency"),
    path("agencies/<int:organisation_id>/edit/", views_agencies.agency_edit, name="agency_edit"),
    path(
        "agencies/<int:organisation_id>/agents/",
        views_agencies.agent_add,
        name="agent_add",
    ),
    path(
        "agencies/<int:organisation_id>/agents/<int:agent_id>/deactivate/",
        views_agencies.agent_deactivate,
        name="agent_deactivate",
    ),
]
