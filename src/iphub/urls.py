from django.contrib import admin
from django.urls import include, path

from iphub.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("patents/", include("iphub.patents.urls")),
    path("protection/", include("iphub.protection.urls")),
    path("navigation/", include("iphub.navigation.urls")),
    path("filings/", include("iphub.filings.urls")),
    path("transfer/", include("iphub.transfer.urls")),
    path("supervision/", include("iphub.supervision.urls")),
    path("finance/", include("iphub.finance.urls")),
    path("", include("iphub.portal.urls")),
]
