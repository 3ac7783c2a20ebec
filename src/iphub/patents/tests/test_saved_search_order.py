"""A user's saved searches are listed newest first, although each row carries
its count of unread alerts."""

from __future__ import annotations

import pytest

from iphub.core.models import User
from iphub.patents import selectors
from iphub.patents.services.searches import saved_search_create


@pytest.mark.django_db
def test_saved_searches_newest_first(cast: dict[str, User]) -> None:
    user = cast["enterprise"]
    for name in ("锂电池", "隔膜", "电解液"):
        saved_search_create(user=user, name=name, query=name)
    assert [s.name for s in selectors.saved_search_list(user=user)] == ["电解液", "隔膜", "锂电池"]
