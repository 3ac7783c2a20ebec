"""Staff pages of docking events and deals: create an event, invite, take
registrations and record outcomes; record a deal with its 一网通办 filing, link a
filing later, and the region's deal list with filters and Excel export. Bad input
shows what to fix and changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.conftest import make_user
from iphub.core.models import Organisation, Region, Role, User
from iphub.filings.models import Filing, FilingKind, FilingState
from iphub.patents.models import LegalEvent, Patent
from iphub.transfer import services
from iphub.transfer.models import (
    Deal,
    DockingEvent,
    EventPair,
    EventRegistration,
    Match,
    MatchStage,
    PairOutcome,
)
from iphub.transfer.tests.conftest import need_data

pytestmark = pytest.mark.django_db

EVENT = {
    "title": "新能源汽车产业链专利对接会",
    "industry_chain": "新能源与智能网联汽车",
    "ipc_prefixes": "H01M",
    "date": "2026-12-01",
    "venue": "武汉光谷",
    "online_url": "",
    "region": "420100",
}


def _page(resp: Any) -> str:
    return str(resp.content.decode())


def _filing(
    *, kind: str, patent: Patent, org: Organisation, user: User, region: str = "420100", **over: Any
) -> Filing:
    """A filing as 一网通办 leaves it once registered (arranged directly; the filings
    app's own tests cover how it gets there)."""
    values: dict[str, Any] = {
        "kind": kind,
        "state": FilingState.REGISTERED,
        "region": Region.objects.get(code=region),
        "organisation": org,
        "created_by": user,
        "patent": patent,
        "application_number": patent.application_number,
        "holder_name": "江岸测试制造有限公司",
        "counterparty_name": org.name,
        "registration_number": f"HB{kind[:3].upper()}{patent.pk:06d}",
    }
    return Filing.objects.create(**(values | over))


def _deal_post(orgs: dict[str, Organisation], patent: Patent, **over: Any) -> dict[str, Any]:
    return {
        "kind": "transfer",
        "amount": "800000.50",
        "signed_on": "2026-03-10",
        "term_end": "",
        "seller": orgs["wuhan_jiangan"].pk,
        "buyer": orgs["wuhan_hongshan"].pk,
        "patents": patent.application_number,
        "filing": "",
    } | over


# --- events --------------------------------------------------------------------


def test_staff_create_an_event_from_the_page(client: Any, cast: dict[str, User]) -> None:
    client.force_login(cast["wuhan_clerk"])
    form = _page(client.get("/transfer/events/new/"))
    assert 'data-testid="event-form"' in form and "洪山区" in form and "宜昌市" not in form
    resp = client.post("/transfer/events/new/", EVENT)
    event = DockingEvent.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/transfer/events/{event.pk}/"
    assert (event.title, event.region_id) == (EVENT["title"], "420100")
    assert event.ipc_prefixes == ["H01M"]
    page = _page(client.get(resp["Location"]))
    assert "活动已创建" in page and 'data-testid="invite"' in page
    # The list shows it, with a creation button for staff.
    assert EVENT["title"] in _page(client.get("/transfer/events/"))


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"venue": "", "online_url": ""}, "请填写线下地点或线上地址"),
        ({"online_url": "meeting-room-3"}, "线上地址应为以 http:// 或 https:// 开头"),
        ({"date": "2026-13-01"}, "请填写活动日期（YYYY-MM-DD）"),
        ({"ipc_prefixes": "电池"}, "不是有效的 IPC 分类号"),
    ],
)
def test_a_bad_event_says_what_to_fix_and_saves_nothing(
    client: Any, cast: dict[str, User], over: dict[str, str], message: str
) -> None:
    client.force_login(cast["wuhan_clerk"])
    resp = client.post("/transfer/events/new/", EVENT | over)
    assert resp.status_code == 400 and message in _page(resp)
    # What the clerk typed is kept for the correction.
    assert EVENT["title"] in _page(resp)
    assert not DockingEvent.objects.exists()


