"""The admin edits regions, organisations and users; every change leaves an
audit row like a service's write (core.admin.AuditedAdmin)."""

from __future__ import annotations

from typing import Any

from iphub.core.models import AuditEntry, Role, User


def _user_form(user: User, **changes: str) -> dict[str, str]:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "role": user.role,
        "region": user.region_id or "",
        "organisation": str(user.organisation_id or ""),
        "phone": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    return data | changes


def test_a_role_changed_in_the_admin_is_in_the_audit_trail(
    admin_client: Any, cast: dict[str, User]
) -> None:
    clerk = cast["yichang_clerk"]
    resp = admin_client.post(
        f"/admin/core/user/{clerk.pk}/change/", _user_form(clerk, role=Role.SUPERVISOR)
    )
    assert resp.status_code == 302
    clerk.refresh_from_db()
    assert clerk.role == Role.SUPERVISOR
    entry = AuditEntry.objects.get(action="core.user.admin_change", object_id=str(clerk.pk))
    assert (entry.before or {})["role"] == Role.WINDOW
    assert (entry.after or {})["role"] == Role.SUPERVISOR
    assert entry.actor_name == "admin"


def test_a_password_set_in_the_admin_is_recorded_without_the_hash(
    admin_client: Any, cast: dict[str, User]
) -> None:
    clerk = cast["yichang_clerk"]
    resp = admin_client.post(
        f"/admin/core/user/{clerk.pk}/password/",
        {"password1": "Another@Pass2026", "password2": "Another@Pass2026"},
    )
    assert resp.status_code == 302
    entry = AuditEntry.objects.get(action="core.user.admin_password", object_id=str(clerk.pk))
    assert entry.before is None and entry.after is None


def test_an_organisation_deleted_in_the_admin_keeps_its_values_in_the_trail(
    admin_client: Any, orgs: dict[str, Any]
) -> None:
    org = orgs["wuhan_jiangan"]
    resp = admin_client.post(f"/admin/core/organisation/{org.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 302
    entry = AuditEntry.objects.get(action="core.organisation.admin_delete")
    assert entry.before is not None and entry.before["name"] == "江岸测试制造有限公司"
