from django.urls import path

from iphub.brokerage import views, views_calls

app_name = "brokerage"

urlpatterns = [
    path("pushes/", views.push_inbox, name="push_inbox"),
    path("pushes/mute/", views.push_mute, name="push_mute"),
    path("pushes/<int:push_id>/", views.push_detail, name="push_detail"),
    path("pushes/<int:push_id>/answer/", views.push_answer, name="push_answer"),
    path("sent/", views.sent, name="sent"),
    path("sent/portfolio/", views.portfolio_pushes, name="portfolio_pushes"),
    path("sent/listing/<int:listing_id>/", views.listing_pushes, name="listing_pushes"),
    path("sent/run/", views.push_run_new, name="push_run_new"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("brokers/", views.broker_list, name="broker_list"),
    path("brokers/new/", views.broker_new, name="broker_new"),
    path("brokers/funnel/", views.broker_funnel, name="broker_funnel"),
    path("brokers/<int:broker_id>/<str:action>/", views.broker_action, name="broker_action"),
    path("assign/", views.assign, name="assign"),
    path("assignments/", views.assignments_mine, name="assignments"),
    path("assignments/<int:assignment_id>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:assignment_id>/log/", views.contact_log_add, name="contact_log_add"),
    path("calls/", views_calls.call_hall, name="calls"),
    path("calls/mine/", views_calls.call_mine, name="call_mine"),
    path("calls/new/", views_calls.call_new, name="call_new"),
    path("calls/<int:call_id>/", views_calls.call_detail, name="call_detail"),
    path("calls/<int:call_id>/propose/", views_calls.proposal_submit, name="proposal_submit"),
    path("calls/<int:call_id>/<str:action>/", views_calls.call_action, name="call_action"),
    path(
        "proposals/<int:proposal_id>/<str:action>/",
        views_calls.proposal_action,
        name="proposal_action",
    ),
    path("files/<int:file_id>/", views_calls.proposal_file, name="proposal_file"),
]
