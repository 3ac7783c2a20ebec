"""No dead ends: every card and menu link a user is shown opens for that user."""

from __future__ import annotations

import re
from typing import Any

import pytest

from iphub.core.models import User


def _offered_links(html: str) -> list[str]:
    """The links in the menu and on the cards of a page."""
    parts = re.findall(r'<nav class="menu".*?</nav>', html, re.S)
    parts += re.findall(r'<section class="cards">.*?</section>', html, re.S)
    return sorted({h for part in parts for h in re.findall(r'href="(/[^"]*)"', part)})


def _check_links(client: Any) -> dict[str, list[str]]:
    """Each offered link of home and workspace that does not answer 200, by status."""
    bad: dict[str, list[str]] = {}
    for start in ("/", "/workspace/"):
        response = client.get(start)
        if response.status_code != 200:
            continue
        for url in _offered_links(response.content.decode()):
            status = client.get(url).status_code
            if status != 200:
                bad.setdefault(f"{start} -> {status}", []).append(url)
    return bad


ROLES = [
    "wuhan_clerk",
    "hongshan_clerk",
    "yichang_clerk",
    "wuhan_enforcer",
    "province_enforcer",
    "enterprise",
    "university",
    "agency",
    "bank",
    "supervisor",
    "wuhan_supervisor",
    "yichang_supervisor",
    "province_auditor",
]


@pytest.mark.parametrize("who", ROLES)
def test_every_offered_link_opens_for_the_user(
    client: Any, people: dict[str, User], who: str
) -> None:
    client.force_login(people[who])
    assert _check_links(client) == {}


def test_a_visitor_is_offered_public_pages_and_the_login(client: Any, db: Any) -> None:
    home = client.get("/").content.decode()
    links = _offered_links(home)
    assert "/supervision/" not in links and "/transfer/deals/list/" not in links
    assert [url for url in links if client.get(url).status_code != 200] == []
    # Navigation needs an account: its card says so and leads to the login, then on.
    assert "/login/?next=/navigation/" in links
    assert "登录后使用" in home


def test_what_each_role_is_offered(client: Any, people: dict[str, User]) -> None:
    def offered(who: str) -> list[str]:
        client.force_login(people[who])
        return _offered_links(client.get("/workspace/").content.decode())

    enterprise = offered("enterprise")
    assert "/supervision/" not in enterprise and "/transfer/deals/list/" not in enterprise
    assert "/filings/mine/" in enterprise and "/filings/queue/" not in enterprise
    # A city supervisor sees the supervision pages of their city.
    assert "/supervision/" in offered("wuhan_supervisor")
    assert "/audit/" in offered("province_auditor")
    assert "/supervision/" not in offered("province_auditor")
    enforcer = offered("province_enforcer")
    assert "/protection/cases/" in enforcer and "/filings/queue/" not in enforcer
    clerk = offered("wuhan_clerk")
    assert "/filings/queue/" in clerk and "/protection/cases/" not in clerk


def test_home_cards_follow_the_user(client: Any, people: dict[str, User]) -> None:
    client.force_login(people["enterprise"])
    home = client.get("/").content.decode()
    assert 'data-service="supervision"' not in home and 'data-service="filings"' in home
    client.force_login(people["supervisor"])
    assert 'data-service="supervision"' in client.get("/").content.decode()
