from django.urls import path

from iphub.patents import views

app_name = "patents"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:patent_id>/", views.detail, name="detail"),
    path("applicant/", views.applicant, name="applicant"),
    path("export.<str:fmt>", views.export, name="export"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/progress/", views.import_progress, name="import_progress"),
    path("saved/", views.saved_searches, name="saved"),
    path("saved/<int:saved_id>/delete/", views.saved_search_delete, name="saved_delete"),
    path("unresolved/", views.unresolved, name="unresolved"),
]
