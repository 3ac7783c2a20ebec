"""Pages and JSON API of 知慧桥: who may see what, masked contacts, error shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iphub.core.models import User
from iphub.patents.models import Patent
from iphub.transfer import services
from iphub.transfer.models import TechnologyNeed
from iphub.transfer.tests.conftest import need_data

pytestmark = pytest.mark.django_db


def test_need_hall_masks_contacts_for_the_public(
    client: Any, cast: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    for i in range(5):
        services.need_create(actor=cast["enterprise"], data=need_data(title=f"需求{i}"))
    with django_assert_max_num_queries(8):
        resp = client.get("/transfer/")
    html = resp.content.decode()
    assert resp.status_code == 200 and html.count('data-testid="need-row"') == 5
    assert "138****5678" in html and "13812345678" not in html and "张**" in html


def test_posting_a_bad_need_shows_the_message_on_the_field(
    client: Any, cast: dict[str, User]
) -> None:
    client.force_login(cast["enterprise"])
    data = need_data(description="", budget_min="9", budget_max="1")
    resp = client.post("/transfer/needs/new/", data)
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "请填写技术问题描述" in html and "预算上限不能低于预算下限" in html
    assert TechnologyNeed.objects.count() == 0


def test_expired_need_is_hidden_from_other_regions(client: Any, cast: dict[str, User]) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    services.needs_expire_due(today=need.deadline + dt.timedelta(days=1))
    client.force_login(cast["yichang_clerk"])
    assert client.get(f"/transfer/needs/{need.pk}/").status_code == 404
    client.force_login(cast["wuhan_clerk"])
    resp = client.get(f"/transfer/needs/{need.pk}/")
    assert resp.status_code == 200 and "已过期" in resp.content.decode()


def test_api_rejects_bad_need_with_field_messages(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["enterprise"])
    payload = need_data(description="", preferred_forms=["transfer"], ipc_codes=["H01M"])
    resp = client.post("/api/v1/transfer/needs", payload, content_type="application/json")
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "need_invalid" and "description" in body["fields"]
    payload["description"] = "高镍正极材料在高温下循环衰减，需要包覆改性技术。"
    resp = client.post("/api/v1/transfer/needs", payload, content_type="application/json")
    assert resp.status_code == 201 and resp.json()["contact_phone"] == "13812345678"
    client.logout()
    public = client.get("/api/v1/transfer/needs").json()
    assert public[0]["contact_phone"] == "138****5678"


def test_api_funnel_and_deal_stats_are_staff_only(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["enterprise"])
    assert client.get("/api/v1/transfer/funnel").status_code == 403
    client.force_login(cast["wuhan_clerk"])
    steps = client.get("/api/v1/transfer/funnel").json()
    assert [s["stage"] for s in steps] == ["matched", "contacted", "negotiating", "deal"]
    assert client.get("/api/v1/transfer/deals/stats").json() == []


@pytest.mark.django_db(transaction=True)
def test_need_page_lists_ranked_matches_with_reasons(
    client: Any, cast: dict[str, User], corpus: dict[int, Patent]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    client.force_login(cast["enterprise"])
    html = client.get(f"/transfer/needs/{need.pk}/").content.decode()
    first = html.index('data-testid="match-title"')
    assert corpus[1].title in html[first : first + 300]
    assert "共同技术词" in html
    resp = client.get(f"/api/v1/transfer/needs/{need.pk}/matches")
    assert resp.json()[0]["patent_id"] == corpus[1].pk
    assert resp.json()[0]["reasons"]["ipc_overlap"]
    client.force_login(cast["yichang_clerk"])
    assert client.get(f"/api/v1/transfer/needs/{need.pk}/matches").status_code == 403
