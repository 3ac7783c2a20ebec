"""The index outbox (filled in below; see module docstring once complete)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from iphub.core.models import IndexOutbox


def outbox_follow_once() -> int:
    """Apply pending outbox rows to this node's index (placeholder until the indexer lands)."""
    return 0


def outbox_prune(*, now: dt.datetime | None = None) -> int:
    """Delete outbox rows older than the retention (``INDEX_OUTBOX_RETENTION_DAYS``)."""
    days = float(getattr(settings, "INDEX_OUTBOX_RETENTION_DAYS", 7))
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = IndexOutbox.objects.filter(created_at__lt=cutoff).delete()
    return deleted
