"""Profile figures against counts made here from the fixture's rows with plain
ORM reads and Python (not with the selectors), in the full and the public form."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from iphub.core.models import User
from iphub.enterprises.selectors import profile_build
from iphub.enterprises.tests.conftest import FOLDED, FORMER, HONGSHAN, JIANGAN
from iphub.patents.intelligence.grade import GradeFacts, legal_state
from iphub.patents.models import Patent, PatentGrade, PatentType

pytestmark = pytest.mark.django_db


def own_patents(names: tuple[str, ...]) -> list[Patent]:
    """The org's patents as a reader would pick them: its spellings in the
    applicants list of each record."""
    return [p for p in Patent.objects.all() if set(p.applicants) & set(names)]


def state(p: Patent, today: dt.date) -> str:
    kinds = {e.kind for e in p.legal_events.all()}
    facts = GradeFacts(
        patent_type=p.patent_type,
        legal_status=p.legal_status,
        app_date=p.app_date,
        grant_date=p.grant_date,
        event_kinds=kinds,
    )
    return legal_state(facts, today)


def table(profile: Any, key: str) -> list[list[Any]]:
    t = profile.table(key)
    assert t is not None, key
    return t.rows


def test_patent_figures_match_the_records(world: dict[str, Any]) -> None:
    today = timezone.localdate()
    mine = own_patents((HONGSHAN, FOLDED))
    profile = profile_build(world["org"], public=False, today=today)
    head = dict(profile.headline)
    assert head["专利总数"] == len(mine) == 10
    states = Counter(state(p, today) for p in mine)
    assert head["有效专利"] == states["alive"]
    inventions = [p for p in mine if p.patent_type == "invention"]
    assert head["有效发明专利"] == sum(state(p, today) == "alive" for p in inventions)
    # Type × state rows: each type's counts in the three states and the total.
    expected = {}
    for t in {p.patent_type for p in mine}:
        of_type = [p for p in mine if p.patent_type == t]
        c = Counter(state(p, today) for p in of_type)
        expected[str(PatentType(t).label)] = [c["alive"], c["pending"], c["dead"], len(of_type)]
    assert {r[0]: r[1:] for r in table(profile, "status")} == expected
    bands = Counter(PatentGrade.objects.filter(patent__in=mine).values_list("band", flat=True))
    assert {r[0]: r[1] for r in table(profile, "grade")} == {b: bands[b] for b in "ABCD"}
    subs = Counter(p.ipc_main[:4] for p in mine if p.ipc_main)
    assert {r[0]: r[2] for r in table(profile, "ipc")} == dict(subs)
    years = Counter(p.app_date.year for p in mine if p.app_date)
    drawn = profile.trend
    per_year = {y: sum(s["data"][i] for s in drawn["series"]) for i, y in enumerate(drawn["years"])}
    assert {y: n for y, n in per_year.items() if n} == dict(years)


def test_other_figures_match_the_records(world: dict[str, Any]) -> None:
    profile = profile_build(world["org"], public=False)
    marks = {(r[0], r[1]): r[2] for r in table(profile, "trademarks")}
    assert marks == {("普通商标", "注册"): 1, ("普通商标", "已无效"): 1}
    reg = {r[0]: r[1:] for r in table(profile, "registrations")}
    # Pledge in force: the registered one only; ever: registered + cancelled.
    assert reg["专利/商标质押（在押）"] == [1, "300.00"]
    assert reg["专利/商标质押（累计登记）"] == [2, "400.00"]
    assert reg["许可出（作为许可人）"] == [1, "12.00"]
    assert reg["许可入（作为被许可人）"] == [1, "8.00"]
    # The transfer under the former name counts only once the name is confirmed.
    assert reg["转让出（作为转让人）"] == [0, "0.00"]
    fin = {r[0]: r[1:] for r in table(profile, "financing")}
    assert fin == {"已放款（质押已登记）": [1, "500.00", "400.00"], "办理中": [1, "200.00", "0.00"]}
    deals = {r[0]: r[1:] for r in table(profile, "deals")}
    assert deals == {"转让/许可出": [1, "45.68"], "受让/被许可入": [1, "9.88"]}
    needs = Counter((r[0], r[1]) for r in table(profile, "needs") for _ in range(r[2]))
    assert needs == Counter(
        {
            ("技术需求", "征集中"): 2,
            ("技术需求", "已关闭"): 1,
            ("专利挂牌", "发布中"): 1,
            ("专利挂牌", "已撤回"): 1,
        }
    )
    prot = {(r[0], r[1]): r[2] for r in table(profile, "protection")}
    assert prot == {
        ("执法案件（权利人）", "立案"): 1,
        ("执法案件（权利人）", "结案"): 1,
        ("执法案件（当事人（被调查人））", "线索"): 1,
        ("执法案件（当事人（被调查人））", "作出决定"): 1,
        ("维权援助申请", "已提交"): 1,
        ("维权援助申请", "已办结"): 1,
    }
    assert profile.programmes == ["专精特新", "百千万计划·千"]


def test_public_form_keeps_counts_and_drops_amounts_and_private_states(
    world: dict[str, Any],
) -> None:
    profile = profile_build(world["org"], public=True)
    assert profile.peers is None
    reg = table(profile, "registrations")
    assert all(len(r) == 2 for r in reg)
    assert dict(reg)["专利/商标质押（在押）"] == 1
    assert table(profile, "financing") == [["已获质押贷款", 1]]
    assert table(profile, "deals") == [["转让/许可出", 1], ["受让/被许可入", 1]]
    assert {(r[0], r[1]): r[2] for r in table(profile, "needs")} == {
        ("技术需求", "征集中"): 2,
        ("专利挂牌", "发布中"): 1,
    }
    assert dict(table(profile, "protection")) == {
        "执法案件（作为权利人）": 2,
        "执法案件（作为被调查人，已作出处理决定）": 1,
        "维权援助申请": 2,
    }


def test_peers_are_the_registered_enterprises_of_the_chain_and_city(
    world: dict[str, Any], chain: Any, cast: dict[str, User]
) -> None:
    from iphub.conftest import make_org

    # Two more Wuhan enterprises: one in the chain (a H01L31 patent of JIANGAN's
    # exists already), one without patents.
    make_org("武汉测试甲有限公司", "420106", 11)
    make_org("武汉测试乙有限公司", "420111", 12)
    today = timezone.localdate()
    profile = profile_build(world["org"], public=False, today=today)
    groups = {g.key: g for g in profile.peers.groups}
    # Wuhan enterprises other than Hongshan: 江岸 + the two new ones.
    city = groups["city"]
    assert city.size == 3 and city.shown
    jiangan = own_patents((JIANGAN,))
    alive_inv = sum(p.patent_type == "invention" and state(p, today) == "alive" for p in jiangan)
    assert city.average["alive_inventions"] == pytest.approx(alive_inv / 3)
    mine = own_patents((HONGSHAN, FOLDED))
    own_alive = sum(p.patent_type == "invention" and state(p, today) == "alive" for p in mine)
    assert city.own["alive_inventions"] == own_alive
    assert f"同市企业平均有效发明专利 {alive_inv / 3:.1f} 件，你 {own_alive} 件" in city.sentences()
    # The chain group: only 江岸 holds a patent under H01L31/H01L33 → too few to compare.
    assert groups["chain"].size == 1 and not groups["chain"].shown
    assert "测试光电链" in groups["chain"].note
    assert FORMER not in [n for n in profile.names.spellings]


def test_peer_figures_follow_an_imported_status_change_and_a_confirmed_variant(
    world: dict[str, Any], orgs: dict[str, Any], cast: dict[str, User]
) -> None:
    """The peer means are read from the records of the moment: a peer's patent
    re-imported as lapsed leaves its in-force inventions, and a confirmed name
    variant of a peer adds that name's patents to its figures."""
    from django.db import transaction

    from iphub.conftest import make_org
    from iphub.core.calendar import add_years
    from iphub.enterprises import services
    from iphub.enterprises.tests.conftest import PATENTS, number
    from iphub.patents.importers import PatentIn
    from iphub.patents.services import patents_upsert

    make_org("武汉测试甲有限公司", "420106", 11)
    make_org("武汉测试乙有限公司", "420111", 12)
    today = timezone.localdate()

    def city_means() -> dict[str, float]:
        profile = profile_build(world["org"], public=False, today=today)
        return {g.key: g for g in profile.peers.groups}["city"].average

    def expected(names: tuple[str, ...]) -> dict[str, float]:
        theirs = own_patents(names)
        recent = add_years(today, -5)
        high = set(
            PatentGrade.objects.filter(patent__in=theirs, band__in=("A", "B")).values_list(
                "patent_id", flat=True
            )
        )
        return {
            "alive_inventions": sum(
                p.patent_type == "invention" and state(p, today) == "alive" for p in theirs
            )
            / 3,
            "recent": sum(bool(p.app_date and p.app_date >= recent) for p in theirs) / 3,
            "high_grade": sum(p.pk in high for p in theirs) / 3,
        }

    before = city_means()
    assert before == pytest.approx(expected((JIANGAN,)))

    def upsert(i: int, spec: tuple[Any, ...], applicants: list[str], status: str) -> None:
        ptype, _apps, year, granted, _s, ipc = spec
        row = PatentIn(
            application_number=number(year, ptype, i),
            type=ptype,
            title=f"测试专利 {i}（{', '.join(applicants)}）",
            abstract="测试数据",
            applicants=applicants,
            address="湖北省武汉市江岸区测试路1号",
            ipc=[ipc],
            app_date=dt.date(year, 3, 1),
            grant_date=dt.date(year + 1, 9, 1) if granted else None,
            legal_status=status,
            source_name="画像测试",
        )
        with transaction.atomic():
            patents_upsert([row])

    # 江岸's in-force H01L31 invention (row 13) comes again, lapsed.
    lapsed = next(i for i, r in enumerate(PATENTS) if r[1] == [JIANGAN] and "H01L31" in r[5])
    upsert(lapsed, PATENTS[lapsed], [JIANGAN], "失效-未缴年费")
    after = city_means()
    assert after == pytest.approx(expected((JIANGAN,)))
    assert after["alive_inventions"] == pytest.approx(before["alive_inventions"] - 1 / 3)

    # A former name of 江岸 holds an in-force invention; confirming it as 江岸's
    # variant counts it in the city mean.
    old_name = "江岸测试机械有限公司"
    spec: tuple[Any, ...] = ("invention", [], 2021, True, "", "B60N2/04")
    upsert(len(PATENTS), spec, [old_name], "有权-审定授权")
    assert city_means() == pytest.approx(after)
    v = services.variant_propose(
        actor=cast["wuhan_clerk"], organisation=orgs["wuhan_jiangan"], name=old_name
    )
    services.variant_decide(actor=cast["wuhan_clerk"], variant_id=v.pk, step="confirm")
    assert city_means() == pytest.approx(expected((JIANGAN, old_name)))
    assert city_means()["alive_inventions"] == pytest.approx(after["alive_inventions"] + 1 / 3)


