"""Carries the request's user and address to the audit log without threading
``request`` through every service signature."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from iphub.core.audit import request_context


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        ip = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None
        with request_context(ip=ip):
            return self.get_response(request)
