"""Matchmaking on a corpus whose answer is known by construction, the parties'
decisions, the staff funnel, docking events and deals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Organisation, User
from iphub.patents.models import LegalEvent, LegalEventKind, Patent
from iphub.transfer import embeddings, selectors, services
from iphub.transfer.matching import Candidate, rank_for_need
from iphub.transfer.models import (
    EventPair,
    Match,
    MatchStage,
    Notification,
    PairOutcome,
    TechnologyNeed,
)
from iphub.transfer.tests.conftest import need_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def need(cast: dict[str, User], corpus: dict[int, Patent]) -> TechnologyNeed:
    return services.need_create(actor=cast["enterprise"], data=need_data())


def _stages(user: User) -> dict[str, int]:
    return {s.stage: s.count for s in selectors.match_funnel(user=user)}


def test_the_obviously_related_patent_ranks_first_and_says_why(
    need: TechnologyNeed, corpus: dict[int, Patent]
) -> None:
    ranked = rank_for_need(need)
    assert ranked[0].patent == corpus[1]
    why = ranked[0].reasons
    assert {"正极", "包覆"} <= set(why["shared_terms"])
    assert why["ipc_overlap"] and why["ipc_overlap"][0].startswith("H01M↔H01M4/505")
    assert why["same_city"] is True
    assert "共同技术词" in why["summary"] and "同城" in why["summary"]
    # The lapsed battery patent is never proposed; the rice patent, if at all, ranks low.
    assert corpus[4].pk not in {c.patent.pk for c in ranked}
    # #5 is the enterprise's own patent: never proposed to its own need.
    assert corpus[5].pk not in {c.patent.pk for c in ranked}
    titles = [c.patent.pk for c in ranked]
    if corpus[3].pk in titles:
        assert titles.index(corpus[3].pk) > titles.index(corpus[1].pk)
    if embeddings.available():
        assert ranked[0].reasons["cosine"] is not None and ranked[0].components["dense"] > 0


def test_a_pledge_on_the_history_is_flagged_and_a_lapse_drops_the_patent(
    need: TechnologyNeed, corpus: dict[int, Patent]
) -> None:
    def best() -> dict[int, Candidate]:
        return {c.patent.pk: c for c in rank_for_need(need)}

    unlisted = best()[corpus[1].pk]
    assert unlisted.components["availability"] == 0.4
    LegalEvent.objects.create(
        patent=corpus[1], kind=LegalEventKind.PLEDGED, date=dt.date(2026, 1, 5), detail="质押登记"
    )
    pledged = best()[corpus[1].pk]
    assert "该专利已质押" in pledged.reasons["flags"]
    assert "该专利已质押" in pledged.reasons["summary"]
    assert pledged.components["availability"] == pytest.approx(0.28)
    LegalEvent.objects.create(
        patent=corpus[1], kind=LegalEventKind.PLEDGE_RELEASED, date=dt.date(2026, 2, 1)
    )
    assert not best()[corpus[1].pk].reasons["flags"]
    # The status text still says granted; the history's lapse is what counts.
    LegalEvent.objects.create(
        patent=corpus[1], kind=LegalEventKind.LAPSED, date=dt.date(2026, 3, 1)
    )
    assert corpus[1].pk not in best()


def test_new_need_is_matched_in_the_background_and_owner_told(
    need: TechnologyNeed, cast: dict[str, User], corpus: dict[int, Patent]
) -> None:
    matches = list(selectors.match_list_for_need(user=cast["enterprise"], need=need))
    assert matches[0].patent == corpus[1]
    assert matches[0].reasons["summary"]
    note = Notification.objects.get(user=cast["enterprise"])
    assert "有" in note.title and "新匹配" in note.title


def test_a_new_listing_is_pushed_to_matching_needs(
    need: TechnologyNeed, patentee: User, cast: dict[str, User], corpus: dict[int, Patent]
) -> None:
    listing = services.listing_create(
        actor=patentee,
        data={"title": "高镍正极包覆专利转让", "mode": "transfer"},
        patent_ids=[corpus[1].pk],
    )
    m = Match.objects.get(need=need, patent=corpus[1])
    assert m.listing == listing
    assert "已挂牌：转让" in m.reasons["summary"]
    assert Notification.objects.filter(user=patentee, title__contains="匹配到").exists()
    assert list(selectors.match_list_for_listing(user=patentee, listing=listing)) == [m]
    with pytest.raises(AccessDenied):
        selectors.match_list_for_listing(user=cast["enterprise"], listing=listing)


def test_contact_accept_deal_walks_the_funnel(
    need: TechnologyNeed,
    patentee: User,
    yichang_user: User,
    cast: dict[str, User],
    corpus: dict[int, Patent],
    orgs: dict[str, Organisation],
) -> None:
    services.listing_create(
        actor=patentee, data={"title": "转让", "mode": "transfer"}, patent_ids=[corpus[1].pk]
    )
    m = Match.objects.get(need=need, patent=corpus[1])
    total = Match.objects.filter(need=need).count()
    with pytest.raises(AccessDenied):
        services.match_request_contact(actor=yichang_user, match_id=m.pk)
    services.match_request_contact(actor=cast["enterprise"], match_id=m.pk, message="想了解许可费")
    asked = Notification.objects.get(user=patentee, title__contains="请求")
    assert "洪山测试科技有限公司" in asked.title and asked.body == "想了解许可费"
    assert list(selectors.match_inbox(user=patentee)) == [Match.objects.get(pk=m.pk)]
    with pytest.raises(ApplicationError):  # the asker cannot accept its own request
        services.match_accept(actor=cast["enterprise"], match_id=m.pk)
    services.match_accept(actor=patentee, match_id=m.pk)
    assert _stages(cast["wuhan_clerk"]) == {
        "matched": total,
        "contacted": 1,
        "negotiating": 1,
        "deal": 0,
    }
    deal = services.deal_record(
        actor=cast["wuhan_clerk"],
        data={"kind": "transfer", "amount": "1200000.5", "signed_on": "2026-03-10"},
        seller_id=orgs["wuhan_jiangan"].pk,
        buyer_id=orgs["wuhan_hongshan"].pk,
        patent_ids=[corpus[1].pk],
        match_id=m.pk,
    )
    assert deal.amount == Decimal("1200000.50")
    event = LegalEvent.objects.get(patent=corpus[1], kind=LegalEventKind.TRANSFERRED)
    assert "江岸测试制造有限公司 → 洪山测试科技有限公司" in event.detail
    assert _stages(cast["wuhan_clerk"])["deal"] == 1
    assert _stages(cast["yichang_clerk"]) == dict.fromkeys(_stages(cast["yichang_clerk"]), 0)
    stats = selectors.deal_stats(user=cast["supervisor"])
    assert stats == [
        {
            "month": "2026-03",
            "region": "420100",
            "region_name": "武汉市",
            "count": 1,
            "amount": Decimal("1200000.50"),
        }
    ]
    assert selectors.deal_stats(user=cast["yichang_clerk"]) == []
    with pytest.raises(AccessDenied):
        selectors.deal_stats(user=cast["enterprise"])


def test_reject_removes_the_match_from_the_list(
    need: TechnologyNeed, cast: dict[str, User], corpus: dict[int, Patent]
) -> None:
    m = Match.objects.get(need=need, patent=corpus[1])
    services.match_reject(actor=cast["enterprise"], match_id=m.pk, reason="已有方案")
    shown = selectors.match_list_for_need(user=cast["enterprise"], need=need)
    assert corpus[1].pk not in {x.patent_id for x in shown}
    assert Match.objects.get(pk=m.pk).stage == MatchStage.REJECTED


def test_an_expired_need_cannot_request_contact(
    need: TechnologyNeed, cast: dict[str, User], corpus: dict[int, Patent]
) -> None:
    m = Match.objects.get(need=need, patent=corpus[1])
    services.needs_expire_due(today=need.deadline + dt.timedelta(days=1))
    with pytest.raises(ApplicationError) as err:
        services.match_request_contact(actor=cast["enterprise"], match_id=m.pk)
    assert "已过期" in err.value.message
    assert Match.objects.get(pk=m.pk).stage == MatchStage.MATCHED


def test_docking_event_invites_registers_and_records(
    need: TechnologyNeed,
    patentee: User,
    cast: dict[str, User],
    corpus: dict[int, Patent],
) -> None:
    with pytest.raises(ApplicationError) as err:
        services.event_create(actor=cast["wuhan_clerk"], data={"title": "对接会"})
    assert {"industry_chain", "date", "venue"} <= set(err.value.fields)
    with pytest.raises(AccessDenied):
        services.event_create(
            actor=cast["yichang_clerk"],
            data={
                "title": "x",
                "industry_chain": "新能源",
                "date": "2026-12-01",
                "venue": "武汉",
                "region": "420100",
            },
        )
    event = services.event_create(
        actor=cast["wuhan_clerk"],
        data={
            "title": "新能源汽车产业链专利对接会",
            "industry_chain": "新能源与智能网联汽车",
            "ipc_prefixes": "H01M",
            "date": "2026-12-01",
            "venue": "武汉光谷",
        },
    )
    pairs = services.event_invite_best(actor=cast["wuhan_clerk"], event_id=event.pk, limit=3)
    assert pairs[0].match.patent == corpus[1]
    assert Notification.objects.filter(user=patentee, title__contains="对接活动").exists()
    services.event_register(actor=cast["enterprise"], event_id=event.pk)
    assert EventPair.objects.get(pk=pairs[0].pk).outcome == PairOutcome.REGISTERED
    with pytest.raises(ApplicationError):
        services.event_register(actor=cast["enterprise"], event_id=event.pk)
    services.event_pair_outcome(
        actor=cast["wuhan_clerk"], pair_id=pairs[0].pk, outcome="signed", note="现场签约"
    )
    assert Match.objects.get(pk=pairs[0].match_id).stage == MatchStage.NEGOTIATING
    listed = [p.match.patent_id for p in selectors.event_pairs(event)]
    assert listed[0] == corpus[1].pk
