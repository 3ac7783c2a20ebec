"""/readyz while the search index is being rebuilt: degraded, still serving (200),
never reported as down (a load balancer would take every node out at once)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from iphub.core.outbox import file_lock, lock_path
from iphub.patents.importers import PatentIn
from iphub.patents.services import patents_upsert
from iphub.patents.tests.conftest import app_no

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(settings: Any, tmp_path: Any) -> Any:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    with transaction.atomic():
        patents_upsert(
            [
                PatentIn(
                    application_number=app_no(2021, 1, 7),
                    type="invention",
                    title="一种重建中就绪检查用电池",
                    app_date=dt.date(2021, 3, 1),
                    source_name="test",
                )
            ]
        )
    call_command("reindex", stdout=io.StringIO())
    return tmp_path / "index"


def test_readyz_says_rebuilding_and_degraded_while_a_rebuild_holds_the_index(
    client: Any, indexed: Any
) -> None:
    with file_lock(lock_path(indexed, "rebuild"), timeout=5) as got:
        assert got
        r = client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "degraded"
    assert body["checks"]["index"]["status"] == "warn"
    assert body["checks"]["index"]["state"] == "rebuilding"
    assert client.get("/readyz").json()["checks"]["index"]["state"] == "ok"


def test_readyz_is_not_down_when_the_index_starts_rebuilding_as_it_is_opened(
    client: Any, indexed: Any, monkeypatch: Any
) -> None:
    # The race the drills met: the rebuild begins between the probe's first look
    # and its opening of the index, whose open then says 索引重建中.
    from iphub.patents import indexing
    from iphub.patents.index_health import IndexRebuilding

    def rebuilding() -> Any:
        raise IndexRebuilding()

    monkeypatch.setattr(indexing, "get_index", rebuilding)
    r = client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "degraded"
    assert body["checks"]["index"] == {**body["checks"]["index"], "status": "warn",
                                       "state": "rebuilding"}  # fmt: skip
    assert body["checks"]["database"]["status"] == "ok"