def test_events_are_created_only_by_staff_in_their_region(
    client: Any, cast: dict[str, User]
) -> None:
    client.force_login(cast["enterprise"])
    assert client.get("/transfer/events/new/").status_code == 403
    assert client.post("/transfer/events/new/", EVENT).status_code == 403
    client.force_login(cast["yichang_clerk"])
    resp = client.post("/transfer/events/new/", EVENT)
    assert resp.status_code == 403 and "管辖范围" in _page(resp)
    assert not DockingEvent.objects.exists()


@pytest.mark.django_db(transaction=True)  # matching runs on commit
def test_event_page_invites_takes_registrations_and_records_outcomes(
    client: Any,
    cast: dict[str, User],
    patentee: User,
    corpus: dict[int, Patent],
) -> None:
    services.need_create(actor=cast["enterprise"], data=need_data())
    event = services.event_create(actor=cast["wuhan_clerk"], data=EVENT)
    url = f"/transfer/events/{event.pk}/"

    # A clerk of another city sees the event but no staff controls, and cannot invite.
    client.force_login(cast["yichang_clerk"])
    assert 'data-testid="invite"' not in _page(client.get(url))
    client.post(url, {"action": "invite"})
    assert not EventPair.objects.exists()

    client.force_login(cast["wuhan_clerk"])
    page = _page(client.get(client.post(url, {"action": "invite"})["Location"]))
    assert "已邀请" in page and corpus[1].title in page
    pair = EventPair.objects.get(match__patent=corpus[1])

    client.force_login(cast["enterprise"])
    assert 'data-testid="register-form"' in _page(client.get(url))
    bad = _page(client.get(client.post(url, {"action": "register", "attendees": "30"})["Location"]))
    assert "参会人数应在 1 到 20 之间" in bad and not EventRegistration.objects.exists()
    page = _page(client.get(client.post(url, {"action": "register", "attendees": "3"})["Location"]))
    assert "报名成功" in page and "本单位已报名，参会 3 人" in page
    pair.refresh_from_db()
    assert pair.outcome == PairOutcome.REGISTERED

    client.force_login(cast["wuhan_clerk"])
    page = _page(client.get(url))
    assert "洪山测试科技有限公司" in page.split('data-testid="registrations"')[1]
    bad = client.post(url, {"action": "outcome", "pair": pair.pk, "outcome": "maybe"})
    assert "请选择对接结果" in _page(client.get(bad["Location"]))
    pair.refresh_from_db()
    assert pair.outcome == PairOutcome.REGISTERED
    done = client.post(
        url, {"action": "outcome", "pair": pair.pk, "outcome": "signed", "note": "现场签约"}
    )
    page = _page(client.get(done["Location"]))
    assert "已记录对接结果" in page and "现场签约" in page
    assert f"/transfer/deals/new/?match={pair.match_id}&amp;event={event.pk}" in page
    pair.refresh_from_db()
    assert pair.outcome == PairOutcome.SIGNED and pair.match.stage == MatchStage.NEGOTIATING


@pytest.mark.django_db(transaction=True)  # matching runs on commit
def test_recording_a_pair_of_another_event_from_this_page_changes_nothing(
    client: Any,
    cast: dict[str, User],
    patentee: User,
    corpus: dict[int, Patent],
) -> None:
    services.need_create(actor=cast["enterprise"], data=need_data())
    first = services.event_create(actor=cast["wuhan_clerk"], data=EVENT)
    other = services.event_create(actor=cast["wuhan_clerk"], data=EVENT | {"title": "另一场"})
    pair = services.event_invite_best(actor=cast["wuhan_clerk"], event_id=first.pk)[0]
    client.force_login(cast["wuhan_clerk"])
    resp = client.post(
        f"/transfer/events/{other.pk}/", {"action": "outcome", "pair": pair.pk, "outcome": "signed"}
    )
    assert "未找到该对接配对" in _page(client.get(resp["Location"]))
    pair.refresh_from_db()
    assert pair.outcome == PairOutcome.INVITED


