from django.urls import path

from iphub.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("discipline.xlsx", views.discipline_export, name="discipline_export"),
    path("city/<str:code>/", views.city, name="city"),
    path("city/<str:code>/<str:key>/", views.records, name="records"),
    path("scores/", views.scores, name="scores"),
    path("plan/", views.plan_view, name="plan"),
    path("plan/targets/<int:target_id>/", views.target_edit, name="target_edit"),
    path("reports/", views.report_list, name="reports"),
    path("reports/export.xlsx", views.report_list_export, name="reports_export"),
    path("reports/start/", views.report_start, name="report_start"),
    path("reports/counties/", views.county_reporting, name="county_reporting"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/act/", views.report_act, name="report_act"),
    path("reports/<int:report_id>/import/", views.report_import, name="report_import"),
    path(
        "reports/<int:report_id>/download.<str:fmt>", views.report_download, name="report_download"
    ),
]
