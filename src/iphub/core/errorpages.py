"""The platform's own page for a refused, missing or failed request.

``error_page`` renders ``portal/error.html``: what happened, in the user's language,
and where to go next (back, home, the workspace, or the login for a visitor). It
lives in core so that every app (and core's rate limiter) can answer with it
without importing portal, the top layer; portal wires the handlers
(``iphub.portal.errors``) and the middleware that use it.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from iphub.core.errors import ApplicationError

logger = logging.getLogger(__name__)


def _heading(status: int) -> str:
    return {
        400: _("请求有误"),
        401: _("请先登录"),
        403: _("无权访问"),
        404: _("页面不存在"),
        405: _("无法这样打开此页面"),
        409: _("操作未完成"),
        429: _("请求过于频繁"),
        500: _("系统出错"),
        503: _("服务暂时不可用"),
    }.get(status, _("无法完成操作"))


def _default_message(request: HttpRequest, status: int) -> str:
    user: Any = getattr(request, "user", None)
    if status == 403:
        if user is not None and user.is_authenticated:
            region = getattr(user, "region", None)
            return _(
                "此页面不对您当前的身份（%(role)s%(region)s）开放。"
                "如需办理，请联系所在地区的知识产权主管部门开通相应权限。"
            ) % {
                "role": user.get_role_display(),
                "region": f" · {region.name}" if region is not None else "",
            }
        return _("此页面需要登录后使用。")
    if status == 404:
        return _(
            "您访问的地址 %(path)s 不存在，或该记录已被删除。请检查地址，或从下面的入口继续。"
        ) % {"path": request.path}
    if status == 405:
        return _("此地址只接受表单提交，不能直接打开。请回到上一页，用页面上的按钮办理。")
    if status == 500:
        return _(
            "服务器处理您的请求时出错，错误已记录。请稍后重试；"
            "如果一直出现，请联系平台管理员，并告知发生的时间和您访问的地址。"
        )
    return _("请求无法处理，请检查后重试。")


def _back_url(request: HttpRequest) -> str:
    """The page the user came from, if it is on this site and not this page."""
    referer = request.META.get("HTTP_REFERER", "")
    parts = urlsplit(referer)
    here = urlsplit(request.get_full_path())
    if not referer or (parts.path, parts.query) == (here.path, here.query):
        return ""
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def error_context(
    request: HttpRequest, *, status: int, message: str = "", detail: str = ""
) -> dict[str, Any]:
    """What ``portal/error.html`` shows: a heading for ``status``, the message (the
    service's own when it gave one) and the ways on."""
    user: Any = getattr(request, "user", None)
    anonymous = user is None or not user.is_authenticated
    login_url = ""
    if anonymous:
        login_url = reverse("portal:login")
        if request.method == "GET" and status in (401, 403):
            login_url += f"?next={request.get_full_path()}"
    return {
        "status": status,
        "heading": _heading(status),
        "message": message or _default_message(request, status),
        "detail": detail,
        "back_url": _back_url(request),
        "login_url": login_url,
    }


def error_page(
    request: HttpRequest, *, status: int, message: str = "", detail: str = ""
) -> HttpResponse:
    """The platform's page for ``status``; falls back to plain HTML if the page itself
    cannot be rendered (a failing database must not hide the error page too)."""
    context = error_context(request, status=status, message=message, detail=detail)
    try:
        return render(request, "portal/error.html", context, status=status)
    except Exception:  # the page of last resort: log why the full page failed
        logger.exception("error page %s could not be rendered", status)
        return HttpResponse(
            f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><body data-iphub-page>'
            f"<h1>{escape(context['heading'])}</h1><p>{escape(context['message'])}</p>"
            f'<p><a href="/">{_("返回首页")}</a></p></body></html>',
            status=status,
        )


def application_error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """A service's refusal as a page: its status and its own message."""
    return error_page(request, status=exc.status, message=exc.message)
