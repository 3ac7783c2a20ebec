from __future__ import annotations

from typing import Any

import pytest

from iphub.core import selectors, services
from iphub.core.models import AuditEntry, Organisation, User


def test_writes_leave_audit_entries_with_before_and_after(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    org = orgs["wuhan_jiangan"]
    services.organisation_update(
        actor=cast["wuhan_clerk"],
        organisation_id=org.pk,
        data={"address": "武汉市江岸区解放大道 1 号"},
    )
    entry = AuditEntry.objects.filter(action="organisation_update").get()
    assert entry.actor_name == "wuhan_clerk"
    assert entry.before is not None and entry.after is not None
    assert entry.before == {"address": "", "updated_at": entry.before["updated_at"]}
    assert entry.after["address"] == "武汉市江岸区解放大道 1 号"
    assert entry.region_path == "420000/420100/420102"


def test_api_write_records_ip(cast: dict[str, User], client: Any) -> None:
    client.force_login(cast["wuhan_clerk"])
    response = client.post(
        "/api/v1/organisations",
        {
            "name": "新登记科技有限公司",
            "kind": "enterprise",
            "region": "420106",
            "uscc": "91110000600037341L",
        },
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(action="organisation_create", object_repr="新登记科技有限公司")
    assert entry.ip == "10.1.2.3"
    assert entry.actor_name == "wuhan_clerk"


def test_audit_log_is_append_only(cast: dict[str, User]) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_audit_is_scoped_and_exportable(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    yichang = {e.object_repr for e in selectors.audit_list(user=cast["yichang_supervisor"])}
    assert "宜昌测试化工有限公司" in yichang
    assert "洪山测试科技有限公司" not in yichang
    client.force_login(cast["wuhan_clerk"])
    assert client.get("/audit/").status_code == 403
    client.force_login(cast["supervisor"])
    response = client.get("/audit/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "登记组织" in body and "宜昌测试化工有限公司" in body
    xlsx = client.get("/audit/export.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
