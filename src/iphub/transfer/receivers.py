"""transfer's answers to what patents announces (connected in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

BATCH = 10_000  # patents per task: a large import becomes many tasks, each resumable


def embed_after_import(*, patent_ids: Any = (), **_: Any) -> None:
    """Queue the e5 vectors of imported records, so "more like this" and matching
    find them with vectors (the task skips records whose vector is current)."""
    if not getattr(settings, "TRANSFER_EMBED_AFTER_IMPORT", True):
        return
    from iphub.core.id_ranges import IdRanges
    from iphub.transfer.tasks import embed_patents_task

    for chunk in IdRanges.of(patent_ids).chunks(BATCH):
        # The import's own transaction has committed when it announces its records.
        embed_patents_task.enqueue(list(chunk))


def embed_corpus_enqueue() -> str:
    """Queue the vectors of every patent lacking a current one (after the demo's
    imports, which run their tasks inline and skip this); returns a line to print."""
    if not getattr(settings, "TRANSFER_EMBED_AFTER_IMPORT", True):
        return "语义向量：未排队（TRANSFER_EMBED_AFTER_IMPORT 关闭）"
    from iphub.transfer.tasks import embed_patents_task

    embed_patents_task.enqueue()
    return "语义向量：已交给后台任务逐批生成（worker 运行时进行，可中断续跑）"
