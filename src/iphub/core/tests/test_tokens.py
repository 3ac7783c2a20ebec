"""API tokens (issue 18, finding 9): a token acts for its owner only while the
owner could sign in (not locked out, password not expired); it expires, can be
revoked, and a read-only one only reads. Owners issue, list and revoke their
tokens through the API and on /account/tokens/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from iphub.conftest import PASSWORD
from iphub.core import services
from iphub.core.models import ApiToken, AuditEntry, User

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_password_expired_users_token_is_refused_as_the_session_is(
    cast: dict[str, User], client: Any
) -> None:
    user = cast["wuhan_clerk"]
    _, raw = services.api_token_create(user=user, name="script")
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 403
    assert response.json()["code"] == "password_expired"
    assert "修改密码" in response.json()["message"]


def test_locked_out_users_token_is_refused_until_the_lock_ends(
    cast: dict[str, User], client: Any
) -> None:
    user = cast["wuhan_clerk"]
    _, raw = services.api_token_create(user=user, name="script")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/login/", {"username": user.username, "password": "wrong"})
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "account_locked" and "锁定" in body["message"]
    # Another account's token is untouched by this lock.
    _, other = services.api_token_create(user=cast["yichang_clerk"], name="script")
    assert client.get("/api/v1/me", **bearer(other)).status_code == 200
    # After the cool-off the token works again.
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 200


def test_expired_and_revoked_tokens_answer_401_with_what_to_do(
    cast: dict[str, User], client: Any
) -> None:
    user = cast["enterprise"]
    old, old_raw = services.api_token_create(user=user, name="old", days=1)
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/me", **bearer(old_raw))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    live, live_raw = services.api_token_create(user=user, name="live")
    assert client.get("/api/v1/me", **bearer(live_raw)).status_code == 200
    client.force_login(user)
    assert client.delete(f"/api/v1/tokens/{live.pk}").status_code == 200
    client.logout()
    response = client.get("/api/v1/me", **bearer(live_raw))
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    assert client.get("/api/v1/me", **bearer("iph_made_up")).status_code == 401


def test_read_only_token_reads_but_may_not_write(cast: dict[str, User], client: Any) -> None:
    from iphub.core.models import TokenScope

    _, raw = services.api_token_create(
        user=cast["wuhan_clerk"], name="report", scope=TokenScope.READ
    )
    assert client.get("/api/v1/organisations", **bearer(raw)).status_code == 200
    response = client.post(
        "/api/v1/organisations",
        {"name": "只读令牌测试公司", "kind": "enterprise", "region": "420100"},
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    assert set(response.json()) == {"code", "message", "fields"}


def test_owner_issues_lists_and_revokes_tokens_through_the_api(
    cast: dict[str, User], client: Any
) -> None:
    user = cast["enterprise"]
    client.force_login(user)
    response = client.post(
        "/api/v1/tokens",
        {"name": "数据同步脚本", "scope": "write", "days": 30},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["token"].startswith("iph_") and created["scope"] == "write"
    expires = dt.datetime.fromisoformat(created["expires_at"])
    assert dt.timedelta(days=29) < expires - timezone.now() <= dt.timedelta(days=30)
    # The secret is shown once: the list never carries it.
    listed = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["数据同步脚本"]
    assert "token" not in listed[0] and listed[0]["status"] == "active"
    client.logout()
    me = client.get("/api/v1/me", **bearer(created["token"]))
    assert me.status_code == 200
    # Last use is recorded and shown to the owner.
    client.force_login(user)
    assert client.get("/api/v1/tokens").json()[0]["last_used_at"] is not None
    # Too long a validity is refused with the field named.
    too_long = client.post(
        "/api/v1/tokens", {"name": "x", "days": 400}, content_type="application/json"
    )
    assert too_long.status_code == 400 and "365" in too_long.json()["fields"]["days"]
    # Someone else's token cannot be revoked (nor is its existence told).
    _, other = services.api_token_create(user=cast["yichang_clerk"], name="theirs")
    theirs = ApiToken.objects.get(user=cast["yichang_clerk"])
    assert client.delete(f"/api/v1/tokens/{theirs.pk}").status_code == 404
    assert client.get("/api/v1/me", **bearer(other)).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{created['id']}")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    actions = list(
        AuditEntry.objects.filter(actor=user, object_type__icontains="token")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["api_token_create", "api_token_revoke"]


def test_token_issued_through_a_token_does_not_outlive_it(
    cast: dict[str, User], client: Any
) -> None:
    issuer, raw = services.api_token_create(user=cast["enterprise"], name="ci", days=10)
    response = client.post(
        "/api/v1/tokens",
        {"name": "rotated", "scope": "read", "days": 365},
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 201, response.content
    assert dt.datetime.fromisoformat(response.json()["expires_at"]) <= issuer.expires_at


def test_tokens_page_shows_the_secret_once_and_revokes(cast: dict[str, User], client: Any) -> None:
    user = cast["enterprise"]
    client.force_login(user)
    page = client.get("/account/tokens/")
    assert page.status_code == 200 and "API 令牌" in page.content.decode()
    response = client.post(
        "/account/tokens/", {"name": "月报脚本", "scope": "read", "days": "90"}, follow=True
    )
    html = response.content.decode()
    token = ApiToken.objects.get(user=user)
    raw = next(w for w in html.replace("<", " ").replace(">", " ").split() if w.startswith("iph_"))
    assert "只显示这一次" in html and "月报脚本" in html and "只读" in html
    assert services.api_token_authenticate(raw) == user
    # Shown once: the next visit lists the token without its secret.
    again = client.get("/account/tokens/").content.decode()
    assert "月报脚本" in again and raw not in again
    # A name is required, said on the field.
    empty = client.post("/account/tokens/", {"name": "", "scope": "read", "days": "90"})
    assert "请填写令牌名称" in empty.content.decode()
    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert services.api_token_authenticate(raw) is None
    assert "已撤销" in client.get("/account/tokens/").content.decode()
    # The account area links the page.
    assert 'href="/account/tokens/"' in client.get("/workspace/").content.decode()


def test_tokens_page_needs_a_signed_in_user(client: Any, db: Any) -> None:
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_login_with_password_still_works_for_the_cast(cast: dict[str, User], client: Any) -> None:
    # The lockout response change (429 + Retry-After) keeps the normal login intact.
    response = client.post("/login/", {"username": "wuhan_enterprise", "password": PASSWORD})
    assert response.status_code == 302
