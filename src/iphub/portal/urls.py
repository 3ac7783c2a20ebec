from django.urls import path

from iphub.portal import account, audit_chain, background, security, twofactor, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.IphubLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/otp/", twofactor.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/", twofactor.two_factor, name="two_factor"),
    path("account/two-factor/setup/", twofactor.two_factor_setup, name="two_factor_setup"),
    path(
        "account/two-factor/recovery-codes/",
        twofactor.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("workspace/", views.workspace, name="workspace"),
    path("password/", views.password_change, name="password_change"),
    path("account/tokens/", account.account_tokens, name="account_tokens"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        account.account_token_revoke,
        name="account_token_revoke",
    ),
    path("security/", security.security_accounts, name="security"),
    path(
        "security/accounts/<int:user_id>/<slug:act>/",
        security.security_account_act,
        name="security_act",
    ),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/export.xlsx", views.organisation_export, name="organisation_export"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.<str:fmt>", views.audit_export, name="audit_export"),
    path("audit/verify/", audit_chain.audit_verify, name="audit_verify"),
    path("system/background/", background.background_status, name="background"),
]
