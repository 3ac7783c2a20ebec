"""Embedding after an import yields to a clerk's task: with one worker, the vectors
of a large import used to hold the queue for minutes while an upload waited."""

from __future__ import annotations

from typing import Any

import pytest
from django.tasks import task
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from iphub.transfer import embeddings
from iphub.transfer.tasks import EMBED_SLICE, embed_patents_task

pytestmark = pytest.mark.django_db

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def clerk_upload(name: str) -> str:
    return name


@override_settings(TASKS=DB_QUEUE)
def test_the_rest_of_the_vectors_go_back_to_the_queue_when_a_clerk_waits(
    monkeypatch: Any,
) -> None:
    seen: list[list[int]] = []

    def fake_embed(*, patent_ids: Any = None, **_: Any) -> Any:
        seen.append(list(patent_ids))
        return embeddings.EmbedRun()

    monkeypatch.setattr(embeddings, "patents_embed", fake_embed)
    ids = list(range(1, EMBED_SLICE * 3 + 1))

    assert embed_patents_task.call(ids) == 0
    assert seen == [ids[:EMBED_SLICE], ids[EMBED_SLICE : 2 * EMBED_SLICE], ids[2 * EMBED_SLICE :]]

    seen.clear()
    clerk_upload.enqueue("导入")
    embed_patents_task.call(ids)
    assert seen == [ids[:EMBED_SLICE]]
    rest = DBTaskResult.objects.get(task_path__endswith="embed_patents_task")
    assert rest.args_kwargs["args"][0] == ids[EMBED_SLICE:]
    assert rest.priority < DBTaskResult.objects.get(task_path__endswith="clerk_upload").priority
