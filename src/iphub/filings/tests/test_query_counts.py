"""Query budgets of one pledge cycle through the JSON API (bearer tokens, as the
benchmark drives it): a query added to submit, accept or approve shows up here.
Measured on PostgreSQL: submit 17, accept 7, approve 16 (was 22, 8, 16+1)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from iphub.core.services import api_token_create
from iphub.filings.tests.conftest import pledge_data, pledge_documents

pytestmark = pytest.mark.django_db


def test_pledge_cycle_query_budget(
    cast: dict[str, Any], patents: dict[str, str], client: Any, django_assert_max_num_queries: Any
) -> None:
    ent = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=cast['enterprise'], name='t')[1]}"}
    clerk = {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=cast['wuhan_clerk'], name='t')[1]}"
    }
    data = pledge_data(patents["granted"]) | {k: v[0] for k, v in pledge_documents().items()}
    # +1 in each token's first request: its last-used stamp (written once a minute).
    with django_assert_max_num_queries(17 + 1):
        resp = client.post("/api/v1/filings/pledges", data, HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
                           **ent)  # fmt: skip
    assert resp.status_code == 201, resp.content
    filing = resp.json()
    for step, budget in (("accept", 7 + 1), ("approve", 16)):
        with django_assert_max_num_queries(budget):
            resp = client.post(
                f"/api/v1/filings/{filing['id']}/{step}",
                data=json.dumps({"version": filing["version"]}),
                content_type="application/json",
                **clerk,
            )
        assert resp.status_code == 200, resp.content
        filing = resp.json()
    assert filing["state"] == "registered" and filing["organisation"] == "洪山测试科技有限公司"
