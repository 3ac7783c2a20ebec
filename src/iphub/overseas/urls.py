from django.urls import path

from iphub.overseas import views

app_name = "overseas"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/step/<str:step>/", views.case_step, name="case_step"),
    path("cases/<int:case_id>/guidance/", views.guidance_add, name="guidance_add"),
    path("cases/<int:case_id>/experts/", views.expert_assign, name="expert_assign"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/<int:expert_id>/conflicts/", views.conflict_declare, name="conflict_declare"),
    path("watches/", views.watch_list, name="watches"),
    path("watches/<int:watch_id>/subscription/", views.watch_subscribe, name="watch_subscribe"),
    path("warnings/", views.warning_list, name="warnings"),
    path("figures/", views.figures, name="figures"),
]
