"""Two people acting on one call at once (PostgreSQL row locks): of two awards,
one wins and one deal is recorded."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.db import connection

from iphub.brokerage import services
from iphub.brokerage.models import Call, CallState, Proposal, ProposalState
from iphub.brokerage.tests.test_calls import call_data, proposal_data
from iphub.conftest import at_once, make_user
from iphub.core.errors import ApplicationError
from iphub.core.models import Role, User
from iphub.patents.models import Patent
from iphub.transfer.models import Deal

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_awards_at_once_make_one_deal(
    accounts: dict[str, User], corpus: dict[int, Patent]
) -> None:
    call = services.call_create(actor=accounts["jiangan"], data=call_data(), publish=True)
    a = services.proposal_submit(
        actor=accounts["university"], call_id=call.pk, data=proposal_data(corpus[6])
    )
    b = services.proposal_submit(
        actor=accounts["hongshan"], call_id=call.pk, data=proposal_data(corpus[7])
    )
    colleague = make_user(
        "jiangan_user2", Role.ENTERPRISE, organisation=accounts["jiangan"].organisation
    )
    deal = {"kind": "transfer", "amount": "500000", "signed_on": dt.date.today().isoformat()}
    results = at_once(
        partial(services.proposal_award, actor=accounts["jiangan"], proposal_id=a.pk, deal=deal),
        partial(services.proposal_award, actor=colleague, proposal_id=b.pk, deal=deal),
    )
    wins = [r for r in results if isinstance(r, Proposal)]
    losses = [r for r in results if isinstance(r, ApplicationError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].status == 409
    call.refresh_from_db()
    assert call.state == CallState.AWARDED
    assert Deal.objects.count() == 1 and call.deal_id is not None
    states = sorted(Proposal.objects.values_list("state", flat=True))
    assert states == sorted([ProposalState.AWARDED, ProposalState.DECLINED])
    assert Call.objects.count() == 1
