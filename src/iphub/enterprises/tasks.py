"""Background work of the enterprises app (django.tasks)."""

from __future__ import annotations

from django.tasks import task

from iphub.core.queue import BACKGROUND_PRIORITY
from iphub.enterprises.peer_figures import refresh_summary


@task(priority=BACKGROUND_PRIORITY)
def refresh_peer_figures() -> str:
    """Bring every registered enterprise's stored peer figures up to date."""
    return refresh_summary()
