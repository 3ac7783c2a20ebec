"""The shared cast for permission tests (STYLE.md): a Wuhan city clerk, a clerk
of a Wuhan district, a Yichang city clerk, an enterprise user of a Wuhan company
and a provincial supervisor — plus the regions they live in."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from iphub.core import services
from iphub.core.demo import demo_uscc
from iphub.core.models import Organisation, Role, User

PASSWORD = "Test@Pass2026"


@pytest.fixture
def regions(db: Any) -> None:
    services.regions_load()


def make_org(name: str, region: str, serial: int, **extra: Any) -> Organisation:
    data = {
        "name": name,
        "uscc": demo_uscc(region, serial),
        "kind": "enterprise",
        "region": region,
    } | extra
    return services.organisation_create(actor=None, data=data)


def make_user(
    username: str, role: str, region: str | None = None, organisation: Organisation | None = None
) -> User:
    return services.user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        role=role,
        region_code=region,
        organisation=organisation,
    )


@pytest.fixture
def orgs(regions: None) -> dict[str, Organisation]:
    return {
        "wuhan_hongshan": make_org(
            "洪山测试科技有限公司",
            "420111",
            1,
            contact_name="张三丰",
            contact_phone="13812345678",
            contact_id_number="11010519491231002X",
        ),
        "wuhan_jiangan": make_org("江岸测试制造有限公司", "420102", 2),
        "yichang": make_org("宜昌测试化工有限公司", "420502", 3),
    }


@pytest.fixture
def cast(orgs: dict[str, Organisation]) -> dict[str, User]:
    return {
        "wuhan_clerk": make_user("wuhan_clerk", Role.WINDOW, "420100"),
        "hongshan_clerk": make_user("hongshan_clerk", Role.WINDOW, "420111"),
        "yichang_clerk": make_user("yichang_clerk", Role.WINDOW, "420500"),
        "wuhan_enforcer": make_user("wuhan_enforcer", Role.ENFORCEMENT, "420100"),
        "enterprise": make_user(
            "wuhan_enterprise", Role.ENTERPRISE, organisation=orgs["wuhan_hongshan"]
        ),
        "supervisor": make_user("province_supervisor", Role.SUPERVISOR, "420000"),
        "yichang_supervisor": make_user("yichang_supervisor", Role.SUPERVISOR, "420500"),
    }


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, all released together, each on its own
    database connection (a real race on PostgreSQL); what each returned or raised,
    in the order given."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # the caller asserts on what the loser got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


# --- Two-factor login in tests (core.twofactor, core.middleware_otp) ---------------
# Django's ``force_login`` skips the password; the platform's middleware treats the
# session it makes as unverified for accounts that need a second factor, as it
# would any session that did not pass the code page. In this suite ``force_login``
# means "signed in", so for those accounts it also completes the second step: the
# user gets a confirmed authenticator and the session is marked verified through
# django_otp.login(), exactly what the code page does. Tests of the second step
# itself sign in with the password only: ``password_only_login``.

_plain_force_login = Client.force_login


def otp_device(user: User) -> Any:
    """The user's confirmed authenticator, made if missing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def mark_verified(client: Client, user: User) -> None:
    """Mark ``client``'s session as having passed the second step (django_otp.login)."""
    import django_otp
    from django.http import HttpRequest

    session = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    django_otp.login(request, otp_device(user))
    session.save()


def password_only_login(client: Client, user: User, backend: str | None = None) -> None:
    """Sign in with the first factor only, as the password form leaves a session."""
    _plain_force_login(client, user, backend)


def _force_login_both_factors(self: Client, user: Any, backend: str | None = None) -> None:
    _plain_force_login(self, user, backend)
    from iphub.core.permissions import requires_two_factor

    if requires_two_factor(user):
        mark_verified(self, user)


@pytest.fixture(autouse=True)
def _two_factor_force_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Client, "force_login", _force_login_both_factors)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the platform's language (Chinese) whatever the test before
    it activated: a request served in English by the test client, or a page a test
    switched, leaves the thread's language behind, and a later test reading
    translated words would then read English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
