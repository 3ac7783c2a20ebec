from django.urls import path

from iphub.brands import views, views_staff

app_name = "brands"

urlpatterns = [
    path("", views.trademark_search, name="trademarks"),
    path("gi/", views.indication_list, name="indications"),
    path("gi/<int:indication_id>/", views.indication_detail, name="indication"),
    path("gi/<int:indication_id>/rules/", views.indication_rules, name="indication_rules"),
    path("gi/<int:indication_id>/edit/", views_staff.indication_edit, name="indication_edit"),
    path(
        "gi/<int:indication_id>/step/<str:step>/",
        views_staff.indication_step,
        name="indication_step",
    ),
    path("gi/<int:indication_id>/users/", views_staff.use_grant, name="use_grant"),
    path(
        "gi/<int:indication_id>/users/<int:use_id>/revoke/",
        views_staff.use_revoke,
        name="use_revoke",
    ),
    path("gi/<int:indication_id>/apply/", views_staff.apply, name="apply"),
    path("register/", views_staff.register, name="register"),
    path("register/new/", views_staff.indication_new, name="indication_new"),
    path("applications/", views_staff.application_list, name="applications"),
    path(
        "applications/<int:application_id>/",
        views_staff.application_detail,
        name="application",
    ),
    path(
        "applications/<int:application_id>/step/<str:step>/",
        views_staff.application_step,
        name="application_step",
    ),
    path("cultivation/", views.cultivation_index, name="cultivation"),
    path("cultivation/new/", views_staff.cultivation_new, name="cultivation_new"),
    path("cultivation/<int:list_id>/", views.cultivation_detail, name="cultivation_list"),
    path(
        "cultivation/<int:list_id>/members/",
        views_staff.cultivation_member_add,
        name="cultivation_member_add",
    ),
    path("figures/", views.figures, name="figures"),
]
