"""专利找企业: the reverse ranking on a corpus whose answer is known, mute,
idempotent pushes, and what the holder sees of who opened and answered."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from iphub.brokerage import selectors, services
from iphub.brokerage.models import Push, PushAnswer, PushRun, RunStatus
from iphub.brokerage.ranking import PatentFacts, explain, rank_organisations
from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation, User
from iphub.patents.models import Patent
from iphub.transfer.models import MatchStage, Notification, SupplyListing

pytestmark = pytest.mark.django_db(transaction=True)


def _rank(patent: Patent, holder: Organisation) -> list[int]:
    facts = PatentFacts.of(patent)
    return [c.organisation_id for c in rank_organisations(facts, limit=10, exclude={holder.pk})]


def test_the_firm_with_matching_patents_ranks_above_unrelated_ones_and_says_why(
    corpus: dict[int, Patent], orgs: dict[str, Organisation], university: Organisation
) -> None:
    services.profiles_rebuild()
    found = rank_organisations(PatentFacts.of(corpus[6]), limit=10, exclude={university.pk})
    ids = [c.organisation_id for c in found]
    jiangan, yichang, hongshan = orgs["wuhan_jiangan"], orgs["yichang"], orgs["wuhan_hongshan"]
    assert ids[0] == jiangan.pk
    for other in (yichang.pk, hongshan.pk):
        assert other not in ids or ids.index(other) > ids.index(jiangan.pk)
    why = explain(found[0].reasons)
    assert "贵单位有 3 件 H01M 专利" in why
    assert any("技术内容与本专利相近" in w for w in why)
    # The university holds the patent: never ranked for its own patent.
    assert university.pk not in ids


def test_an_open_need_that_reads_like_the_patent_is_a_reason(
    corpus: dict[int, Patent], orgs: dict[str, Organisation], university: Organisation,
    accounts: dict[str, User],
) -> None:  # fmt: skip
    from iphub.transfer import services as transfer_services
    from iphub.transfer.tests.conftest import need_data

    transfer_services.need_create(
        actor=accounts["yichang"],
        data=need_data(title="正极材料循环稳定性差", ipc_codes="H01M4/36"),
    )
    services.profiles_rebuild()
    found = rank_organisations(PatentFacts.of(corpus[6]), limit=10, exclude={university.pk})
    yichang = next(c for c in found if c.organisation_id == orgs["yichang"].pk)
    assert any("需求『正极材料循环稳定性差』与本专利相近" in w for w in explain(yichang.reasons))


def test_a_run_pushes_the_best_once_and_a_rerun_pushes_nothing_twice(
    listing: SupplyListing, accounts: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    run = services.push_run_request(actor=accounts["university"], listing_id=listing.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.total == 1 and run.done == 1
    pushed = set(Push.objects.filter(listing=listing).values_list("organisation_id", flat=True))
    assert orgs["wuhan_jiangan"].pk in pushed
    told = Notification.objects.filter(user=accounts["jiangan"]).count()
    assert told == 1
    again = services.push_run_request(actor=accounts["university"], listing_id=listing.pk)
    again.refresh_from_db()
    assert again.status == RunStatus.DONE and again.pushed == 0
    assert Push.objects.filter(listing=listing).count() == len(pushed)
    assert Notification.objects.filter(user=accounts["jiangan"]).count() == told


def test_a_muted_firm_is_never_pushed_and_the_holder_cannot_tell(
    listing: SupplyListing, accounts: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    services.push_mute(actor=accounts["jiangan"], muted=True)
    services.push_run_request(actor=accounts["university"], listing_id=listing.pk)
    assert not Push.objects.filter(organisation=orgs["wuhan_jiangan"]).exists()
    assert not Notification.objects.filter(user=accounts["jiangan"]).exists()
    client = Client()
    client.force_login(accounts["university"])
    page = client.get(reverse("brokerage:listing_pushes", args=[listing.pk])).content.decode()
    assert "江岸测试制造" not in page and "不接收" not in page
    # Unmuted, the next run reaches it.
    services.push_mute(actor=accounts["jiangan"], muted=False)
    services.push_run_request(actor=accounts["university"], listing_id=listing.pk)
    assert Push.objects.filter(organisation=orgs["wuhan_jiangan"]).exists()


def test_the_holder_sees_who_opened_and_who_answered_and_interest_makes_a_match(
    listing: SupplyListing, accounts: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    services.push_run_request(actor=accounts["university"], listing_id=listing.pk)
    push = Push.objects.get(organisation=orgs["wuhan_jiangan"])
    firm = Client()
    firm.force_login(accounts["jiangan"])
    inbox = firm.get(reverse("brokerage:push_inbox")).content.decode()
    assert "一种锂离子电池正极材料的表面包覆方法" in inbox
    detail = firm.get(reverse("brokerage:push_detail", args=[push.pk])).content.decode()
    assert "贵单位有 3 件 H01M 专利" in detail
    push.refresh_from_db()
    assert push.opened_at is not None
    holder = Client()
    holder.force_login(accounts["university"])
    summary = selectors.push_summary(
        selectors.holder_pushes(user=accounts["university"], listing=listing)
    )
    assert (summary.opened, summary.answered) == (1, 0)
    resp = firm.post(
        reverse("brokerage:push_answer", args=[push.pk]),
        {
            "answer": "interested",
            "problem": "高镍正极在高温下循环衰减快，希望引入包覆技术。",
            "contact_name": "李工",
            "contact_phone": "13912345678",
        },
    )
    assert resp.status_code == 302
    push.refresh_from_db()
    assert push.answer == PushAnswer.INTERESTED and push.match is not None
    match = push.match
    assert match.stage == MatchStage.CONTACTED and match.need.organisation == orgs["wuhan_jiangan"]
    # The university is told (transfer's contact request) and sees the answer.
    assert Notification.objects.filter(user=accounts["university"], title__contains="请求").exists()
    page = holder.get(reverse("brokerage:listing_pushes", args=[listing.pk])).content.decode()
    assert "江岸测试制造有限公司" in page and "有意向" in page
    # Answered once only.
    with pytest.raises(ApplicationError, match="已于"):
        services.push_answer(actor=accounts["jiangan"], push_id=push.pk, answer="declined")


def test_another_firm_cannot_read_or_answer_a_push(
    listing: SupplyListing, accounts: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    services.push_run_request(actor=accounts["university"], listing_id=listing.pk)
    push = Push.objects.get(organisation=orgs["wuhan_jiangan"])
    other = Client()
    other.force_login(accounts["yichang"])
    assert other.get(reverse("brokerage:push_detail", args=[push.pk])).status_code == 404
    resp = other.post(reverse("brokerage:push_answer", args=[push.pk]), {"answer": "declined"})
    assert resp.status_code == 404
    push.refresh_from_db()
    assert push.answer == "" and push.opened_at is None


def test_only_the_holder_may_push_its_listing(
    listing: SupplyListing, accounts: dict[str, User]
) -> None:
    from iphub.core.errors import NotFound

    with pytest.raises(NotFound):
        services.push_run_request(actor=accounts["jiangan"], listing_id=listing.pk)
    assert not PushRun.objects.exists()
    with pytest.raises(ApplicationError, match="1-20"):
        services.push_run_request(
            actor=accounts["university"], listing_id=listing.pk, per_patent="50"
        )


def test_a_portfolio_run_ranks_every_live_patent_of_the_holder(
    corpus: dict[int, Patent], accounts: dict[str, User], orgs: dict[str, Organisation]
) -> None:
    run = services.push_run_request(actor=accounts["university"])
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.total == 2
    patents = set(Push.objects.filter(run=run).values_list("patent_id", flat=True))
    assert corpus[6].pk in patents
    page = Client()
    page.force_login(accounts["university"])
    html = page.get(reverse("brokerage:portfolio_pushes")).content.decode()
    assert "江岸测试制造有限公司" in html
