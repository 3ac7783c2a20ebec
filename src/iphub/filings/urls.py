from django.urls import path

from iphub.filings import views, views_forms

app_name = "filings"

urlpatterns = [
    path("", views.catalogue_page, name="catalogue"),
    path("pledge/new/", views.pledge_new, name="pledge_new"),
    path("pledge/<str:operation>/", views.pledge_amend, name="pledge_amend"),
    path("licence/new/", views.licence_new, name="licence_new"),
    path("trademark/new/", views_forms.trademark_new, name="trademark_new"),
    path("trademark/<str:operation>/", views_forms.trademark_amend, name="trademark_amend"),
    path("transfer/new/", views_forms.transfer_new, name="transfer_new"),
    path("product/new/", views_forms.product_new, name="product_new"),
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("board/", views.board, name="board"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<int:filing_id>/", views.detail, name="detail"),
    path("<int:filing_id>/act/<str:action>/", views.act, name="act"),
    path("<int:filing_id>/correct/", views.correct, name="correct"),
    path("<int:filing_id>/edit/", views_forms.draft_edit, name="draft_edit"),
    path("<int:filing_id>/notice.pdf", views.notice, name="notice"),
    path("<int:filing_id>/documents/<int:document_id>/", views.document, name="document"),
]
