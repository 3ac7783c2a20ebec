"""Prometheus figures at ``/metrics``: request latency, queue, SLA, index lag, disk.

Two kinds of figures:

- **Counted in the process** — the request latency histogram, observed by
  :class:`iphub.core.observability.ObservabilityMiddleware`. Under gunicorn each
  worker is its own process, so the deployment sets ``PROMETHEUS_MULTIPROC_DIR``
  (``deploy/gunicorn.conf.py`` empties it at start and marks dead workers): the
  workers write their samples to files there, and a scrape sums every worker's
  files. Without the variable the process's own registry is used (runserver,
  tests).
- **Read from the database at scrape time** — queue depth and oldest age, filings
  overdue and at risk, outbox entries not yet applied to the index, free disk.
  They are the same whichever process answers, so one collector computes them
  for the scrape. Apps register them in their ``probes.py`` with
  :func:`register_gauge` (the filings app its SLA counts, and so on).

``/metrics`` tells operating figures of the whole platform, so it is not public:
with ``IPHUB_METRICS_TOKEN`` set a scraper sends ``Authorization: Bearer
<token>``; without it only the loopback may read it (and nginx refuses the path
from outside, see ``deploy/nginx/iphub.conf``).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# Seconds; the pages answer in tens of milliseconds, exports and imports are queued,
# so the buckets are dense below one second.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_LATENCY = Histogram(
    "iphub_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by route.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request in the latency histogram."""
    REQUEST_LATENCY.labels(method=method, route=route, status=str(status)).observe(seconds)


@dataclass(frozen=True)
class GaugeSource:
    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[], Iterable[tuple[tuple[str, ...], float]]]


_GAUGES: dict[str, GaugeSource] = {}


def register_gauge(
    name: str, documentation: str, labels: tuple[str, ...] = ()
) -> Callable[
    [Callable[[], Iterable[tuple[tuple[str, ...], float]]]],
    Callable[[], Iterable[tuple[tuple[str, ...], float]]],
]:
    """Decorator: ``fn()`` yields ``(label values, value)`` pairs for gauge ``name``,
    read at every scrape."""

    def wrap(
        fn: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
    ) -> Callable[[], Iterable[tuple[tuple[str, ...], float]]]:
        _GAUGES[name] = GaugeSource(name, documentation, labels, fn)
        return fn

    return wrap


class ScrapeTimeCollector(Collector):
    """Every registered gauge, read once per scrape; one that fails is skipped
    and counted in ``iphub_metrics_source_errors``."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        errors = 0
        for source in sorted(_GAUGES.values(), key=lambda s: s.name):
            try:
                samples = list(source.read())
            except Exception:
                errors += 1
                continue
            family = GaugeMetricFamily(source.name, source.documentation, labels=source.labels)
            for label_values, value in samples:
                family.add_metric(list(label_values), float(value))
            yield family
        yield GaugeMetricFamily(
            "iphub_metrics_source_errors",
            "Scrape-time figures that could not be read this time.",
            value=errors,
        )


def scrape() -> bytes:
    """The text exposition of every figure (all gunicorn workers' when multi-process)."""
    from iphub.core.health import discover

    discover()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    out = generate_latest(registry)
    scrape_registry = CollectorRegistry(auto_describe=False)
    scrape_registry.register(ScrapeTimeCollector())
    return out + generate_latest(scrape_registry)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip()).is_loopback
    except ValueError:
        return False


def metrics_allowed(request: HttpRequest) -> bool:
    """A bearer token equal to ``METRICS_TOKEN``, or (with no token configured) a
    caller on the loopback that no proxy forwarded from elsewhere."""
    token = str(getattr(settings, "METRICS_TOKEN", "") or "")
    if token:
        sent = request.META.get("HTTP_AUTHORIZATION", "")
        return sent.startswith("Bearer ") and hmac.compare_digest(
            sent.removeprefix("Bearer ").strip().encode(), token.encode()
        )
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    return _loopback(request.META.get("REMOTE_ADDR", "")) and all(_loopback(a) for a in forwarded)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``/metrics`` in the Prometheus text format, for allowed scrapers only."""
    if not metrics_allowed(request):
        return JsonResponse(
            {"error": "forbidden", "message": "指标仅对本机或持有令牌的采集端开放。"}, status=403
        )
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
