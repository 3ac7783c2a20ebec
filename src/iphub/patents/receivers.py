"""patents' own answers to what it announces (connected in ``apps.py``)."""

from __future__ import annotations

from typing import Any

# Ids per query: one bound parameter each, and PostgreSQL refuses a statement
# with more than 65,535 of them (a 100k-row import failed here).
IDS_PER_QUERY = 10_000


def suggest_ipc_after_import(*, patent_ids: Any = (), **_: Any) -> None:
    """Queue 推荐分类 for the imported records that came without IPC codes."""
    from iphub.core.id_ranges import IdRanges
    from iphub.patents.models import Patent
    from iphub.patents.tasks import ipc_suggest_task

    # A chunk at a time, by id range where the ids run on (a fresh load's do): a
    # million ids are never a Python list here.
    for chunk in IdRanges.of(patent_ids).chunks(IDS_PER_QUERY):
        missing = Patent.objects.filter(chunk.q("pk"), ipc_codes=[])
        ids = list(missing.values_list("pk", flat=True))
        if ids:
            # One task per chunk: the task filters by its ids in one query too.
            # (The import's own transaction has committed when it announces its records.)
            ipc_suggest_task.enqueue(ids)
