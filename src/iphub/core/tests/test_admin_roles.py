"""三员分立 (issue 18, MLPS level 3): the system, security and audit administrators
each hold one power. Per role: what it may do and what it is refused, on the
pages, in the admin and on the API; each administrator's acts land in the audit
log, where the audit administrator reads them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from iphub.conftest import PASSWORD, make_user
from iphub.core import selectors, twofactor
from iphub.core.models import AuditEntry, Role, User
from iphub.core.tokens import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(cast: dict[str, User]) -> dict[str, User]:
    return {
        "sysadmin": make_user("sys_admin", Role.SYSADMIN, "420000"),
        "secadmin": make_user("sec_admin", Role.SECADMIN, "420000"),
        "auditor": make_user("audit_admin", Role.AUDITOR, "420000"),
        "root": User.objects.create_superuser("root", password=PASSWORD),
    }


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)  # both factors (see iphub.conftest)
    return client


def refused(response: Any) -> bool:
    """A page or API answer that did not let the user in."""
    if response.status_code == 302:
        return "/login/" in response["Location"]
    return response.status_code in (403, 404)


def test_system_administrator_keeps_accounts_and_organisations_not_the_audit_log(
    admins: dict[str, User], cast: dict[str, User]
) -> None:
    client = signed_in(admins["sysadmin"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/organisation/").status_code == 200
    assert client.get("/admin/core/region/").status_code == 200
    clerk = cast["wuhan_clerk"]
    form = client.get(f"/admin/core/user/{clerk.pk}/change/")
    assert form.status_code == 200
    html = form.content.decode()
    # He may not make anyone an administrator, nor set superuser, groups or activity.
    assert 'value="auditor"' not in html and 'value="secadmin"' not in html
    assert 'name="is_superuser"' not in html and 'name="is_active"' not in html
    # Administrators' accounts are not his to edit; the audit log not his to read.
    auditor_page = client.get(f"/admin/core/user/{admins['auditor'].pk}/change/")
    assert 'name="_save"' not in auditor_page.content.decode()  # read-only at most
    changed = client.post(f"/admin/core/user/{admins['auditor'].pk}/change/", {"username": "mine"})
    assert changed.status_code == 403
    assert client.get("/admin/core/auditentry/").status_code == 403
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert refused(client.get("/audit/"))
    assert refused(client.get("/audit/verify/"))
    assert refused(client.get("/security/"))
    assert refused(client.post(f"/security/accounts/{clerk.pk}/lock/"))
    assert client.get("/api/v1/audit").status_code == 403
    # What he changes in the admin is audited.
    org = client.get("/admin/core/region/420100/change/")
    assert org.status_code == 200


def test_superuser_is_a_system_administrator_and_does_not_read_the_audit_log(
    admins: dict[str, User],
) -> None:
    client = signed_in(admins["root"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/auditentry/").status_code == 403
    assert refused(client.get("/audit/"))
    assert refused(client.get("/audit/verify/"))
    assert refused(client.get("/security/"))
    with pytest.raises(Exception):  # noqa: B017  (AccessDenied)
        selectors.audit_list(user=admins["root"])


def test_security_administrator_locks_unlocks_resets_and_revokes(
    admins: dict[str, User], cast: dict[str, User]
) -> None:
    sec = signed_in(admins["secadmin"])
    supervisor = cast["supervisor"]
    twofactor.totp_enrolment_start(user=supervisor)
    device = twofactor.totp_device(supervisor, confirmed=False)
    assert device is not None
    twofactor.totp_enrolment_confirm(user=supervisor, token=twofactor.totp_code(device))
    _token, raw = api_token_create(user=cast["wuhan_clerk"], name="同步")

    page = sec.get("/security/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "province_supervisor" in html and "密码有效期" in html and "90 天" in html

    clerk = cast["wuhan_clerk"]
    assert sec.post(f"/security/accounts/{clerk.pk}/lock/").status_code == 302
    assert (
        Client().post("/login/", {"username": "wuhan_clerk", "password": PASSWORD}).status_code
        == 200
    )
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401
    assert sec.post(f"/security/accounts/{clerk.pk}/unlock/").status_code == 302
    assert (
        Client().post("/login/", {"username": "wuhan_clerk", "password": PASSWORD}).status_code
        == 302
    )

    assert sec.post(f"/security/accounts/{clerk.pk}/revoke-tokens/").status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401

    assert sec.post(f"/security/accounts/{supervisor.pk}/reset-two-factor/").status_code == 302
    assert not twofactor.is_enrolled(supervisor)
    again = Client()
    again.post("/login/", {"username": "province_supervisor", "password": PASSWORD})
    assert again.get("/workspace/")["Location"].startswith("/account/two-factor/setup/")

    # Not his: the admin site, the audit log, business records.
    assert refused(sec.get("/admin/"))
    assert refused(sec.get("/audit/"))
    assert sec.get("/api/v1/audit").status_code == 403
    assert sec.post("/security/accounts/1/unknown-act/").status_code == 404


def test_audit_administrator_reads_and_verifies_the_log_and_sees_the_others_acts(
    admins: dict[str, User], cast: dict[str, User]
) -> None:
    sec = signed_in(admins["secadmin"])
    sec.post(f"/security/accounts/{cast['wuhan_clerk'].pk}/lock/")
    sysc = signed_in(admins["sysadmin"])
    sysc.post(
        "/admin/core/region/420100/change/",
        {
            "code": "420100",
            "name": "武汉市（改）",
            "level": "prefecture",
            "parent": "420000",
            "path": "420000/420100",
        },
    )
    auditor = signed_in(admins["auditor"])
    log = auditor.get("/audit/")
    assert log.status_code == 200
    entries = selectors.audit_list(user=admins["auditor"])
    actions = {(e.actor_name, e.action) for e in entries}
    assert ("sec_admin", "account_lock") in actions
    assert any(a == "sys_admin" and act.endswith("admin_change") for a, act in actions)
    assert auditor.get("/audit/verify/").status_code == 200
    assert auditor.get("/audit/export.csv").status_code == 200
    assert auditor.get("/api/v1/audit").status_code == 200
    # The auditor changes nothing: no admin, no security acts, no organisation.
    assert refused(auditor.get("/admin/"))
    assert refused(auditor.get("/security/"))
    assert refused(auditor.post(f"/security/accounts/{cast['wuhan_clerk'].pk}/unlock/"))
    assert User.objects.get(pk=cast["wuhan_clerk"].pk).is_active is False
    created = auditor.post(
        "/api/v1/organisations",
        {"name": "审计员登记的公司", "kind": "enterprise", "region": "420100"},
        content_type="application/json",
    )
    assert created.status_code == 403
    assert not AuditEntry.objects.filter(actor=admins["auditor"], action="account_unlock").exists()


def test_demo_accounts_hold_one_power_each() -> None:
    from iphub.core.demo import DEMO_ACCOUNTS

    roles = {acc.role for acc in DEMO_ACCOUNTS}
    assert {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR} <= roles
