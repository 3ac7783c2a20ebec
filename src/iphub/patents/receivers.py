"""patents' own answers to what it announces (connected in ``apps.py``)."""

from __future__ import annotations

from typing import Any


def suggest_ipc_after_import(*, patent_ids: Any = (), **_: Any) -> None:
    """Queue 推荐分类 for the imported records that came without IPC codes."""
    from iphub.patents.models import Patent
    from iphub.patents.tasks import ipc_suggest_task

    ids = list(
        Patent.objects.filter(pk__in=list(patent_ids), ipc_codes=[]).values_list("pk", flat=True)
    )
    if ids:
        # The import's own transaction has committed when it announces its records.
        ipc_suggest_task.enqueue(ids)
