"""Races on two real database connections (PostgreSQL): two staff members of
one outlet acting on the same ticket at once — only one may win."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection

from iphub.conftest import at_once
from iphub.core.errors import ApplicationError
from iphub.network import services
from iphub.network.models import ServiceTicket, TicketEvent, TicketState
from iphub.network.tests.conftest import open_ticket

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_staff_accept_the_same_ticket_at_once(net: dict[str, Any]) -> None:
    t = open_ticket(net["enterprise"], net["wuhan"])
    steps = [
        partial(services.ticket_step, actor=u, ticket_id=t.pk, name="accept", expected_version=0)
        for u in (net["wuhan_staff"], net["wuhan_staff2"])
    ]
    results = at_once(*steps)
    wins = [r for r in results if isinstance(r, ServiceTicket)]
    losses = [r for r in results if isinstance(r, ApplicationError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].status == 409 and "已由" in losses[0].message
    t.refresh_from_db()
    assert (t.state, t.version) == (TicketState.ACCEPTED, 1)
    assert TicketEvent.objects.filter(ticket=t, action="accept").count() == 1


def test_one_closes_while_the_other_declines(net: dict[str, Any]) -> None:
    t = open_ticket(net["enterprise"], net["wuhan"])
    close = partial(
        services.ticket_step, actor=net["wuhan_staff"], ticket_id=t.pk, name="close",
        data={"result": "检索结果已整理，见说明。"},
    )  # fmt: skip
    decline = partial(
        services.ticket_step, actor=net["wuhan_staff2"], ticket_id=t.pk, name="decline",
        data={"reason": "不属于本中心服务范围"},
    )  # fmt: skip
    results = at_once(close, decline)
    assert sum(isinstance(r, ServiceTicket) for r in results) == 1, results
    t.refresh_from_db()
    assert t.state in (TicketState.CLOSED, TicketState.DECLINED) and t.version == 1
    assert TicketEvent.objects.filter(ticket=t).exclude(action="create").count() == 1
