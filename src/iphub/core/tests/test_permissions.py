"""Cross-region access for each staff role, through the selectors and the API."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core import selectors, services
from iphub.core.errors import AccessDenied, NotFound
from iphub.core.models import Organisation, User


def visible(user: User) -> set[str]:
    return set(selectors.organisation_list(user=user).values_list("name", flat=True))


def test_each_role_sees_only_its_region(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    wuhan = {orgs["wuhan_hongshan"].name, orgs["wuhan_jiangan"].name}
    assert visible(cast["wuhan_clerk"]) == wuhan
    assert visible(cast["wuhan_enforcer"]) == wuhan
    assert visible(cast["hongshan_clerk"]) == {orgs["wuhan_hongshan"].name}
    assert visible(cast["yichang_clerk"]) == {orgs["yichang"].name}
    assert visible(cast["yichang_supervisor"]) == {orgs["yichang"].name}
    assert visible(cast["supervisor"]) == {o.name for o in orgs.values()}
    assert visible(cast["enterprise"]) == {orgs["wuhan_hongshan"].name}


@pytest.mark.parametrize("who", ["yichang_clerk", "hongshan_clerk", "yichang_supervisor"])
def test_detail_outside_region_is_denied(
    cast: dict[str, User], orgs: dict[str, Organisation], who: str, client: Any
) -> None:
    target = orgs["wuhan_jiangan"]
    with pytest.raises(NotFound):
        selectors.organisation_get(user=cast[who], organisation_id=target.pk)
    client.force_login(cast[who])
    response = client.get(f"/api/v1/organisations/{target.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_staff_cannot_write_outside_region(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    with pytest.raises(AccessDenied):
        services.organisation_update(
            actor=cast["yichang_clerk"],
            organisation_id=orgs["wuhan_jiangan"].pk,
            data={"address": "宜昌的人改武汉的地址"},
        )
    with pytest.raises(AccessDenied):
        services.organisation_create(
            actor=cast["hongshan_clerk"],
            data={"name": "越界登记", "kind": "enterprise", "region": "420102"},
        )
    orgs["wuhan_jiangan"].refresh_from_db()
    assert orgs["wuhan_jiangan"].address == ""


def test_listings_mask_personal_information(cast: dict[str, User], client: Any) -> None:
    client.force_login(cast["wuhan_clerk"])
    body = client.get("/api/v1/organisations").json()
    row = next(r for r in body["items"] if r["name"] == "洪山测试科技有限公司")
    assert row["contact_phone"] == "138****5678"
    assert row["contact_id_number"] == "110105********002X"
    assert row["contact_name"] == "张**"
    page = client.get("/organisations/").content.decode()
    assert "13812345678" not in page and "138****5678" in page


def test_api_list_is_region_scoped(cast: dict[str, User], client: Any) -> None:
    client.force_login(cast["yichang_clerk"])
    names = [r["name"] for r in client.get("/api/v1/organisations").json()["items"]]
    assert names == ["宜昌测试化工有限公司"]


def test_list_endpoint_query_count(
    cast: dict[str, User], client: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast["supervisor"])
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/organisations").status_code == 200
    # 11: the province supervisor's session names its two-factor device (core.middleware_otp).
    with django_assert_max_num_queries(11):
        assert client.get("/organisations/").status_code == 200


def test_auditor_sees_only_audit_entries_of_their_region(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    from iphub.conftest import make_user
    from iphub.core.models import Role

    yichang_auditor = make_user("yichang_auditor", Role.AUDITOR, "420500")
    objects = {e.object_repr for e in selectors.audit_list(user=yichang_auditor)}
    assert "宜昌测试化工有限公司" in objects
    assert "洪山测试科技有限公司" not in objects and "江岸测试制造有限公司" not in objects
    client.force_login(yichang_auditor)
    page = client.get("/audit/").content.decode()
    assert "宜昌测试化工有限公司" in page and "洪山测试科技有限公司" not in page
    body = client.get("/api/v1/audit").json()
    assert {row["object_repr"] for row in body["items"]} <= objects
    # An auditor cannot change records: the organisation API is for window staff.
    denied = client.post(
        "/api/v1/organisations",
        {"name": "X", "kind": "enterprise", "region": "420500"},
        content_type="application/json",
    )
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
