"""技术经理人: registration and verification by window staff, assignments, the
contact log, and the funnel per broker against counts made by hand."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from iphub.brokerage import selectors, services
from iphub.brokerage.models import Assignment, Broker, BrokerStatus
from iphub.brokerage.tests.conftest import in_days
from iphub.conftest import make_user
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Role, User
from iphub.patents.models import Patent
from iphub.transfer import services as transfer_services
from iphub.transfer.models import Match, MatchStage
from iphub.transfer.tests.conftest import need_data

pytestmark = pytest.mark.django_db(transaction=True)


def broker_data(n: int, **over: str) -> dict[str, str]:
    return {
        "name": f"经理人{n}",
        "certificate_number": f"JSJL-2026-{n:04d}",
        "certifying_body": "湖北省技术转移协会",
        "valid_until": in_days(365),
        "ipc_sections": "H",
        "industries": "新能源",
    } | over


@pytest.fixture
def brokers(accounts: dict[str, User]) -> list[Broker]:
    one = make_user("broker_one", Role.AGENCY, organisation=accounts["hongshan"].organisation)
    two = make_user("broker_two", Role.AGENCY, organisation=accounts["jiangan"].organisation)
    return [
        services.broker_register(
            actor=accounts["wuhan_clerk"], data=broker_data(1), username=one.username
        ),
        services.broker_register(
            actor=accounts["wuhan_clerk"], data=broker_data(2), username=two.username
        ),
    ]


def test_staff_register_verified_and_a_self_registration_waits_for_verification(
    accounts: dict[str, User], brokers: list[Broker]
) -> None:
    assert brokers[0].status == BrokerStatus.VERIFIED and brokers[0].verified_by is not None
    own = services.broker_register(actor=accounts["yichang"], data=broker_data(3))
    assert own.status == BrokerStatus.PENDING
    with pytest.raises(NotFound):  # a Wuhan clerk does not reach a Yichang broker
        services.broker_verify(actor=accounts["wuhan_clerk"], broker_id=own.pk)
    with pytest.raises(AccessDenied):
        services.broker_verify(actor=accounts["yichang"], broker_id=own.pk)
    services.broker_verify(actor=accounts["yichang_clerk"], broker_id=own.pk)
    own.refresh_from_db()
    assert own.status == BrokerStatus.VERIFIED
    with pytest.raises(ApplicationError) as err:
        services.broker_register(
            actor=accounts["university"], data=broker_data(1, valid_until="2020-01-01")
        )
    assert "过有效期" in err.value.fields["valid_until"]


def _matches(accounts: dict[str, User], corpus: dict[int, Patent], n: int) -> list[Match]:
    need = transfer_services.need_create(actor=accounts["jiangan"], data=need_data())
    patents = [corpus[k] for k in (6, 8, 4, 5, 7)][:n]
    return [
        Match.objects.get_or_create(need=need, patent=p, defaults={"score": 0.5})[0]
        for p in patents
    ]


def test_the_funnel_per_broker_counts_what_happened(
    accounts: dict[str, User], corpus: dict[int, Patent], brokers: list[Broker]
) -> None:
    m = _matches(accounts, corpus, 5)
    clerk = accounts["wuhan_clerk"]
    a = [
        services.assignment_set(actor=clerk, broker_id=brokers[0].pk, match_id=x.pk) for x in m[:4]
    ]
    # The need's owner hands the fifth to the second broker itself.
    b = services.assignment_set(
        actor=accounts["jiangan"], broker_id=brokers[1].pk, match_id=m[4].pk
    )
    today = dt.date.today().isoformat()

    def log(assignment: Assignment, broker: Broker, outcome: str) -> None:
        services.contact_log_add(
            actor=broker.user,
            assignment_id=assignment.pk,
            data={"date": today, "party": "江岸测试制造", "channel": "phone", "outcome": outcome},
        )

    log(a[1], brokers[0], "contacted")
    log(a[2], brokers[0], "contacted")
    log(a[2], brokers[0], "negotiating")
    Match.objects.filter(pk=m[3].pk).update(stage=MatchStage.DEAL)  # the parties closed it
    log(b, brokers[1], "no_deal")
    # By hand: broker 1 has 4 assignments — one untouched, one contacted, one
    # negotiating, one whose match became a deal; broker 2 one contact that failed.
    expected = {"经理人1": [4, 3, 2, 1], "经理人2": [1, 1, 0, 0]}
    rows = {r.broker.name: r.row for r in selectors.broker_funnel(user=clerk)}
    assert rows == expected
    client = Client()
    client.force_login(clerk)
    page = client.get(reverse("brokerage:broker_funnel")).content.decode()
    assert 'data-broker="经理人1"' in page
    xlsx = client.get(reverse("brokerage:broker_funnel") + "?format=xlsx")
    body = b"".join(xlsx.streaming_content)  # type: ignore[attr-defined]
    ws = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    got = {r[0]: list(r[2:6]) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert got == expected
    # Only the assigned broker keeps the log; others are refused and nothing is written.
    with pytest.raises(AccessDenied):
        log(a[0], brokers[1], "contacted")
    assert a[0].logs.count() == 0
    # An enterprise is not staff: no funnel.
    with pytest.raises(AccessDenied):
        selectors.broker_funnel(user=accounts["jiangan"])


def test_an_unrelated_firm_cannot_assign_and_a_revoked_broker_takes_nothing(
    accounts: dict[str, User], corpus: dict[int, Patent], brokers: list[Broker]
) -> None:
    m = _matches(accounts, corpus, 1)[0]
    with pytest.raises(AccessDenied):
        services.assignment_set(actor=accounts["yichang"], broker_id=brokers[0].pk, match_id=m.pk)
    services.broker_revoke(actor=accounts["wuhan_clerk"], broker_id=brokers[0].pk)
    with pytest.raises(ApplicationError, match="有效期内"):
        services.assignment_set(
            actor=accounts["wuhan_clerk"], broker_id=brokers[0].pk, match_id=m.pk
        )
    assert not Assignment.objects.exists()
