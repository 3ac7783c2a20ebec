from django.urls import path

from iphub.transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.need_hall, name="needs"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/mine/", views.need_mine, name="need_mine"),
    path("needs/import/", views.need_import, name="need_import"),
    path("needs/import/template.xlsx", views.need_import_template, name="need_import_template"),
    path("needs/<int:need_id>/", views.need_detail, name="need_detail"),
    path("needs/<int:need_id>/<str:action>/", views.need_action, name="need_action"),
    path("supply/", views.listing_hall, name="listings"),
    path("supply/new/", views.listing_new, name="listing_new"),
    path("supply/<int:listing_id>/", views.listing_detail, name="listing_detail"),
    path("supply/<int:listing_id>/<str:action>/", views.listing_action, name="listing_action"),
    path("matches/<int:match_id>/", views.match_detail, name="match_detail"),
    path("matches/<int:match_id>/<str:action>/", views.match_action, name="match_action"),
    path("inbox/", views.inbox, name="inbox"),
    path("funnel/", views.funnel, name="funnel"),
    path("events/", views.event_list, name="events"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("deals/", views.deal_stats, name="deals"),
]
