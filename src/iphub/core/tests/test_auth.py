from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from iphub.conftest import PASSWORD
from iphub.core import services
from iphub.core.errors import ApplicationError
from iphub.core.models import User


def test_lockout_after_five_failures(cast: dict[str, User], client: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "wuhan_clerk", "password": "wrong"})
        assert not response.wsgi_request.user.is_authenticated
    # Even the right password is refused while locked.
    response = client.post("/login/", {"username": "wuhan_clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_password_logs_in(cast: dict[str, User], client: Any) -> None:
    response = client.post("/login/", {"username": "wuhan_clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/workspace/").status_code == 200


def test_password_policy_names_what_is_missing(regions: None) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.user_create(
            actor=None, username="weak", password="abcdefgh", role="window", region_code="420100"
        )
    assert "大写字母" in exc.value.fields["password"]
    assert "符号" in exc.value.fields["password"]


def test_session_times_out_after_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_expired_password_must_be_changed_first(cast: dict[str, User], client: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    user = cast["wuhan_clerk"]
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client.force_login(user)
    response = client.get("/workspace/")
    assert response.status_code == 302 and response["Location"] == "/password/"
    assert client.get("/api/v1/me").json()["code"] == "password_expired"
    weak = client.post("/password/", {"old_password": PASSWORD, "new_password": "short"})
    assert "大写字母" in weak.content.decode()
    done = client.post("/password/", {"old_password": PASSWORD, "new_password": "New#Pass2027"})
    assert done.status_code == 302
    assert client.get("/workspace/").status_code == 200
