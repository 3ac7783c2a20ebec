"""The hand-built joined lookups (token → user, filing lock) load what the ORM
would, and keep refusing what they must."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iphub.core import services
from iphub.core.joined import JoinedLoader
from iphub.core.models import ApiToken, User


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_token_user_arrives_with_organisation_and_regions_as_the_orm_loads_them(
    cast: dict[str, User],
) -> None:
    user = cast["enterprise"]
    _, raw = services.api_token_create(user=user, name="script")
    expected: Any = User.objects.select_related(
        "region", "organisation__region__parent__parent"
    ).get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        found: Any = services.api_token_authenticate(raw)
        assert found is not None
        # Everything an applicant's request reads, without a further query.
        assert found.organisation.name == expected.organisation.name
        assert found.organisation.region.path == "420000/420100/420111"
        assert found.organisation.region.parent.parent.code == "420000"
        assert found.region is None
    # One SELECT, plus the first use's "last used" stamp.
    assert len(queries) <= 2
    assert _fields(found) == _fields(expected)
    assert _fields(found.organisation) == _fields(expected.organisation)
    assert found.last_login == expected.last_login and found.date_joined == expected.date_joined


def test_revoked_tokens_and_inactive_users_are_refused(cast: dict[str, User]) -> None:
    clerk = cast["yichang_clerk"]
    token, raw = services.api_token_create(user=clerk, name="script")
    assert services.api_token_authenticate(raw) == clerk
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert services.api_token_authenticate(raw) is None
    ApiToken.objects.filter(pk=token.pk).update(revoked=False)
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    assert services.api_token_authenticate(raw) is None
    assert services.api_token_authenticate(raw + "x") is None


def test_loader_converts_values_and_leaves_a_missing_relation_empty(
    cast: dict[str, User],
) -> None:
    clerk = cast["wuhan_clerk"]
    loader = JoinedLoader(User, ["region__parent", "organisation"], '"t0"."id" = %s')
    with CaptureQueriesContext(connection) as queries:
        got = loader.first([clerk.pk])
        assert got is not None
        assert got.organisation is None  # no organisation: cached as empty, no query
        assert got.region.parent.code == "420000"
    assert len(queries) == 1
    # Booleans and datetimes come back as Python values on SQLite too.
    assert got.is_active is True and got.date_joined == clerk.date_joined
    assert loader.first([-1]) is None


def test_deferred_fields_are_not_read_until_touched(cast: dict[str, User]) -> None:
    clerk = cast["wuhan_clerk"]
    loader = JoinedLoader(User, [], '"t0"."id" = %s', defer=["email", "first_name"])
    assert '"email"' not in loader.sql("default")
    got = loader.first([clerk.pk])
    assert got is not None and got.get_deferred_fields() == {"email", "first_name"}
    with CaptureQueriesContext(connection) as queries:
        assert got.email == clerk.email
    assert len(queries) == 1


def test_a_columns_only_loader_gives_values_in_the_order_asked(cast: dict[str, User]) -> None:
    clerk = cast["wuhan_clerk"]
    loader = JoinedLoader(User, [], '"t0"."id" = %s', only=["is_active", "username"])
    assert loader.values([clerk.pk]) == [[True, "wuhan_clerk"]]
    with pytest.raises(TypeError):
        loader.first([clerk.pk])
