"""Races on real database connections (PostgreSQL): staff assigning experts to
one case at once never exceed the limit nor assign one expert twice."""

from __future__ import annotations

import pytest
from django.db import connection

from iphub.conftest import at_once
from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation, User
from iphub.overseas import services, workflow
from iphub.overseas.models import CaseExpert
from iphub.overseas.tests.test_cases import expert, open_case

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]


def test_staff_assigning_at_once_never_exceed_the_limit(
    cast: dict[str, User], orgs: dict[str, Organisation], province: User
) -> None:
    """A real race on PostgreSQL (each call on its own connection): the case row is
    locked, so of four assignments at once three succeed and the fourth is told
    the case is full; no more than MAX_EXPERTS rows whatever the timing."""
    case = open_case(cast["enterprise"], orgs)
    experts = [expert(province, f"专家{i}") for i in range(4)]
    results = at_once(
        *[
            (
                lambda e=e: services.case_expert_assign(
                    actor=cast["wuhan_enforcer"], case_id=case.pk, expert_id=e.pk
                )
            )
            for e in experts
        ]
    )
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert CaseExpert.objects.filter(case=case).count() == workflow.MAX_EXPERTS
    assert len(refused) == 1 and refused[0].code == "too_many"
    # The same expert twice at once: one row, the other told so.
    second = open_case(cast["enterprise"], orgs, summary="另一起。")
    results = at_once(
        *[
            (
                lambda: services.case_expert_assign(
                    actor=cast["wuhan_enforcer"], case_id=second.pk, expert_id=experts[0].pk
                )
            )
            for _ in range(2)
        ]
    )
    assert CaseExpert.objects.filter(case=second).count() == 1
    assert sum(isinstance(r, ApplicationError) for r in results) == 1
