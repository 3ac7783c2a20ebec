"""The finance demo of ``make run``: the bank's products, a request awaiting the
bank's answer and an approved one, a whitelisted enterprise, an insured policy
with a claim tied to a case, a fund default split to the fen; twice is once."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core import demo as core_demo
from iphub.core.models import User
from iphub.finance import demo
from iphub.finance.models import (
    AnswerState,
    BankAnswer,
    InsuranceClaim,
    LoanDefault,
    LoanProduct,
    WhitelistEntry,
)
from iphub.finance.selectors import financing

pytestmark = pytest.mark.django_db


def test_demo_has_something_for_the_enterprise_the_bank_and_the_city(db: Any) -> None:
    core_demo.demo_load()
    lines = demo.demo_load()
    assert LoanProduct.objects.filter(bank__name=demo.BANK).count() == 2
    states = sorted(BankAnswer.objects.values_list("state", flat=True))
    assert states == sorted([AnswerState.WAITING, AnswerState.APPROVED])
    bank_user = User.objects.get(username="bank_user")
    inbox = list(financing.bank_inbox(user=bank_user))
    assert len(inbox) == 2 and all(getattr(a, "whitelisted", False) for a in inbox)
    claim = InsuranceClaim.objects.get()
    assert claim.case is not None and claim.case.parties.filter(name=demo.ENTERPRISE).exists()
    d = LoanDefault.objects.get()
    assert d.government_part + d.bank_part + d.insurer_part + d.guarantor_part == d.loss
    assert sum("试一试" in line for line in lines) == 3
    demo.demo_load()
    assert (BankAnswer.objects.count(), WhitelistEntry.objects.count()) == (2, 1)
    assert (LoanDefault.objects.count(), InsuranceClaim.objects.count()) == (1, 1)
