"""Refused, missing and failed pages are the platform's own, with debug on or off;
the API keeps its JSON errors; a visitor is still sent to the login."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from iphub.core.errors import ApplicationError
from iphub.core.models import User


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def _refused(request: HttpRequest) -> HttpResponse:
    raise ApplicationError("该申请已办结，不能再修改。", status=409)


# The site with two extra pages: one that fails, one whose service refusal escapes.
urlpatterns = [
    path("boom/", _boom),
    path("refused/", _refused),
    path("", include("iphub.urls")),
]
handler500 = "iphub.portal.errors.server_error"


def _is_platform_page(response: Any) -> str:
    page = response.content.decode()
    assert "data-iphub-page" in page and 'data-testid="error-page"' in page
    assert 'href="/"' in page  # the way home
    return page


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_is_a_chinese_page_with_ways_on(
    client: Any, db: Any, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = _is_platform_page(response)
    assert "页面不存在" in page and "/no-such-page/" in page
    assert "URLconf" not in page and "Page not found" not in page
    assert 'href="/login/"' in page  # a visitor is offered the login


def test_the_address_shown_is_escaped(client: Any, db: Any) -> None:
    page = _is_platform_page(client.get("/<script>alert(1)</script>/"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_the_missing_page_speaks_english_when_chosen(client: Any, db: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = _is_platform_page(client.get("/no-such-page/"))
    assert "Page not found" in page and "页面不存在" not in page


def test_a_refusal_says_who_may_and_offers_the_workspace(
    client: Any, cast: dict[str, User]
) -> None:
    client.force_login(cast["enterprise"])
    response = client.get("/filings/queue/", HTTP_REFERER="http://testserver/filings/")
    assert response.status_code == 403
    page = _is_platform_page(response)
    assert "无权访问" in page  # the heading says what happened, the message who may
    assert "此操作仅限窗口/审核人员、督导人员" in page and "企业/公众用户" in page
    assert 'href="/workspace/"' in page
    assert "返回上一页" in page


def test_the_supervision_refusal_has_the_ways_on(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["wuhan_clerk"])
    response = client.get("/supervision/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "此操作仅限督导人员" in page and 'data-testid="error-ways"' in page


def test_a_visitor_is_still_sent_to_the_login(client: Any, db: Any) -> None:
    response = client.get("/filings/queue/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.urls("iphub.portal.tests.test_errors")
@pytest.mark.parametrize("debug", [False, True])
def test_a_failure_is_a_platform_page(db: Any, settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    page = _is_platform_page(response)
    assert "系统出错" in page and "错误已记录" in page
    # The developer keeps the traceback with debug on; users never see it.
    assert ("a bug in a view" in page) is debug


@pytest.mark.urls("iphub.portal.tests.test_errors")
def test_a_refusal_that_escapes_a_view_keeps_its_message(db: Any) -> None:
    response = Client().get("/refused/")
    assert response.status_code == 409
    assert "该申请已办结，不能再修改。" in _is_platform_page(response)


def test_a_form_only_address_opened_directly_explains(client: Any, db: Any) -> None:
    response = client.get("/logout/")
    assert response.status_code == 405
    assert "只接受表单提交" in _is_platform_page(response)


def test_an_expired_form_explains(cast: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["wuhan_clerk"])
    response = client.post("/logout/")
    assert response.status_code == 403
    assert "刷新后重新提交" in _is_platform_page(response)


@pytest.mark.parametrize("debug", [False, True])
def test_the_api_keeps_its_json_errors(
    client: Any, cast: dict[str, User], settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    missing = client.get("/api/v1/no-such-endpoint")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "未找到该接口或记录。", "fields": {}}
    client.force_login(cast["wuhan_clerk"])
    refused = client.get("/api/v1/supervision/reports")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_there_is_a_favicon(client: Any, db: Any) -> None:
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/portal/favicon.ico"
    assert finders.find("portal/favicon.ico") and finders.find("portal/favicon.svg")
    assert 'rel="icon" href="/static/portal/favicon.svg"' in client.get("/").content.decode()