# --- deals ---------------------------------------------------------------------


def test_staff_record_a_deal_linked_to_its_transfer_registration(
    client: Any, cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent]
) -> None:
    filing = _filing(
        kind=FilingKind.PATENT_TRANSFER, patent=corpus[1], org=orgs["wuhan_hongshan"],
        user=cast["enterprise"],
    )  # fmt: skip
    licence = _filing(
        kind=FilingKind.PATENT_LICENCE, patent=corpus[2], org=orgs["wuhan_hongshan"],
        user=cast["enterprise"],
    )  # fmt: skip
    client.force_login(cast["wuhan_clerk"])
    form = _page(client.get("/transfer/deals/new/"))
    picker = form.split('data-testid="filing-picker"')[1].split("</select>")[0]
    # A transfer deal is offered transfer registrations only.
    assert filing.reference in picker and licence.reference not in picker
    options = _page(client.get("/transfer/deals/filings/", {"kind": "ordinary"}))
    assert licence.reference in options and filing.reference not in options

    resp = client.post(
        "/transfer/deals/new/", _deal_post(orgs, corpus[1], filing=filing.pk, amount="1,200,000.5")
    )
    assert resp.status_code == 302 and resp["Location"] == "/transfer/deals/list/"
    deal = Deal.objects.get()
    assert str(deal.amount) == "1200000.50" and deal.filing == filing
    assert deal.filing_reference == filing.registration_number
    assert list(deal.patents.all()) == [corpus[1]]
    assert LegalEvent.objects.filter(patent=corpus[1], detail__contains="转让").exists()
    page = _page(client.get(resp["Location"]))
    assert "成交已登记" in page and filing.registration_number in page
    # Linked once: the registration is no longer offered.
    assert filing.reference not in _page(client.get("/transfer/deals/new/"))


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"amount": "800000.125"}, "amount", "最多保留两位小数"),
        ({"amount": "八十万"}, "amount", "“八十万”不是有效的数字"),
        ({"kind": "ordinary"}, "term_end", "许可须写明期限"),
        ({"patents": "201710601862"}, "patents", "申请号"),
        ({"patents": "201710601862.3"}, "patents", "未找到申请号为 201710601862.3 的专利"),
        ({"seller": ""}, "seller", "请选择转让/许可方"),
        ({"buyer": "x"}, "buyer", "请重新选择受让/被许可方"),
    ],
)
def test_a_bad_deal_says_what_to_fix_and_saves_nothing(
    client: Any,
    cast: dict[str, User],
    orgs: dict[str, Organisation],
    corpus: dict[int, Patent],
    over: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(cast["wuhan_clerk"])
    before = LegalEvent.objects.count()
    resp = client.post("/transfer/deals/new/", _deal_post(orgs, corpus[1]) | over)
    html = _page(resp)
    assert resp.status_code == 400
    assert message in html.split(f'data-field="{field}"')[1].split("</div>")[0]
    assert not Deal.objects.exists() and LegalEvent.objects.count() == before


def test_a_filing_of_the_wrong_kind_is_refused_on_the_form(
    client: Any, cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent]
) -> None:
    licence = _filing(
        kind=FilingKind.PATENT_LICENCE, patent=corpus[1], org=orgs["wuhan_hongshan"],
        user=cast["enterprise"],
    )  # fmt: skip
    client.force_login(cast["wuhan_clerk"])
    resp = client.post("/transfer/deals/new/", _deal_post(orgs, corpus[1], filing=licence.pk))
    assert resp.status_code == 400 and "应关联“专利权转让登记”" in _page(resp)
    assert not Deal.objects.exists()


