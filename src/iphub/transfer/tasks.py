"""Background work of the transfer app (django.tasks): matching new needs and
listings as they arrive, and the daily sweep that expires needs."""

from __future__ import annotations

from django.tasks import task

from iphub.transfer import services


@task()
def match_need_task(need_id: int) -> int:
    """Rank candidates for a need that was posted, edited or renewed."""
    return len(services.match_run_for_need(need_id=need_id))


@task()
def match_listing_task(listing_id: int) -> int:
    """Score open needs against a new listing and tell both sides."""
    return len(services.match_run_for_listing(listing_id=listing_id))


@task()
def expire_needs_task() -> dict[str, int]:
    """Expire needs past their deadline and mark unconfirmed ones stale (run daily)."""
    return services.needs_expire_due()
