"""揭榜挂帅: a call's life from publishing to the award that becomes a deal, the
deadline, declines the proposer reads, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from iphub.brokerage import services
from iphub.brokerage.models import Call, CallState, Proposal, ProposalState
from iphub.brokerage.tests.conftest import in_days
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import User
from iphub.patents.models import Patent

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% test\n"


def call_data(**over: str) -> dict[str, str]:
    base = {
        "title": "高镍正极材料高温循环衰减攻关",
        "description": "征集提高高镍三元正极材料高温循环稳定性的包覆技术，要求中试验证。",
        "budget": "800000",
        "deadline": in_days(30),
        "criteria": "技术先进性 50\n实施可行性 30\n报价 20",
    }
    return base | over


def proposal_data(patent: Patent, **over: str) -> dict[str, str]:
    base = {
        "text": "采用快离子导体包覆高镍正极，已完成小试，六个月内完成中试验证并交付工艺包。",
        "amount": "600000",
        "patents": patent.application_number,
    }
    return base | over


@pytest.fixture
def call(accounts: dict[str, User], corpus: dict[int, Patent]) -> Call:
    return services.call_create(actor=accounts["jiangan"], data=call_data(), publish=True)


def test_a_call_is_answered_scored_declined_and_awarded_into_a_deal(
    call: Call, accounts: dict[str, User], corpus: dict[int, Patent]
) -> None:
    assert call.state == CallState.OPEN and call.published_at is not None
    uni = services.proposal_submit(
        actor=accounts["university"],
        call_id=call.pk,
        data=proposal_data(corpus[6]),
        files=[SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")],
    )
    seat = services.proposal_submit(
        actor=accounts["hongshan"],
        call_id=call.pk,
        data=proposal_data(
            corpus[7], text="以座椅电动调节装置的电机控制经验改进正极材料烧结工艺。"
        ),
    )
    assert uni.files.count() == 1
    scored = services.proposal_score(
        actor=accounts["jiangan"],
        proposal_id=uni.pk,
        scores={"技术先进性": "90", "实施可行性": "80", "报价": "70"},
    )
    assert (
        scored.total_score is not None and float(scored.total_score) == 83.0
    )  # 0.5×90 + 0.3×80 + 0.2×70
    services.proposal_decline(
        actor=accounts["jiangan"], proposal_id=seat.pk, reason="方案与正极材料无关"
    )
    # The proposer reads the reason on the call's page; the other proposer does not.
    seat_client = Client()
    seat_client.force_login(accounts["hongshan"])
    page = seat_client.get(reverse("brokerage:call_detail", args=[call.pk])).content.decode()
    assert "未入选原因：方案与正极材料无关" in page
    assert "快离子导体" not in page
    services.proposal_award(
        actor=accounts["jiangan"],
        proposal_id=uni.pk,
        deal={"kind": "transfer", "amount": "600000", "signed_on": dt.date.today().isoformat()},
    )
    call.refresh_from_db()
    uni.refresh_from_db()
    assert call.state == CallState.AWARDED and uni.state == ProposalState.AWARDED
    deal = call.deal
    assert deal is not None
    assert (deal.seller.name, deal.buyer.name) == ("武汉测试大学", "江岸测试制造有限公司")
    assert list(deal.patents.all()) == [corpus[6]]
    # Awarded, nothing more may come in.
    with pytest.raises(ApplicationError, match="已揭榜"):
        services.proposal_submit(
            actor=accounts["yichang"], call_id=call.pk, data=proposal_data(corpus[4])
        )


def test_a_proposal_after_the_deadline_is_refused_and_says_so(
    call: Call, accounts: dict[str, User], corpus: dict[int, Patent]
) -> None:
    Call.objects.filter(pk=call.pk).update(deadline=dt.date.today() - dt.timedelta(days=1))
    with pytest.raises(ApplicationError) as err:
        services.proposal_submit(
            actor=accounts["university"], call_id=call.pk, data=proposal_data(corpus[6])
        )
    assert err.value.status == 409
    assert "揭榜已于" in err.value.message and "截止，不能再提交方案" in err.value.message
    client = Client()
    client.force_login(accounts["university"])
    resp = client.post(
        reverse("brokerage:proposal_submit", args=[call.pk]), proposal_data(corpus[6]), follow=True
    )
    assert "截止，不能再提交方案" in resp.content.decode()
    assert not Proposal.objects.exists()


def test_bad_criteria_and_foreign_patents_are_refused(
    accounts: dict[str, User], corpus: dict[int, Patent]
) -> None:
    with pytest.raises(ApplicationError) as err:
        services.call_create(actor=accounts["jiangan"], data=call_data(criteria="技术 60\n报价 30"))
    assert "合计应为 100，现为 90" in err.value.fields["criteria"]
    assert not Call.objects.exists()
    call = services.call_create(actor=accounts["jiangan"], data=call_data(), publish=True)
    with pytest.raises(ApplicationError) as err:
        services.proposal_submit(
            actor=accounts["university"], call_id=call.pk, data=proposal_data(corpus[1])
        )
    assert "本单位" in err.value.fields["patents"]


def test_only_the_caller_decides_and_drafts_stay_private(
    accounts: dict[str, User], corpus: dict[int, Patent]
) -> None:
    call = services.call_create(actor=accounts["jiangan"], data=call_data(), publish=True)
    p = services.proposal_submit(
        actor=accounts["university"], call_id=call.pk, data=proposal_data(corpus[6])
    )
    with pytest.raises(AccessDenied):
        services.proposal_award(
            actor=accounts["university"],
            proposal_id=p.pk,
            deal={"kind": "transfer", "amount": "1", "signed_on": dt.date.today().isoformat()},
        )
    with pytest.raises(ApplicationError, match="原因"):
        services.proposal_decline(actor=accounts["jiangan"], proposal_id=p.pk, reason="")
    p.refresh_from_db()
    assert p.state == ProposalState.SUBMITTED
    draft = services.call_create(actor=accounts["jiangan"], data=call_data(title="草稿榜单"))
    other = Client()
    other.force_login(accounts["yichang"])
    assert other.get(reverse("brokerage:call_detail", args=[draft.pk])).status_code == 404
    assert "草稿榜单" not in Client().get(reverse("brokerage:calls")).content.decode()