def test_deal_pages_are_for_staff_of_the_buyers_region(
    client: Any, cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent]
) -> None:
    client.force_login(cast["enterprise"])
    assert client.get("/transfer/deals/new/").status_code == 403
    assert client.get("/transfer/deals/list/").status_code == 403
    assert client.post("/transfer/deals/new/", _deal_post(orgs, corpus[1])).status_code == 403
    client.force_login(cast["yichang_clerk"])
    # The Wuhan buyer is not offered, and posting it anyway is refused.
    assert (
        "洪山测试科技有限公司（"
        not in _page(client.get("/transfer/deals/new/"))
        .split('name="buyer"')[1]
        .split("</select>")[0]
    )
    resp = client.post("/transfer/deals/new/", _deal_post(orgs, corpus[1]))
    assert resp.status_code == 403 and "管辖范围" in _page(resp)
    assert not Deal.objects.exists()


@pytest.mark.django_db(transaction=True)  # matching runs on commit
def test_a_deal_from_an_event_pair_comes_filled_in(
    client: Any,
    cast: dict[str, User],
    patentee: User,
    orgs: dict[str, Organisation],
    corpus: dict[int, Patent],
) -> None:
    services.need_create(actor=cast["enterprise"], data=need_data())
    event = services.event_create(actor=cast["wuhan_clerk"], data=EVENT)
    pair = services.event_invite_best(actor=cast["wuhan_clerk"], event_id=event.pk)[0]
    client.force_login(cast["wuhan_clerk"])
    form = _page(client.get("/transfer/deals/new/", {"match": pair.match_id, "event": event.pk}))
    assert f'name="match" value="{pair.match_id}"' in form
    assert f'value="{orgs["wuhan_hongshan"].pk}" selected' in form.split('name="buyer"')[1]
    assert f'value="{orgs["wuhan_jiangan"].pk}" selected' in form.split('name="seller"')[1]
    assert corpus[1].application_number in form
    post = _deal_post(orgs, corpus[1], match=pair.match_id, event=event.pk)
    client.post("/transfer/deals/new/", post)
    deal = Deal.objects.get()
    assert deal.event == event and deal.match_id == pair.match_id
    assert Match.objects.get(pk=pair.match_id).stage == MatchStage.DEAL
    assert "800000.50" in _page(client.get(f"/transfer/events/{event.pk}/"))


def test_a_deal_recorded_earlier_is_linked_to_its_filing_later(
    client: Any, cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent]
) -> None:
    deal = services.deal_record(
        actor=cast["wuhan_clerk"],
        data={"kind": "ordinary", "amount": "50000", "signed_on": "2026-03-10",
              "term_end": "2029-03-09"},
        seller_id=orgs["wuhan_jiangan"].pk, buyer_id=orgs["wuhan_hongshan"].pk,
        patent_ids=[corpus[1].pk],
    )  # fmt: skip
    licence = _filing(
        kind=FilingKind.PATENT_LICENCE, patent=corpus[1], org=orgs["wuhan_hongshan"],
        user=cast["enterprise"],
    )  # fmt: skip
    url = f"/transfer/deals/{deal.pk}/filing/"
    client.force_login(cast["yichang_clerk"])
    assert client.get(url).status_code == 403
    # An auditor reads the list; linking and registering are not offered (they answer 403).
    client.force_login(make_user("province_auditor", Role.AUDITOR, "420000"))
    listed = _page(client.get("/transfer/deals/list/"))
    assert 'data-testid="deal-row"' in listed
    assert f'href="{url}"' not in listed and 'href="/transfer/deals/new/"' not in listed
    assert client.get(url).status_code == 403
    client.force_login(cast["wuhan_clerk"])
    listed = _page(client.get("/transfer/deals/list/"))
    assert f'href="{url}"' in listed and 'href="/transfer/deals/new/"' in listed
    assert licence.reference in _page(client.get(url))
    empty = client.post(url, {"filing": ""})
    assert empty.status_code == 400 and "请选择要关联的办件" in _page(empty)
    deal.refresh_from_db()
    assert deal.filing is None
    resp = client.post(url, {"filing": licence.pk})
    assert resp.status_code == 302
    deal.refresh_from_db()
    assert deal.filing == licence and deal.filing_reference == licence.registration_number


