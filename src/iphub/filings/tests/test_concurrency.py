"""Races on two real database connections: two reviewers approving the same
filing (exactly one wins, the other is told who handled it), and one form sent
twice at once (one filing)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection

from iphub.conftest import at_once, make_user
from iphub.core.errors import ApplicationError
from iphub.core.models import Role
from iphub.filings import services
from iphub.filings.models import Filing, FilingState
from iphub.filings.tests.conftest import file_pledge
from iphub.patents.models import LegalEvent

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_reviewers_approve_at_once(cast: dict[str, Any], patents: dict[str, str]) -> None:
    second_clerk = make_user("wuhan_clerk_2", Role.WINDOW, "420100")
    f = file_pledge(cast["enterprise"], patents["granted"])
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk)
    clerks = (cast["wuhan_clerk"], second_clerk)
    outcomes = at_once(*(partial(services.filing_approve, actor=u, filing_id=f.pk) for u in clerks))
    results = {u.username: r for u, r in zip(clerks, outcomes, strict=True)}
    wins = [k for k, v in results.items() if isinstance(v, Filing)]
    losses = [v for v in results.values() if isinstance(v, ApplicationError)]
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].message.startswith(f"该申请已由 {wins[0]} 处理")
    f.refresh_from_db()
    assert f.state == FilingState.REGISTERED and f.handled_by_name == wins[0]
    assert f.events.filter(action="approve").count() == 1
    assert LegalEvent.objects.filter(patent=f.patent, kind="pledged").count() == 1


def test_the_same_form_sent_twice_at_once_makes_one_filing(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    """A double click: two requests with one idempotency key on two connections.
    Both pass the replay lookup before either commits; the unique key stops the
    second INSERT, which then answers with the first request's filing."""

    def send() -> Filing:
        return file_pledge(cast["enterprise"], patents["granted"], key="form-42")

    results = at_once(send, send)
    assert [type(r) for r in results] == [Filing, Filing]
    assert results[0].pk == results[1].pk
    filing = Filing.objects.get()
    assert filing.documents.count() == 3
    assert list(filing.events.values_list("action", flat=True).order_by("id")) == [
        "create",
        "submit",
    ]
