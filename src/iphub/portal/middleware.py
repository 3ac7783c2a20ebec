"""Every refused, missing or failed page is the platform's own (``portal/error.html``).

Why a middleware as well as ``handler403/404/500``: Django consults the handlers
only with DEBUG off. With DEBUG on (the embedded default of ``make run``) an
unknown URL gets Django's technical 404, in English and listing every URL pattern,
and an exception gets the traceback page; and with either setting some responses
are built without a page at all (a GET to a POST-only view answers an empty 405).
Looking at the finished response covers all of these in one place.

A response that already is a platform page (``portal/base.html`` marks its body
``data-iphub-page``), such as a view's own error page carrying the service's
message, passes untouched. API responses keep their JSON error shape: a non-JSON
error under ``/api/`` is turned into ``{"code", "message", "fields"}``. HTMX
requests pass untouched: htmx does not swap an error response into the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.views.debug import ExceptionReporter

from iphub.core.errors import ApplicationError
from iphub.portal.errors import application_error_page, error_page

REPLACED = frozenset({400, 403, 404, 405, 500})
API_PREFIX = "/api/"
API_MESSAGES = {
    400: ("invalid", "请求有误。"),
    403: ("permission_denied", "您无权执行此操作。"),
    404: ("not_found", "未找到该接口或记录。"),
    405: ("method_not_allowed", "该接口不支持此请求方法。"),
    500: ("server_error", "服务器处理请求时出错，错误已记录。"),
}


class PlatformErrorPages:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code not in REPLACED or response.streaming:
            return response
        if request.headers.get("HX-Request") or request.path.startswith(settings.STATIC_URL):
            return response
        content_type = response.get("Content-Type", "")
        if request.path.startswith(API_PREFIX):
            if content_type.startswith("application/json"):
                return response
            code, message = API_MESSAGES[response.status_code]
            return JsonResponse(
                {"code": code, "message": message, "fields": {}}, status=response.status_code
            )
        if content_type and not content_type.startswith(("text/html", "text/plain")):
            return response
        assert isinstance(response, HttpResponse)
        if b"data-iphub-page" in response.content:
            return response
        detail = ""
        exc = getattr(request, "_iphub_exception", None)
        if settings.DEBUG and response.status_code == 500 and exc is not None:
            # The developer keeps the traceback (also in the server log); users never see it.
            detail = ExceptionReporter(
                request, type(exc), exc, exc.__traceback__
            ).get_traceback_text()
        replacement = error_page(request, status=response.status_code, detail=detail)
        for header in ("Allow", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        """A service's refusal that a view let through is shown with its message
        (instead of a server error); anything else is left to Django, which logs it."""
        # A full upload disk: the submission did not go through (core.storage); told
        # apart before the broken-index check, which also looks at OSErrors.
        from iphub.core.storage import storage_full_error

        exception = storage_full_error(exception) or exception
        if not request.path.startswith(API_PREFIX) and isinstance(exception, ValueError | OSError):
            # A search on a broken index: 索引重建中 while it is rebuilt, not a 500.
            from iphub.patents.index_health import IndexRebuilding, index_broken_after

            if index_broken_after(exception):
                exception = IndexRebuilding()
        if isinstance(exception, ApplicationError) and not request.path.startswith(API_PREFIX):
            response = application_error_page(request, exception)
            if retry_after := getattr(exception, "retry_after", None):
                response["Retry-After"] = str(retry_after)
            return response
        request._iphub_exception = exception  # type: ignore[attr-defined]
        return None
