"""transfer's answer to an import: the e5 vectors of the imported records queued
a batch of ids per task, read from the announced ids a chunk at a time."""

from __future__ import annotations

from django.tasks import default_task_backend
from django.test import override_settings

from iphub.core.id_ranges import IdRanges
from iphub.transfer.receivers import BATCH, embed_after_import

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@override_settings(TASKS=DUMMY, TRANSFER_EMBED_AFTER_IMPORT=True)
def test_an_import_queues_its_vectors_a_batch_per_task() -> None:
    default_task_backend.clear()  # type: ignore[attr-defined]
    ids = IdRanges([*range(1, 2 * BATCH + 1), 3 * BATCH, 3 * BATCH + 2])
    embed_after_import(patent_ids=ids)
    queued = [result.args[0] for result in default_task_backend.results]  # type: ignore[attr-defined]
    assert queued == [
        list(range(1, BATCH + 1)),
        list(range(BATCH + 1, 2 * BATCH + 1)),
        [3 * BATCH, 3 * BATCH + 2],
    ]


@override_settings(TASKS=DUMMY, TRANSFER_EMBED_AFTER_IMPORT=False)
def test_nothing_is_queued_when_turned_off() -> None:
    default_task_backend.clear()  # type: ignore[attr-defined]
    embed_after_import(patent_ids=IdRanges([1, 2, 3]))
    assert default_task_backend.results == []  # type: ignore[attr-defined]
