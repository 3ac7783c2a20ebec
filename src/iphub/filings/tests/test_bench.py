"""The filings benchmark's own set-up and client code, on a tiny scale: the
world it creates is valid, and one cycle through its HTTP helpers (bearer
tokens, its multipart encoder) registers a pledge that ``db_counts`` finds."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

BENCH = Path(__file__).resolve().parents[4] / "bench" / "filings.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_filings", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up while the module is being executed.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_world_and_one_cycle(bench: ModuleType, client: Any) -> None:
    world = bench.world_create(clients=2, patents_per_client=2, clerks=1)
    assert [len(c.patents) for c in world.clients] == [2, 2]
    c = world.clients[0]
    body, ctype = bench.multipart(bench.pledge_data(c.patents[0], c.organisation), bench.MATERIALS)
    ent = {"HTTP_AUTHORIZATION": f"Bearer {c.token}", "HTTP_IDEMPOTENCY_KEY": "k1"}
    resp = client.post("/api/v1/filings/pledges", data=body, content_type=ctype, **ent)
    assert resp.status_code == 201, resp.content
    filing = resp.json()
    clerk = {"HTTP_AUTHORIZATION": f"Bearer {world.clerk_tokens[0]}"}
    for step in ("accept", "approve"):
        resp = client.post(
            f"/api/v1/filings/{filing['id']}/{step}",
            data=json.dumps({"version": filing["version"]}),
            content_type="application/json",
            **clerk,
        )
        assert resp.status_code == 200, resp.content
        filing = resp.json()
    assert filing["state"] == "registered"
    counts = bench.db_counts([filing["id"], 999_999], [filing["id"]])
    assert counts == {"lost": 1, "not_registered": 0, "unacknowledged": 0, "in_database": 1}
    assert bench.percentile([0.1, 0.2, 0.3, 0.4], 0.95) == 0.4
