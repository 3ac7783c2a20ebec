from django.urls import path

from iphub.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("<int:programme_id>/", views.programme_detail, name="detail"),
    path("<int:programme_id>/apply/", views.apply, name="apply"),
    path("<int:programme_id>/export/", views.export, name="export"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path("applications/<int:application_id>/resubmit/", views.resubmit, name="resubmit"),
    path("applications/<int:application_id>/<str:action>/", views.act, name="act"),
    path(
        "applications/<int:application_id>/evidence/<int:evidence_id>/",
        views.evidence,
        name="evidence",
    ),
    path("memberships/<int:membership_id>/report/", views.report, name="report"),
]
