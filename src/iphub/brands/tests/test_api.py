"""The brands API: trademark search and the public register, as the pages answer."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.brands import services
from iphub.brands.tests.conftest import make_gi, period
from iphub.core.models import Organisation, User

pytestmark = pytest.mark.django_db(transaction=True)


def test_trademark_search_by_word_number_and_class(marks: None, client: Any) -> None:
    body = client.get("/api/v1/brands/trademarks", {"name": "脐橙"}).json()
    assert body["total"] == 1 and body["marks"][0]["registration_number"] == "30012348"
    body = client.get("/api/v1/brands/trademarks", {"nice_class": 9, "owner": "光电"}).json()
    assert [m["name"] for m in body["marks"]] == ["楚天光电"]
    bad = client.get("/api/v1/brands/trademarks", {"nice_class": 46})
    assert bad.status_code == 422 and "nice_class" in bad.json()["fields"]
    empty = client.get("/api/v1/brands/trademarks")
    assert empty.status_code == 400 and empty.json()["fields"]


def test_register_lists_published_entries_with_current_users(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    entry = make_gi(cast["wuhan_clerk"])
    draft = make_gi(cast["wuhan_clerk"], name="草稿", number="AGI9", publish=False)
    services.authorised_use_grant(
        actor=cast["wuhan_clerk"],
        indication_id=entry.pk,
        data={"organisation": orgs["wuhan_hongshan"].pk, **period(-5, 50)},
    )
    listed = client.get("/api/v1/brands/indications").json()
    assert [e["name"] for e in listed] == ["洪山菜薹"]
    detail = client.get(f"/api/v1/brands/indications/{entry.pk}").json()
    assert [u["organisation"] for u in detail["current_users"]] == ["洪山测试科技有限公司"]
    assert client.get(f"/api/v1/brands/indications/{draft.pk}").status_code == 404
