from django.urls import path

from iphub.finance import views, views_financing, views_money

app_name = "finance"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("funds/new/", views.fund_new, name="fund_new"),
    path("funds/<int:fund_id>/", views.fund_detail, name="fund"),
    path("funds/<int:fund_id>/sharing/", views_money.fund_sharing, name="fund_sharing"),
    path("loans/import/", views.loans_import, name="loans_import"),
    path("loans/template.xlsx", views.loans_template, name="loans_template"),
    path("products/", views_financing.product_list, name="products"),
    path("products/new/", views_financing.product_form, name="product_new"),
    path("products/<int:product_id>/", views_financing.product_form, name="product_edit"),
    path("requests/", views_financing.request_list, name="requests"),
    path("requests/new/", views_financing.request_new, name="request_new"),
    path("requests/<int:request_id>/", views_financing.request_detail, name="request"),
    path(
        "requests/<int:request_id>/withdraw/",
        views_financing.request_withdraw,
        name="request_withdraw",
    ),
    path(
        "answers/<int:answer_id>/act/<str:action>/",
        views_financing.answer_act,
        name="answer_act",
    ),
    path(
        "answers/<int:answer_id>/files/<int:file_id>/",
        views_financing.answer_file,
        name="answer_file",
    ),
    path("inbox/", views_financing.inbox, name="inbox"),
    path("board/", views_financing.board, name="board"),
    path("whitelist/", views_financing.whitelist_page, name="whitelist"),
    path("insurance/", views_money.policy_list, name="policies"),
    path("insurance/new/", views_money.policy_new, name="policy_new"),
    path("insurance/<int:policy_id>/", views_money.policy_detail, name="policy"),
    path("figures/", views_money.figures_page, name="figures"),
]
