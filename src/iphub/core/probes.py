"""Core's scrape-time figures for ``/metrics``: the queue and the disks.

(Its readiness checks live beside the probes in :mod:`iphub.core.health`.)
"""

from __future__ import annotations

from collections.abc import Iterator

from iphub.core.health import disk_free, queue_stats
from iphub.core.metrics import register_gauge


@register_gauge("iphub_queue_depth", "Background tasks ready to run and not yet claimed.")
def queue_depth() -> Iterator[tuple[tuple[str, ...], float]]:
    yield (), float(queue_stats()["depth"])


@register_gauge(
    "iphub_queue_oldest_age_seconds", "How long the oldest ready task has waited for a worker."
)
def queue_oldest_age() -> Iterator[tuple[tuple[str, ...], float]]:
    yield (), float(queue_stats()["oldest_age_s"])


@register_gauge("iphub_queue_running", "Background tasks claimed by a worker and running.")
def queue_running() -> Iterator[tuple[tuple[str, ...], float]]:
    yield (), float(queue_stats()["running"])


@register_gauge(
    "iphub_disk_free_bytes", "Free bytes on the filesystem of each data directory.", ("dir",)
)
def disk_free_bytes() -> Iterator[tuple[tuple[str, ...], float]]:
    for name, free in sorted(disk_free().items()):
        yield (name,), float(free)
