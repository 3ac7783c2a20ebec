from django.urls import path

from iphub.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("<int:policy_id>/", views.policy_detail, name="detail"),
    path("mine/", views.mine, name="mine"),
    path("keep/", views.keep_list, name="keep_list"),
    path("keep/new/", views.policy_new, name="new"),
    path("keep/<int:policy_id>/edit/", views.policy_edit, name="edit"),
]
