"""Pages store free text without bidi overrides or controls (issue 18, finding 13).

Checked before the fix: an organisation registered on the page as
``测试\u202e司公限有`` was stored with the U+202E and listed reversed.
"""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core.demo import demo_uscc
from iphub.core.models import Organisation, User

pytestmark = pytest.mark.django_db


def test_a_page_form_stores_what_the_reader_sees(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["wuhan_clerk"])
    resp = client.post(
        "/organisations/new/",
        {
            "name": "测试\u202e司公限有\x0b",
            "uscc": demo_uscc("420111", 77),
            "kind": "enterprise",
            "region": "420111",
            "address": "洪山区\u2066珞喻路\u2069 1 号",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:500]
    org = Organisation.objects.get(uscc=demo_uscc("420111", 77))
    assert (org.name, org.address) == ("测试司公限有", "洪山区珞喻路 1 号")
    listed = client.get("/organisations/", {"q": "测试\u202e司公"}).content.decode()
    assert "测试司公限有" in listed and "\u202e" not in listed


def test_passwords_are_left_as_typed(client: Any, cast: dict[str, User]) -> None:
    from iphub.conftest import PASSWORD

    # Signing in with the right password still works through the middleware.
    resp = client.post("/login/", {"username": "wuhan_clerk", "password": PASSWORD})
    assert resp.status_code == 302
