"""Background work of the transfer app (django.tasks): embedding needs and patents
ahead of matching, matching new needs and listings as they arrive, and the daily
sweep that expires needs."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils.translation import gettext_lazy as _

from iphub.core.queue import BACKGROUND_PRIORITY, task_policy, work_waiting_above
from iphub.transfer import embeddings, services
from iphub.transfer.models import TechnologyNeed

logger = logging.getLogger(__name__)


@task()
def match_need_task(need_id: int) -> int:
    """Store the vector of a need that was posted, edited or renewed, then rank its
    candidates (which only read stored vectors); the need's page follows along."""
    from iphub.transfer.services.matches import need_matching_run

    return need_matching_run(need_id=need_id)


@task()
def match_listing_task(listing_id: int) -> int:
    """Store the vectors of a new listing's patents, then score open needs against
    it and tell both sides; the listing's page follows along."""
    from iphub.transfer.services.matches import listing_matching_run

    return listing_matching_run(listing_id=listing_id)


@task()
def embed_need_task(need_id: int) -> bool:
    """Store a need's vector (queued when matching met a need without a current one)."""
    need = TechnologyNeed.objects.filter(pk=need_id).first()
    return need is not None and embeddings.need_embed(need=need)


# Patents embedded between two looks at the queue (one e5 call of 32 passages,
# ~4 s at 138 ms/passage): how long a clerk's task may wait behind embedding.
EMBED_SLICE = 32


@task(priority=BACKGROUND_PRIORITY)
def embed_patents_task(patent_ids: list[int] | None = None, listed_only: bool = False) -> int:
    """Store the vectors of patents lacking a current one (those given, or all /
    all listed); queued by matching for candidates met without a vector, and what
    ``manage.py embed_patents --background`` runs. Progress goes to the log."""

    def progress(run: embeddings.EmbedRun, total: int) -> None:
        logger.info(
            "embed_patents: %d/%d read, %d embedded, %.0f ms/passage",
            run.seen,
            total,
            run.embedded,
            run.per_passage_ms,
        )

    if not patent_ids:
        return embeddings.patents_embed(listed_only=listed_only, progress=progress).embedded
    ids = list(patent_ids)
    done = embedded = 0
    handed_back = False
    try:
        while done < len(ids):
            part = ids[done : done + EMBED_SLICE]
            run = embeddings.patents_embed(
                patent_ids=part, listed_only=listed_only, progress=progress
            )
            embedded += run.embedded
            done += len(part)
            if done < len(ids) and work_waiting_above(BACKGROUND_PRIORITY):
                # A clerk's import or export waits for this worker: the rest goes
                # back to the queue behind it (the vectors done so far are stored).
                embed_patents_task.enqueue(ids[done:], listed_only)
                handed_back = True
                logger.info("embed_patents: %d left for later, higher work waits", len(ids) - done)
                break
    finally:
        embeddings.queue_done(ids[:done] if handed_back else ids)
    return embedded


@task()
def expire_needs_task() -> dict[str, int]:
    """Expire needs past their deadline and mark unconfirmed ones stale (run daily)."""
    return services.needs_expire_due()


# -- how the durable queue treats these tasks (iphub.core.queue) ---------------------
# All retry-safe: matching re-ranks from stored vectors and replaces the need's (or
# listing's) matches, embedding skips vectors that are current, the expiry sweep
# only touches what is due. A matching that gives up is shown failed with the reason.


def _need_matching_abandoned(reason: str, need_id: int) -> None:
    from django.utils import timezone

    from iphub.transfer.models import MatchingStatus

    TechnologyNeed.objects.filter(
        pk=need_id, matching_status__in=[MatchingStatus.QUEUED, MatchingStatus.RUNNING]
    ).update(
        matching_status=MatchingStatus.FAILED,
        matching_message=f"匹配失败：{reason}"[:300],
        matching_progressed_at=timezone.now(),
    )


def _listing_matching_abandoned(reason: str, listing_id: int) -> None:
    from django.utils import timezone

    from iphub.transfer.models import MatchingStatus, SupplyListing

    SupplyListing.objects.filter(
        pk=listing_id, matching_status__in=[MatchingStatus.QUEUED, MatchingStatus.RUNNING]
    ).update(
        matching_status=MatchingStatus.FAILED,
        matching_message=f"匹配失败：{reason}"[:300],
        matching_progressed_at=timezone.now(),
    )


task_policy(match_need_task, retry_safe=True, max_attempts=3, backoff_seconds=30,
            on_abandon=_need_matching_abandoned, title=_("技术需求匹配"))  # fmt: skip
task_policy(match_listing_task, retry_safe=True, max_attempts=3, backoff_seconds=30,
            on_abandon=_listing_matching_abandoned, title=_("许可专利匹配"))  # fmt: skip
task_policy(embed_need_task, retry_safe=True, max_attempts=3, backoff_seconds=30,
            title=_("需求语义向量"))  # fmt: skip
task_policy(embed_patents_task, retry_safe=True, max_attempts=3, backoff_seconds=60,
            title=_("专利语义向量"))  # fmt: skip
task_policy(expire_needs_task, retry_safe=True, max_attempts=3, backoff_seconds=60,
            title=_("到期需求下架"))  # fmt: skip