# --- deal list -----------------------------------------------------------------


@pytest.fixture
def deals(
    cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent]
) -> dict[str, Deal]:
    """Two Wuhan deals (March transfer, April licence) and one Yichang deal."""
    wuhan = {"seller_id": orgs["wuhan_jiangan"].pk, "buyer_id": orgs["wuhan_hongshan"].pk}
    return {
        "march": services.deal_record(
            actor=cast["wuhan_clerk"], patent_ids=[corpus[1].pk], **wuhan,
            data={"kind": "transfer", "amount": "800000", "signed_on": "2026-03-10"},
        ),
        "april": services.deal_record(
            actor=cast["wuhan_clerk"], patent_ids=[corpus[2].pk], **wuhan,
            data={"kind": "ordinary", "amount": "50000.25", "signed_on": "2026-04-02",
                  "term_end": "2029-04-01"},
        ),
        "yichang": services.deal_record(
            actor=cast["yichang_clerk"], patent_ids=[corpus[3].pk],
            seller_id=orgs["wuhan_jiangan"].pk, buyer_id=orgs["yichang"].pk,
            data={"kind": "transfer", "amount": "300000", "signed_on": "2026-03-20"},
        ),
    }  # fmt: skip


def _rows(html: str) -> int:
    return html.count('data-testid="deal-row"')


def test_deal_list_is_scoped_to_the_clerks_region(
    client: Any, cast: dict[str, User], deals: dict[str, Deal], django_assert_max_num_queries: Any
) -> None:
    client.force_login(cast["wuhan_clerk"])
    with django_assert_max_num_queries(12):
        html = _page(client.get("/transfer/deals/list/"))
    assert _rows(html) == 2 and "宜昌测试化工有限公司" not in html
    client.force_login(cast["hongshan_clerk"])  # the buyer is in 洪山区
    assert _rows(_page(client.get("/transfer/deals/list/"))) == 2
    client.force_login(cast["yichang_clerk"])
    html = _page(client.get("/transfer/deals/list/"))
    assert _rows(html) == 1 and "宜昌测试化工有限公司" in html
    client.force_login(cast["supervisor"])
    assert _rows(_page(client.get("/transfer/deals/list/"))) == 3


def test_deal_list_filters_by_type_and_month(
    client: Any, cast: dict[str, User], deals: dict[str, Deal]
) -> None:
    client.force_login(cast["supervisor"])
    assert _rows(_page(client.get("/transfer/deals/list/", {"month": "2026-03"}))) == 2
    html = _page(client.get("/transfer/deals/list/", {"kind": "ordinary"}))
    assert _rows(html) == 1 and "50000.25" in html
    both = {"kind": "transfer", "month": "2026-04"}
    assert _rows(_page(client.get("/transfer/deals/list/", both))) == 0
    bad = client.get("/transfer/deals/list/", {"month": "2026/3"})
    assert bad.status_code == 400 and "应为 YYYY-MM" in _page(bad) and _rows(_page(bad)) == 0
    bad = client.get("/transfer/deals/list/", {"kind": "gift"})
    assert bad.status_code == 400 and "成交类型“gift”无效" in _page(bad)


def test_deal_list_exports_what_the_clerk_sees(
    client: Any, cast: dict[str, User], deals: dict[str, Deal]
) -> None:
    client.force_login(cast["wuhan_clerk"])
    resp = client.get("/transfer/deals/list/", {"month": "2026-03", "export": "xlsx"})
    assert resp.status_code == 200 and "spreadsheetml" in resp["Content-Type"]
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    rows = list(wb["知慧桥成交"].iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "签订日期", "类型", "金额（元）")
    assert [r[0] for r in rows[1:]] == [deals["march"].pk]
    assert rows[1][4:6] == ("江岸测试制造有限公司", "洪山测试科技有限公司")
    meta = dict(wb["查询条件"].iter_rows(values_only=True))
    assert meta["月份"] == "2026-03" and meta["记录数"] == 1
