from django.urls import path

from iphub.protection import views, views_registry

app_name = "protection"

urlpatterns = [
    path("", views.index, name="index"),
    path("screening/", views.group_list, name="groups"),
    path("screening/run/", views.run_create, name="run_create"),
    path("screening/runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("screening/<int:group_id>/", views.group_detail, name="group_detail"),
    path("screening/<int:group_id>/decide/", views.group_decide, name="group_decide"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/transition/", views.case_move, name="case_transition"),
    path("cases/<int:case_id>/evidence/", views.case_evidence_upload, name="case_evidence"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("screening/<int:group_id>/case/", views.group_open_case, name="group_case"),
    path("cases/<int:case_id>/cooperation/", views.cooperation_create, name="cooperation_create"),
    path(
        "cooperation/<int:request_id>/answer/", views.cooperation_answer, name="cooperation_answer"
    ),
    path("assistance/<int:request_id>/close/", views.assistance_close, name="assistance_close"),
    path("fasttrack/", views.fasttrack, name="fasttrack"),
    path("workstations/", views.workstations, name="workstations"),
    path("campaigns/", views_registry.campaigns, name="campaigns"),
    path("campaigns/<int:campaign_id>/edit/", views_registry.campaign_edit, name="campaign_edit"),
    path("stations/", views_registry.station_register, name="stations"),
    path("stations/<int:station_id>/", views_registry.station_detail, name="station_detail"),
    path(
        "stations/<int:station_id>/services/",
        views_registry.station_service_add,
        name="station_service_add",
    ),
    path(
        "stations/<int:station_id>/services.xlsx",
        views_registry.station_service_export,
        name="station_service_export",
    ),
    path("assistance/", views.assistance, name="assistance"),
    path(
        "assistance/<int:request_id>/feedback/",
        views.assistance_feedback,
        name="assistance_feedback",
    ),
]
