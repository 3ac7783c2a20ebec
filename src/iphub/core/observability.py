"""What an operator sees of a running node: request ids, JSON log lines, probes.

``ObservabilityMiddleware`` sits first in ``MIDDLEWARE``. For every request it

- takes the caller's ``X-Request-ID`` (a proxy or a client sets it; nginx in
  ``deploy/nginx/iphub.conf`` passes ``$request_id``) when it is a sane token,
  else makes one, keeps it in a context variable for every log line written
  while the request runs, and returns it in the response's ``X-Request-ID``;
- times the request into the latency histogram of :mod:`iphub.core.metrics`
  (labelled by the URL route, not the path, so ids do not explode the series);
- writes one access line to the ``iphub.access`` logger.

It also answers the probe paths ``/healthz``, ``/readyz`` and ``/metrics``
itself, before Django's host check, HTTPS redirect, sessions and rate limits:
a load balancer asks a node by its address over plain HTTP, and a probe must
not open a session or count against anybody's limit.

``JsonFormatter`` renders log records as one JSON object a line (``ts``,
``level``, ``logger``, ``msg``, ``request_id`` and any ``extra`` fields), so
that journald or a collector can parse them without a grammar.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
# Accepted from outside only if it looks like an id: no spaces, quotes or control
# characters that could forge a log line, and bounded in length.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
_request_id: ContextVar[str] = ContextVar("iphub_request_id", default="-")

access_log = logging.getLogger("iphub.access")

PROBE_PATHS = ("/healthz", "/readyz", "/metrics")


def current_request_id() -> str:
    """The id of the request this thread is serving, or ``-`` outside a request."""
    return _request_id.get()


def request_id_from(value: str | None) -> str:
    """The caller's request id if it is a sane token, else a new random one."""
    if value and _VALID_ID.match(value):
        return value
    return uuid.uuid4().hex


# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime", "request_id"}


def record_request_id(record: logging.LogRecord) -> str:
    """The request id a record belongs to: set on it, or of the request Django's own
    loggers attach (``django.request`` logs 4xx/5xx after the middleware returned),
    or of the request being served now."""
    rid = getattr(record, "request_id", None)
    if rid and rid != "-":
        return str(rid)
    request = getattr(record, "request", None)
    return str(getattr(request, "request_id", None) or current_request_id())


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, msg, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": record_request_id(record),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key != "request" and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record, for plain-text formats that name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = record_request_id(record)
        return True


def _route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or match.view_name or "unknown").lstrip("^")


class ObservabilityMiddleware:
    """Request id in and out, latency metric, access log line; answers the probes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        rid = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = rid  # type: ignore[attr-defined]
        token = _request_id.set(rid)
        start = time.perf_counter()
        try:
            probe = request.path_info.rstrip("/") in PROBE_PATHS
            response = self._probe(request) if probe else self.get_response(request)
            elapsed = time.perf_counter() - start
            response[REQUEST_ID_HEADER] = rid
            if not probe:
                from iphub.core import metrics

                route = _route_of(request)
                metrics.observe_request(
                    request.method or "GET", route, response.status_code, elapsed
                )
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "route": route,
                        "status": response.status_code,
                        "duration_ms": round(elapsed * 1000, 2),
                        "remote": request.META.get("REMOTE_ADDR", ""),
                        "request_id": rid,
                    },
                )
            return response
        finally:
            _request_id.reset(token)

    @staticmethod
    def _probe(request: HttpRequest) -> HttpResponse:
        from iphub.core import health, metrics

        path = request.path_info.rstrip("/")
        if path == "/healthz":
            return health.healthz(request)
        if path == "/readyz":
            return health.readyz(request)
        return metrics.metrics_view(request)
