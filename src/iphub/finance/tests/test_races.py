"""Races on two real database connections (PostgreSQL): two users of one bank
answering the same slot, two supervisors drawing on one fund, two supervisors
listing one enterprise — only one of each may win."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection

from iphub.conftest import at_once, make_user
from iphub.core.errors import ApplicationError
from iphub.core.models import Role, User
from iphub.finance.models import AnswerEvent, AnswerState, BankAnswer, LoanDefault, WhitelistEntry
from iphub.finance.services import answers, fund_create, sharing, whitelist
from iphub.finance.tests.test_whitelist_sharing_insurance import entry_data

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_users_of_one_bank_answer_the_same_slot_at_once(
    banks: dict[str, Any], asked: Any
) -> None:
    slot = asked.answers.get(bank=banks["a"])
    users = (banks["a_user"], banks["a_user2"])
    # Both pressed their button on the page showing version 0 (accept, or decline
    # which would also be allowed after an accept): only the first may act.
    steps = (
        partial(
            answers.answer_step,
            actor=users[0],
            answer_id=slot.pk,
            name="accept",
            expected_version=0,
        ),
        partial(
            answers.answer_step,
            actor=users[1],
            answer_id=slot.pk,
            name="decline",
            data={"reason": "credit"},
            expected_version=0,
        ),
    )
    results = at_once(*steps)
    wins = [r for r in results if isinstance(r, BankAnswer)]
    losses = [r for r in results if isinstance(r, ApplicationError)]
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].status == 409 and "已由" in losses[0].message
    slot.refresh_from_db()
    assert slot.state in (AnswerState.REVIEWING, AnswerState.DECLINED)
    assert slot.version == 1
    assert AnswerEvent.objects.filter(answer=slot).exclude(action="create").count() == 1


def test_two_supervisors_cannot_overdraw_a_fund_at_once(
    cast: dict[str, User], banks: dict[str, Any]
) -> None:
    fund = fund_create(
        actor=cast["supervisor"],
        data={"region": "420100", "name": "池", "size": "100000", "established_on": "2025-01-01"},
    )
    sharing.fund_shares_set(
        actor=cast["supervisor"],
        fund_id=fund.pk,
        data={
            "government_share": "100",
            "bank_share": "0",
            "insurer_share": "0",
            "guarantor_share": "0",
        },
    )
    other = make_user("wuhan_supervisor", Role.SUPERVISOR, "420100")
    data = {
        "bank": str(banks["a"].pk),
        "borrower": "某企业",
        "region": "420111",
        "loan_amount": "100000",
        "loss": "60000",
        "defaulted_on": "2026-04-01",
    }
    results = at_once(
        *(
            partial(sharing.default_record, actor=u, fund_id=fund.pk, data=data)
            for u in (cast["supervisor"], other)
        )
    )
    assert sorted(type(r).__name__ for r in results) == ["ApplicationError", "LoanDefault"]
    assert LoanDefault.objects.count() == 1


def test_two_supervisors_list_one_enterprise_at_once(
    cast: dict[str, User], orgs: dict[str, Any]
) -> None:
    other = make_user("wuhan_supervisor", Role.SUPERVISOR, "420100")
    data = entry_data(orgs["wuhan_hongshan"])
    results = at_once(
        *(partial(whitelist.whitelist_add, actor=u, data=data) for u in (cast["supervisor"], other))
    )
    assert sorted(type(r).__name__ for r in results) == ["ApplicationError", "WhitelistEntry"]
    assert WhitelistEntry.objects.count() == 1
