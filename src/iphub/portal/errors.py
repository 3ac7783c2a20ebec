"""The platform's own pages for a refused, missing or failed request.

``error_page`` renders ``portal/error.html``: what happened, in the user's language,
and where to go next (back, home, the workspace, or the login for a visitor). The page itself is
drawn by :mod:`iphub.core.errorpages` (every app may answer with it); the
handlers below are wired in ``iphub.urls`` (``handler400/403/404/500``) and as
``CSRF_FAILURE_VIEW``; ``iphub.portal.middleware.PlatformErrorPages`` uses the same
page for the responses Django builds itself (the debug 404, a 405).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from iphub.core.errorpages import application_error_page, error_context, error_page
from iphub.core.errors import ApplicationError

__all__ = ["application_error_page", "error_context", "error_page"]


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # A service's AccessDenied says who may do it; Django's own PermissionDenied carries
    # English or nothing, so the page then explains from the user's role.
    message = exception.message if isinstance(exception, ApplicationError) else ""
    return error_page(request, status=403, message=message)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = exception.message if isinstance(exception, ApplicationError) else ""
    return error_page(request, status=404, message=message)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        status=403,
        message=_("页面已过期或安全校验未通过，表单没有提交。请返回上一页，刷新后重新提交。"),
    )
