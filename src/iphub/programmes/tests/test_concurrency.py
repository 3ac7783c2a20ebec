"""Races on two real database connections: two province reviewers approving the
same application (exactly one wins, the other is told who handled it), and two
approvals of different applications racing for the last place of the quota."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection

from iphub.conftest import at_once, make_user
from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation, Role, User
from iphub.programmes import services
from iphub.programmes.models import ApplicationState, Membership, ProgrammeApplication
from iphub.programmes.tests.conftest import SCORES, make_programme, recommended

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_reviewers_approve_at_once(cast: dict[str, User], programme: Any) -> None:
    second = make_user("province_clerk_2", Role.WINDOW, "420000")
    app = recommended(cast, programme)
    reviewers = (cast["supervisor"], second)
    outcomes = at_once(
        *(
            partial(services.application_approve, actor=u, application_id=app.pk, scores=SCORES)
            for u in reviewers
        )
    )
    wins = [r for r in outcomes if isinstance(r, ProgrammeApplication)]
    losses = [r for r in outcomes if isinstance(r, ApplicationError)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert losses[0].message.startswith(f"该申报已由 {wins[0].handled_by_name} 处理")
    app.refresh_from_db()
    assert app.state == ApplicationState.APPROVED
    assert app.events.filter(action="approve").count() == 1
    assert Membership.objects.count() == 1


def test_two_approvals_race_for_the_last_place(
    cast: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    programme = make_programme(cast["supervisor"], quota="1")
    jiangan = make_user("jiangan_user", Role.ENTERPRISE, organisation=orgs["wuhan_jiangan"])
    a = recommended(cast, programme)
    b = recommended(cast, programme, actor=jiangan)
    second = make_user("province_clerk_2", Role.WINDOW, "420000")
    outcomes = at_once(
        partial(
            services.application_approve,
            actor=cast["supervisor"],
            application_id=a.pk,
            scores=SCORES,
        ),
        partial(services.application_approve, actor=second, application_id=b.pk, scores=SCORES),
    )
    losses = [r for r in outcomes if isinstance(r, ApplicationError)]
    assert len(losses) == 1 and losses[0].code == "programme_quota_full", outcomes
    states = sorted(ProgrammeApplication.objects.values_list("state", flat=True))
    assert states == [ApplicationState.APPROVED, ApplicationState.RECOMMENDED]
    assert Membership.objects.count() == 1
