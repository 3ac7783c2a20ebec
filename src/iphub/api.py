"""The JSON API at ``/api/v1/``: session or bearer-token authentication, an
OpenAPI schema at ``/api/v1/openapi.json``, and one error body everywhere:
``{"code": ..., "message": ..., "fields": {...}}`` with Chinese messages."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from iphub.core.apiparams import BodyNotObject, ObjectBodyParser, validation_message
from iphub.core.errors import ApplicationError
from iphub.core.openapi import IphubAPI

api = IphubAPI(
    title="iphub API",
    version="1",
    urls_namespace="api",
    description="湖北知识产权公共服务平台 JSON 接口。错误统一返回 {code, message, fields}。",
    parser=ObjectBodyParser(),
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = _error(request, exc.status, exc.code, exc.message, exc.fields)
    if retry_after := getattr(exc, "retry_after", None):
        response["Retry-After"] = str(retry_after)
    return response


def _field_name(loc: list[Any]) -> str:
    # ninja prefixes locations with the parameter source ("body", "query", the payload name).
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        name = _field_name(list(err.get("loc", [])))
        fields.setdefault(name, validation_message(err))
    return _error(request, 422, "invalid", "提交的数据有误，请按字段提示修改。", fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", "请先登录，或在请求头提供有效的 API 令牌。")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "permission_denied", "您无权执行此操作。")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "未找到该记录。")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, BodyNotObject):
        # ninja wraps parser errors as 400; a body of the wrong shape is a 422 like
        # any other body that does not validate.
        msg = str(exc.__cause__)
        return _error(request, 422, "invalid", msg, {"__all__": msg})
    return _error(request, exc.status_code, "error", str(exc))


def _index_rebuilding(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After while the search index is rebuilt (patents.index_health)."""
    from iphub.patents.index_health import IndexRebuilding

    exc = IndexRebuilding()
    response = _error(request, exc.status, exc.code, exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any other exception: the one error shape, whatever DEBUG says. ninja's default
    answers the traceback as text with DEBUG on and lets Django draw an HTML page with
    it off; a client never gets either. The operator gets the traceback in the log,
    on the same logger (and so the same admin mail) as Django's own 500s. An error
    from a broken search index answers 503 索引重建中 while it is rebuilt."""
    from iphub.core.storage import storage_full_error
    from iphub.patents.index_health import index_broken_after

    # A full upload disk: 507 with what happened (core.storage), not a 500; it is an
    # OSError too, so it is told apart before the broken-index check.
    if (full := storage_full_error(exc)) is not None:
        return on_application_error(request, full)
    if index_broken_after(exc):
        return _index_rebuilding(request)
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    response = _error(
        request,
        500,
        "server_error",
        "服务器处理请求时出错，错误已记录。请稍后重试，或联系平台管理员。",
    )
    # Already logged with its traceback; Django would log it once more without.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _register_routers() -> None:
    from iphub.brands.api import router as brands_router
    from iphub.core.api import router as core_router
    from iphub.filings.api import router as filings_router
    from iphub.finance.api import router as finance_router
    from iphub.navigation.api import router as navigation_router
    from iphub.network.api import router as network_router
    from iphub.overseas.api import router as overseas_router
    from iphub.patents.api import router as patents_router
    from iphub.policies.api import router as policies_router
    from iphub.programmes.api import router as programmes_router
    from iphub.protection.api import router as protection_router
    from iphub.supervision.api import router as supervision_router
    from iphub.training.api import router as training_router
    from iphub.transfer.api import router as transfer_router

    api.add_router("/", core_router)
    api.add_router("/", patents_router)
    api.add_router("/", protection_router)
    api.add_router("/", navigation_router)
    api.add_router("/", filings_router)
    api.add_router("/", transfer_router)
    api.add_router("/", supervision_router)
    api.add_router("/", finance_router)
    api.add_router("/", programmes_router)
    api.add_router("/", brands_router)
    api.add_router("/", overseas_router)
    api.add_router("/", training_router)
    api.add_router("/", policies_router)
    api.add_router("/", network_router)


_register_routers()