@pytest.mark.django_db(transaction=True)
def test_stored_peer_figures_follow_a_regrade_a_legal_event_and_the_date(
    world: dict[str, Any], orgs: dict[str, Any]
) -> None:
    """Peer figures are stored between views (PeerFigures), and every write they
    count makes them stale: a grade's band moved, a lapse recorded as a legal
    event on a patent whose status text still says in force, and a new day.
    (Committed writes: PostgreSQL stores a row only when no transaction older
    than its stamp is still running, which a test's own transaction would be.)"""
    from iphub.conftest import make_org
    from iphub.enterprises.models import PeerFigures
    from iphub.patents.models import LegalEvent, LegalEventKind

    make_org("武汉测试甲有限公司", "420106", 11)
    make_org("武汉测试乙有限公司", "420111", 12)
    today = timezone.localdate()

    def city(day: dt.date = today) -> dict[str, float]:
        profile = profile_build(world["org"], public=False, today=day)
        return {g.key: g for g in profile.peers.groups}["city"].average

    before = city()
    assert PeerFigures.objects.filter(organisation=orgs["wuhan_jiangan"]).exists()
    theirs = own_patents((JIANGAN,))
    alive = next(p for p in theirs if p.patent_type == "invention" and state(p, today) == "alive")
    was_high = PatentGrade.objects.filter(patent=alive, band__in=("A", "B")).exists()
    PatentGrade.objects.update_or_create(
        patent=alive,
        defaults={
            "score": 20 if was_high else 95,
            "band": "D" if was_high else "A",
            "method_version": "test",
            "computed_at": timezone.now(),
        },
    )
    moved = -1 / 3 if was_high else 1 / 3
    assert city()["high_grade"] == pytest.approx(before["high_grade"] + moved)
    LegalEvent.objects.create(patent=alive, kind=LegalEventKind.LAPSED, date=today)
    assert state(alive, today) == "dead"
    lapsed = city()
    assert lapsed["alive_inventions"] == pytest.approx(before["alive_inventions"] - 1 / 3)
    # Five years on, 江岸's applications (2019, 2020) are no longer recent; the row
    # stored today is not read for that day.
    later = today.replace(year=today.year + 6)
    assert city(later)["recent"] == 0
    assert city()["recent"] == pytest.approx(before["recent"])


@pytest.mark.django_db(transaction=True)
def test_the_refresh_stores_every_enterprise_and_the_profile_then_reads_them(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    """After an import the background refresh recomputes every registered
    enterprise's row under the current stamp; a profile then reads them without
    recomputing any (no write to a row), and shows the same means as before."""
    from iphub.core.models import Organisation, OrganisationKind
    from iphub.enterprises.models import PeerFigures
    from iphub.enterprises.peer_figures import peer_figures_refresh, stamp_now

    today = timezone.localdate()
    expected = {g.key: g.average for g in profile_build(world["org"], public=False).peers.groups}
    PeerFigures.objects.all().delete()
    n = peer_figures_refresh(today=today)
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
    assert n == enterprises.count()
    stamp = stamp_now()
    assert set(PeerFigures.objects.values_list("organisation_id", "stamp", "computed_on")) == {
        (pk, stamp, today) for pk in enterprises.values_list("pk", flat=True)
    }
    computed = set(PeerFigures.objects.values_list("organisation_id", "computed_at"))
    got = {g.key: g.average for g in profile_build(world["org"], public=False).peers.groups}
    assert got == expected
    assert set(PeerFigures.objects.values_list("organisation_id", "computed_at")) == computed
