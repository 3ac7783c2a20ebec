from django.urls import path

from iphub.patents import views, views_export, views_ipc
from iphub.patents.intelligence import views as intelligence_views

app_name = "patents"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:patent_id>/", views.detail, name="detail"),
    path("applicant/", views.applicant, name="applicant"),
    path("export.<str:fmt>", views.export, name="export"),
    path("exports/", views_export.export_queue, name="export_queue"),
    path("exports/<int:export_id>/", views_export.export_job, name="export_job"),
    path(
        "exports/<int:export_id>/progress/",
        views_export.export_job_progress,
        name="export_job_progress",
    ),
    path(
        "exports/<int:export_id>/download/",
        views_export.export_job_download,
        name="export_job_download",
    ),
    path("imports/", views.imports, name="imports"),
    path(
        "imports/change-file-example.<str:fmt>",
        views.change_file_example,
        name="change_file_example",
    ),
    path("imports/<int:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/progress/", views.import_progress, name="import_progress"),
    path("saved/", views.saved_searches, name="saved"),
    path("saved/<int:saved_id>/delete/", views.saved_search_delete, name="saved_delete"),
    path("saved/alerts/<int:alert_id>/", views.search_alert, name="search_alert"),
    path("unresolved/", views.unresolved, name="unresolved"),
    path("ipc/suggest/", views_ipc.ipc_suggest_fragment, name="ipc_suggest"),
    path("grade/method/", intelligence_views.grade_method, name="grade_method"),
]
