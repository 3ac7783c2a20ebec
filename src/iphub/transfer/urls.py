from django.urls import path

from iphub.transfer import views, views_deals, views_events, views_similar

app_name = "transfer"

urlpatterns = [
    path("", views.need_hall, name="needs"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/mine/", views.need_mine, name="need_mine"),
    path("needs/import/", views.need_import, name="need_import"),
    path("needs/import/template.xlsx", views.need_import_template, name="need_import_template"),
    path("needs/<int:need_id>/", views.need_detail, name="need_detail"),
    path("needs/<int:need_id>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:need_id>/matching/", views.need_matching, name="need_matching"),
    path("needs/<int:need_id>/<str:action>/", views.need_action, name="need_action"),
    path("supply/", views.listing_hall, name="listings"),
    path("supply/new/", views.listing_new, name="listing_new"),
    path("supply/<int:listing_id>/", views.listing_detail, name="listing_detail"),
    path("supply/<int:listing_id>/matching/", views.listing_matching, name="listing_matching"),
    path("supply/<int:listing_id>/<str:action>/", views.listing_action, name="listing_action"),
    path("matches/<int:match_id>/", views.match_detail, name="match_detail"),
    path("matches/<int:match_id>/<str:action>/", views.match_action, name="match_action"),
    path("inbox/", views.inbox, name="inbox"),
    path("funnel/", views.funnel, name="funnel"),
    path("events/", views_events.event_list, name="events"),
    path("events/new/", views_events.event_new, name="event_new"),
    path("events/<int:event_id>/", views_events.event_detail, name="event_detail"),
    path("deals/", views.deal_stats, name="deals"),
    path("deals/list/", views_deals.deal_list, name="deal_list"),
    path("deals/new/", views_deals.deal_new, name="deal_new"),
    path("deals/filings/", views_deals.deal_filing_options, name="deal_filing_options"),
    path("deals/<int:deal_id>/filing/", views_deals.deal_filing, name="deal_filing"),
    path("similar/", views_similar.similar_text, name="similar_text"),
    path("similar/patent/<int:patent_id>/", views_similar.similar_patent, name="similar_patent"),
]
