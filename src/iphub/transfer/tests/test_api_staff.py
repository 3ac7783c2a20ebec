"""JSON API for editing needs, listing withdrawal, events and the deal list: who may,
who may not, and bad input that changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iphub.core.models import Organisation, User
from iphub.patents.models import Patent
from iphub.transfer import services
from iphub.transfer.models import DockingEvent, ListingStatus, TechnologyNeed
from iphub.transfer.tests.conftest import need_data

pytestmark = pytest.mark.django_db


def _call(client: Any, method: str, url: str, user: User | None, body: Any = None) -> Any:
    if user is not None:
        client.force_login(user)
    if method == "get":
        return client.get(f"/api/v1{url}")
    return getattr(client, method)(
        f"/api/v1{url}", data=json.dumps(body or {}), content_type="application/json"
    )


def _need_json(**over: Any) -> dict[str, Any]:
    return need_data(ipc_codes=["H01M"], **over)


def test_need_edit_by_owner_or_regional_staff_only(client: Any, cast: dict[str, User]) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    url = f"/transfer/needs/{need.pk}"
    ok = _call(client, "put", url, cast["enterprise"], _need_json(title="改后的需求名称"))
    assert ok.status_code == 200 and ok.json()["title"] == "改后的需求名称"
    assert _call(client, "put", url, cast["hongshan_clerk"], _need_json()).status_code == 200
    denied = _call(client, "put", url, cast["yichang_clerk"], _need_json(title="越权"))
    assert denied.status_code == 403
    bad = _call(client, "put", url, cast["enterprise"], _need_json(budget_min="9", budget_max="1"))
    assert bad.status_code == 400 and "预算上限不能低于预算下限" in bad.json()["message"]
    # The refused calls changed nothing: the title is the last accepted edit (the clerk's).
    assert TechnologyNeed.objects.get(pk=need.pk).title == "高镍正极材料高温循环衰减快"


def test_events_are_created_by_staff_in_their_region(client: Any, cast: dict[str, User]) -> None:
    body = {"title": "新能源汽车专利对接会", "industry_chain": "新能源与智能网联汽车",
            "date": "2026-05-20", "venue": "武汉光谷", "region": "420100"}  # fmt: skip
    assert _call(client, "post", "/transfer/events", cast["enterprise"], body).status_code == 403
    assert _call(client, "post", "/transfer/events", cast["yichang_clerk"], body).status_code == 403
    bad = _call(client, "post", "/transfer/events", cast["wuhan_clerk"], body | {"title": ""})
    assert bad.status_code == 400 and "请填写活动名称" in bad.json()["message"]
    assert not DockingEvent.objects.exists()
    ok = _call(client, "post", "/transfer/events", cast["wuhan_clerk"], body)
    assert ok.status_code == 201 and ok.json()["region"] == "武汉市"
    assert [e["title"] for e in client.get("/api/v1/transfer/events").json()] == [body["title"]]


def test_listing_withdrawal_by_its_holder_only(
    client: Any, cast: dict[str, User], patentee: User, corpus: dict[int, Patent]
) -> None:
    listing = services.listing_create(
        actor=patentee, data={"title": "高镍正极包覆专利转让", "mode": "transfer"},
        patent_ids=[corpus[1].pk],
    )  # fmt: skip
    url = f"/transfer/listings/{listing.pk}/withdraw"
    assert _call(client, "post", url, cast["enterprise"]).status_code == 403
    resp = _call(client, "post", url, patentee)
    assert resp.status_code == 200 and resp.json()["status"] == ListingStatus.WITHDRAWN
    again = _call(client, "post", url, patentee)
    assert again.status_code in (400, 409) and again.json()["message"]


def test_deal_list_is_for_staff_of_the_region(
    client: Any, cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent]
) -> None:
    services.deal_record(
        actor=cast["wuhan_clerk"],
        data={"kind": "transfer", "amount": "100", "signed_on": "2026-03-10"},
        seller_id=orgs["wuhan_jiangan"].pk, buyer_id=orgs["wuhan_hongshan"].pk,
        patent_ids=[corpus[1].pk],
    )  # fmt: skip
    assert len(_call(client, "get", "/transfer/deals", cast["supervisor"]).json()) == 1
    assert _call(client, "get", "/transfer/deals", cast["yichang_clerk"]).json() == []
    assert _call(client, "get", "/transfer/deals", cast["enterprise"]).status_code == 403
