"""Personal data encrypted at rest (issue 18, MLPS level 3): the raw columns hold
no ID or phone number, the values read back, a full phone or ID number still
finds its organisation (keyed hash), pages keep masking, and production refuses
to start without its own key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from iphub.core import selectors, services
from iphub.core.fieldcrypt import blind_index
from iphub.core.models import AuditEntry, Organisation, User

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def _raw_row(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return " ".join(str(v) for v in cursor.fetchone())


def test_raw_columns_hold_no_plaintext_and_values_read_back(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    org = orgs["wuhan_hongshan"]  # made with PHONE and ID_NUMBER (conftest)
    raw = _raw_row("core_organisation", org.pk)
    assert PHONE not in raw and ID_NUMBER not in raw and "5678" not in raw
    fresh = Organisation.objects.get(pk=org.pk)
    assert (fresh.contact_phone, fresh.contact_id_number) == (PHONE, ID_NUMBER)
    assert (
        Organisation.objects.filter(pk=org.pk).values_list("contact_phone", flat=True)[0] == PHONE
    )

    user = services.user_create(
        actor=None,
        username="phone_owner",
        password="Test@Pass2026",
        role="enterprise",
        organisation=org,
        phone="13900001111",
    )
    assert "13900001111" not in _raw_row("core_user", user.pk)
    assert User.objects.get(pk=user.pk).phone == "13900001111"
    assert User.objects.get(phone_hmac=blind_index("139 0000 1111")).pk == user.pk


def test_the_audit_trail_keeps_them_masked(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    services.organisation_update(
        actor=cast["wuhan_clerk"],
        organisation_id=orgs["wuhan_jiangan"].pk,
        data={"contact_phone": "13698765432", "contact_id_number": ID_NUMBER},
    )
    entry = AuditEntry.objects.get(action="organisation_update")
    text = str(entry.before) + str(entry.after)
    assert "13698765432" not in text and ID_NUMBER not in text
    assert entry.after is not None and entry.after["contact_phone"] == "136****5432"
    assert "contact_phone_hmac" not in entry.after


def test_a_full_phone_or_id_number_finds_the_organisation(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    clerk = cast["wuhan_clerk"]
    target = orgs["wuhan_hongshan"]
    assert [o.pk for o in selectors.organisation_list(user=clerk, q=PHONE)] == [target.pk]
    assert [o.pk for o in selectors.organisation_list(user=clerk, q=ID_NUMBER.lower())] == [
        target.pk
    ]
    assert not selectors.organisation_list(user=clerk, q="13812345679").exists()
    # Still scoped: Yichang's clerk does not find a Wuhan organisation by its phone.
    assert not selectors.organisation_list(user=cast["yichang_clerk"], q=PHONE).exists()
    # An encrypted column cannot be compared in SQL: refused rather than matching nothing.
    with pytest.raises(FieldError, match="blind index"):
        Organisation.objects.filter(contact_phone=PHONE).exists()
    # The listing page finds it and shows the number masked, as before.
    client.force_login(clerk)
    page = client.get("/organisations/", {"q": PHONE}).content.decode()
    table = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]  # (the search box echoes q)
    assert target.name in table and "138****5678" in table and PHONE not in table


def _check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("IPHUB_", "DJANGO_"))}
    base |= {"DJANGO_SETTINGS_MODULE": "iphub.settings", "IPHUB_VAR_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_does_not_start_without_its_own_field_key(tmp_path: Path) -> None:
    production = {
        "IPHUB_DEBUG": "0",
        "IPHUB_SECRET_KEY": secrets.token_urlsafe(50),
        "IPHUB_ALLOWED_HOSTS": "ipservice.hubei.example",
    }
    for key in (None, "short", "iphub-embedded-field-key-not-for-production"):
        env = production | ({"IPHUB_FIELD_KEY": key} if key else {})
        result = _check(env, tmp_path)
        assert result.returncode != 0
        assert "IPHUB_FIELD_KEY" in result.stderr
    ok = _check(production | {"IPHUB_FIELD_KEY": secrets.token_urlsafe(32)}, tmp_path)
    assert ok.returncode == 0, ok.stderr
