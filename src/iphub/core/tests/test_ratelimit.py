"""Rate limits (issue 18, finding 8): logins from one address across usernames,
API requests per address and per token, guessed tokens; 429 with Retry-After,
the API's error shape, the platform's page in Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from iphub.conftest import PASSWORD
from iphub.core import services
from iphub.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings: Any) -> Any:
    """The limiter on, with the production rules unless a test narrows them."""
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMITS = dict(getattr(settings, "RATELIMITS", {}))
    cache.clear()
    yield settings
    cache.clear()


def client_at(address: str, **extra: Any) -> Client:
    return Client(REMOTE_ADDR=address, **extra)


def assert_retry_after(response: Any) -> int:
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert seconds > 0
    return seconds


def test_one_client_guessing_many_accounts_meets_429(
    limits: Any, cast: dict[str, User], regions: None
) -> None:
    attacker = client_at("203.0.113.7")
    statuses = [
        attacker.post("/login/", {"username": f"guess{i}", "password": "wrong"}).status_code
        for i in range(100)
    ]
    assert 429 in statuses
    refused = attacker.post("/login/", {"username": "guess101", "password": "wrong"})
    assert_retry_after(refused)
    page = refused.content.decode()
    assert "data-iphub-page" in page and "登录失败次数过多" in page
    # Even a right password waits from that address ...
    right = {"username": "wuhan_clerk", "password": PASSWORD}
    assert attacker.post("/login/", right).status_code == 429
    # ... while colleagues elsewhere sign in as usual, and the page itself still opens.
    assert client_at("198.51.100.2").post("/login/", right).status_code == 302
    assert attacker.get("/login/").status_code == 200


def test_forwarded_for_written_by_the_client_does_not_reset_the_count(limits: Any, db: Any) -> None:
    limits.RATELIMITS["login_client"] = (3, 900)
    statuses = [
        client_at("203.0.113.8", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
        .post("/login/", {"username": f"guess{i}", "password": "wrong"})
        .status_code
        for i in range(5)
    ]
    assert statuses[-1] == 429


def test_locked_account_answers_429_with_retry_after(
    limits: Any, cast: dict[str, User], settings: Any
) -> None:
    browser = client_at("198.51.100.3")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/login/", {"username": "wuhan_clerk", "password": "wrong"})
    locked = browser.post("/login/", {"username": "wuhan_clerk", "password": PASSWORD})
    assert assert_retry_after(locked) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert "账号已锁定" in locked.content.decode()


def test_a_flood_of_api_requests_from_one_client_meets_429(limits: Any, regions: None) -> None:
    flood = client_at("203.0.113.9")
    first = None
    for i in range(1000):
        response = flood.get("/api/v1/regions?level=prefecture")
        if response.status_code == 429:
            first = i
            break
    assert first is not None, "1,000 requests answered without a 429"
    assert_retry_after(response)
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["code"] == "rate_limited"
    assert "秒后再试" in body["message"]
    # Another address is served.
    assert client_at("198.51.100.4").get("/api/v1/regions").status_code == 200


def test_each_token_has_its_own_limit(limits: Any, cast: dict[str, User]) -> None:
    limits.RATELIMITS["api_principal"] = (3, 60)
    _, busy = services.api_token_create(user=cast["wuhan_clerk"], name="busy")
    _, calm = services.api_token_create(user=cast["yichang_clerk"], name="calm")
    script = client_at("198.51.100.5")
    statuses = [
        script.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {busy}").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # The same address with another token is not held back by the busy one.
    assert script.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {calm}").status_code == 200


def test_a_session_counts_as_one_principal_too(limits: Any, cast: dict[str, User]) -> None:
    limits.RATELIMITS["api_principal"] = (2, 60)
    browser = client_at("198.51.100.6")
    browser.force_login(cast["wuhan_clerk"])
    statuses = [browser.get("/api/v1/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_guessed_tokens_meet_429_and_then_no_token_is_looked_at(
    limits: Any, cast: dict[str, User]
) -> None:
    _, real = services.api_token_create(user=cast["wuhan_clerk"], name="real")
    guesser = client_at("203.0.113.10")
    statuses = []
    for i in range(500):
        response = guesser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer iph_guess{i:04d}")
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}
    assert_retry_after(response)
    assert response.json()["code"] == "rate_limited"
    # A right guess now would not be told apart from a wrong one.
    assert guesser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {real}").status_code == 429
    # The token still works from its owner's own address.
    owner = client_at("198.51.100.7")
    assert owner.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {real}").status_code == 200


def test_limits_off_by_setting(settings: Any, regions: None) -> None:
    settings.RATELIMIT_ENABLED = False
    settings.RATELIMITS = dict(getattr(settings, "RATELIMITS", {}), api_client=(1, 60))
    cache.clear()
    flood = client_at("203.0.113.11")
    assert {flood.get("/api/v1/regions").status_code for _ in range(5)} == {200}
