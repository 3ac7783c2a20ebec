from django.urls import path

from iphub.navigation import views

app_name = "navigation"

urlpatterns = [
    path("", views.chain_list, name="chains"),
    path("chains/<int:chain_id>/", views.chain_detail, name="chain"),
    path("chains/<int:chain_id>/edit/", views.chain_edit, name="chain_edit"),
    path("chains/<int:chain_id>/analyse/", views.analysis_run, name="analyse"),
    path("analyses/<int:analysis_id>/progress/", views.analysis_progress, name="progress"),
    path("analyses/<int:analysis_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("analyses/<int:analysis_id>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("evidence/", views.evidence_list, name="evidence"),
    path("evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
]
