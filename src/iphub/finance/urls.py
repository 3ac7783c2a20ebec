from django.urls import path

from iphub.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("funds/new/", views.fund_new, name="fund_new"),
    path("funds/<int:fund_id>/", views.fund_detail, name="fund"),
    path("loans/import/", views.loans_import, name="loans_import"),
    path("loans/template.xlsx", views.loans_template, name="loans_template"),
]
