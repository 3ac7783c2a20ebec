"""patents' own answers to what it announces (connected in ``apps.py``)."""

from __future__ import annotations

from typing import Any

# Ids per query: one bound parameter each, and PostgreSQL refuses a statement
# with more than 65,535 of them (a 100k-row import failed here).
IDS_PER_QUERY = 10_000


def suggest_ipc_after_import(*, patent_ids: Any = (), **_: Any) -> None:
    """Queue 推荐分类 for the imported records that came without IPC codes."""
    from iphub.patents.models import Patent
    from iphub.patents.tasks import ipc_suggest_task

    all_ids = list(patent_ids)
    for start in range(0, len(all_ids), IDS_PER_QUERY):
        chunk = all_ids[start : start + IDS_PER_QUERY]
        ids = list(Patent.objects.filter(pk__in=chunk, ipc_codes=[]).values_list("pk", flat=True))
        if ids:
            # One task per chunk: the task filters by its ids in one query too.
            # (The import's own transaction has committed when it announces its records.)
            ipc_suggest_task.enqueue(ids)
