"""Bidi overrides and control characters do not reach readers (issue 18, finding 13).

Checked before the fix: a pledgee named with U+202E was shown unchanged on the
public verification page (and the API's verification answer), so the name read
reversed; the API stored it as sent.
"""

from __future__ import annotations

from typing import Any

import pytest

from iphub.filings import services
from iphub.filings.models import Filing
from iphub.filings.tests.conftest import MONDAY_10, file_pledge

pytestmark = pytest.mark.django_db

RLO = "\u202e"
TRICK = f"中国银行{RLO}行支山洪\u2066\x0b"


def test_verification_page_shows_no_bidi_override(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    f = file_pledge(cast["enterprise"], patents["granted"], pledgee=TRICK)
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    f = services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    page = client.get(f"/filings/verify/{f.verification_code}/").content.decode()
    assert "中国银行行支山洪" in page
    for ch in (RLO, "\u2066", "\x0b"):
        assert ch not in page
    api = client.get(f"/api/v1/filings/verify/{f.verification_code}")
    assert RLO not in api.content.decode("unicode_escape", errors="ignore")


def test_api_strips_invisible_characters_at_the_edge(cast: dict[str, Any], client: Any) -> None:
    from iphub.core.models import Organisation

    client.force_login(cast["wuhan_clerk"])
    resp = client.post(
        "/api/v1/organisations",
        {"name": f"测试{RLO}司公限有\x00", "kind": "enterprise", "region": "420111"},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    assert Organisation.objects.get(pk=resp.json()["id"]).name == "测试司公限有"
    # A NUL in a query string answered 500 on PostgreSQL.
    assert client.get("/api/v1/regions", {"parent": "42\x000000"}).status_code == 200
    assert Filing.objects.count() == 0
