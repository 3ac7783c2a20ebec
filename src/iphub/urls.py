from django.contrib import admin
from django.urls import include, path

from iphub.api import api
from iphub.portal.views import favicon

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page links; the icon lives in static.
    path("favicon.ico", favicon),
    path("patents/", include("iphub.patents.urls")),
    path("protection/", include("iphub.protection.urls")),
    path("navigation/", include("iphub.navigation.urls")),
    path("filings/", include("iphub.filings.urls")),
    path("transfer/", include("iphub.transfer.urls")),
    path("supervision/", include("iphub.supervision.urls")),
    path("finance/", include("iphub.finance.urls")),
    path("programmes/", include("iphub.programmes.urls")),
    path("brands/", include("iphub.brands.urls")),
    path("overseas/", include("iphub.overseas.urls")),
    path("training/", include("iphub.training.urls")),
    path("policies/", include("iphub.policies.urls")),
    path("network/", include("iphub.network.urls")),
    path("brokerage/", include("iphub.brokerage.urls")),
    path("enterprises/", include("iphub.enterprises.urls")),
    path("", include("iphub.portal.urls")),
]

# The platform's own pages for refused, missing and failed requests (also with DEBUG
# on, through iphub.portal.middleware.PlatformErrorPages).
handler400 = "iphub.portal.errors.bad_request"
handler403 = "iphub.portal.errors.permission_denied"
handler404 = "iphub.portal.errors.page_not_found"
handler500 = "iphub.portal.errors.server_error"
