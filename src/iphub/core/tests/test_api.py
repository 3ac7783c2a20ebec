from __future__ import annotations

from typing import Any

from iphub.core import services
from iphub.core.models import User


def test_openapi_schema_is_served(client: Any, db: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations" in schema["paths"]


def test_unauthenticated_error_shape(client: Any, db: Any) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "not_authenticated" and "登录" in body["message"]


def test_validation_error_names_fields_in_chinese(cast: dict[str, User], client: Any) -> None:
    client.force_login(cast["wuhan_clerk"])
    response = client.post(
        "/api/v1/organisations",
        {"name": "X公司", "kind": "enterprise", "region": "420100", "uscc": "91110000600037341A"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "第 18 位应为“L”" in body["fields"]["uscc"]
    missing = client.post(
        "/api/v1/organisations", {"name": "X"}, content_type="application/json"
    ).json()
    assert missing["fields"]["kind"] == "此项为必填项。"


def test_business_error_shape_and_nothing_changes(cast: dict[str, User], client: Any) -> None:
    client.force_login(cast["wuhan_clerk"])
    response = client.post(
        "/api/v1/organisations",
        {"name": "Y公司", "kind": "enterprise", "region": "420100", "contact_phone": "12345"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "手机号" in body["fields"]["contact_phone"]
    assert not client.get("/api/v1/organisations?q=Y公司").json()["items"]


def test_token_authentication(cast: dict[str, User], client: Any) -> None:
    _, raw = services.api_token_create(user=cast["yichang_clerk"], name="script")
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert me["username"] == "yichang_clerk" and me["region_code"] == "420500"
    bad = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401


def test_working_days_endpoint(client: Any, db: Any) -> None:
    body = client.get("/api/v1/calendar/add-working-days?start=2026-09-30&days=1").json()
    assert body["result"] == "2026-10-08"
    bad = client.get("/api/v1/calendar/add-working-days?start=2026-13-01&days=1")
    assert bad.status_code == 422 and "start" in bad.json()["fields"]
