from django.urls import path

from iphub.portal import account, audit_chain, background, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.IphubLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("workspace/", views.workspace, name="workspace"),
    path("password/", views.password_change, name="password_change"),
    path("account/tokens/", account.account_tokens, name="account_tokens"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        account.account_token_revoke,
        name="account_token_revoke",
    ),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/export.xlsx", views.organisation_export, name="organisation_export"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.<str:fmt>", views.audit_export, name="audit_export"),
    path("audit/verify/", audit_chain.audit_verify, name="audit_verify"),
    path("system/background/", background.background_status, name="background"),
]
