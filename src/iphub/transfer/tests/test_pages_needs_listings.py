"""Pages for changing what was posted: editing a need (its enterprise, or staff of
its region), withdrawing a listing and revoking an open licence (its holder only,
after a confirm step); and the links that lead staff to the new pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iphub.core.models import User
from iphub.patents.models import LegalEvent, LegalEventKind, Patent
from iphub.transfer import services
from iphub.transfer.models import ListingStatus, NeedStatus, SupplyListing
from iphub.transfer.tests.conftest import need_data

pytestmark = pytest.mark.django_db


def _page(resp: Any) -> str:
    return str(resp.content.decode())


def _form(**over: Any) -> dict[str, Any]:
    """The edit form as a browser posts it: every field, changed where ``over`` says."""
    return need_data(**over)


# --- need editing --------------------------------------------------------------


def test_the_owner_edits_a_need_on_a_form_filled_with_it(
    client: Any, cast: dict[str, User]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    client.force_login(cast["enterprise"])
    detail = _page(client.get(f"/transfer/needs/{need.pk}/"))
    assert f'href="/transfer/needs/{need.pk}/edit/"' in detail
    form = _page(client.get(f"/transfer/needs/{need.pk}/edit/"))
    assert "修改技术需求" in form and need.title in form and "H01M" in form
    assert 'value="transfer" checked' in form
    new_deadline = (dt.date.today() + dt.timedelta(days=120)).isoformat()
    resp = client.post(
        f"/transfer/needs/{need.pk}/edit/",
        _form(title="高镍正极材料包覆改性技术", budget_max="3000000", deadline=new_deadline),
    )
    assert resp.status_code == 302 and resp["Location"] == f"/transfer/needs/{need.pk}/"
    need.refresh_from_db()
    assert need.title == "高镍正极材料包覆改性技术" and str(need.budget_max) == "3000000.00"
    assert need.deadline.isoformat() == new_deadline
    assert "需求已修改" in _page(client.get(resp["Location"]))


def test_staff_of_the_region_edit_a_need_they_collected(client: Any, cast: dict[str, User]) -> None:
    org_id = cast["enterprise"].organisation_id
    need = services.need_create(actor=cast["wuhan_clerk"], data=need_data(), organisation_id=org_id)
    client.force_login(cast["wuhan_clerk"])
    resp = client.post(f"/transfer/needs/{need.pk}/edit/", _form(contact_name="李四光"))
    assert resp.status_code == 302
    need.refresh_from_db()
    assert need.contact_name == "李四光"


def test_a_bad_edit_says_what_to_fix_and_changes_nothing(
    client: Any, cast: dict[str, User]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    client.force_login(cast["enterprise"])
    resp = client.post(
        f"/transfer/needs/{need.pk}/edit/",
        _form(title="改了名字", budget_min="9", budget_max="1", contact_phone="123"),
    )
    html = _page(resp)
    assert resp.status_code == 400 and "预算上限不能低于预算下限" in html
    assert 'value="改了名字"' in html  # what was typed stays for the correction
    need.refresh_from_db()
    assert need.title == "高镍正极材料高温循环衰减快" and need.budget_max == 2000000


def test_an_expired_need_cannot_be_edited_and_says_to_renew(
    client: Any, cast: dict[str, User]
) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    services.needs_expire_due(today=need.deadline + dt.timedelta(days=1))
    client.force_login(cast["enterprise"])
    assert 'data-testid="need-edit"' not in _page(client.get(f"/transfer/needs/{need.pk}/"))
    page = _page(client.get(f"/transfer/needs/{need.pk}/edit/"))
    assert "该需求已过期" in page and "请先续期" in page and 'data-testid="need-form"' not in page
    resp = client.post(f"/transfer/needs/{need.pk}/edit/", _form(title="过期后改名"))
    assert resp.status_code == 409 and "请先续期" in _page(resp)
    need.refresh_from_db()
    assert need.status == NeedStatus.EXPIRED and need.title == "高镍正极材料高温循环衰减快"


def test_others_cannot_edit_a_need(client: Any, cast: dict[str, User], yichang_user: User) -> None:
    need = services.need_create(actor=cast["enterprise"], data=need_data())
    for user in (yichang_user, cast["yichang_clerk"]):
        client.force_login(user)
        assert client.get(f"/transfer/needs/{need.pk}/edit/").status_code == 403
        resp = client.post(f"/transfer/needs/{need.pk}/edit/", _form(title="越权修改"))
        assert resp.status_code == 403
    need.refresh_from_db()
    assert need.title == "高镍正极材料高温循环衰减快"


# --- listing withdrawal and open-licence revocation --------------------------------


@pytest.fixture
def transfer_listing(patentee: User, corpus: dict[int, Patent]) -> SupplyListing:
    return services.listing_create(
        actor=patentee, data={"title": "高镍正极包覆专利转让", "mode": "transfer"},
        patent_ids=[corpus[1].pk],
    )  # fmt: skip


@pytest.fixture
def open_listing(patentee: User, corpus: dict[int, Patent]) -> SupplyListing:
    return services.listing_create(
        actor=patentee,
        data={"title": "座椅调节装置开放许可", "mode": "open_licence",
              "fee_standard": "每年 2 万元", "payment_method": "按年支付",
              "term_end": "2030-12-31"},
        patent_ids=[corpus[2].pk],
    )  # fmt: skip


def test_the_holder_withdraws_a_listing_after_confirming(
    client: Any, patentee: User, transfer_listing: SupplyListing
) -> None:
    url = f"/transfer/supply/{transfer_listing.pk}/withdraw/"
    client.force_login(patentee)
    assert f'href="{url}"' in _page(client.get(f"/transfer/supply/{transfer_listing.pk}/"))
    confirm = _page(client.get(url))
    assert "确认撤回挂牌" in confirm and "不再在供给大厅展示" in confirm
    transfer_listing.refresh_from_db()
    assert transfer_listing.status == ListingStatus.ACTIVE  # the GET changed nothing
    resp = client.post(url)
    assert resp["Location"] == f"/transfer/supply/{transfer_listing.pk}/"
    page = _page(client.get(resp["Location"]))
    assert "挂牌已撤回" in page and "已撤回" in page
    transfer_listing.refresh_from_db()
    assert transfer_listing.status == ListingStatus.WITHDRAWN
    again = client.post(url)
    assert again.status_code == 409 and "该挂牌已不在发布中" in _page(again)


def test_another_company_or_staff_cannot_withdraw_a_listing(
    client: Any, cast: dict[str, User], transfer_listing: SupplyListing
) -> None:
    url = f"/transfer/supply/{transfer_listing.pk}/withdraw/"
    for user in (cast["enterprise"], cast["wuhan_clerk"]):
        client.force_login(user)
        assert f'href="{url}"' not in _page(client.get(f"/transfer/supply/{transfer_listing.pk}/"))
        resp = client.post(url)
        assert resp.status_code == 403
        assert "只有挂牌单位“江岸测试制造有限公司”的账号可以撤回挂牌" in _page(resp)
    transfer_listing.refresh_from_db()
    assert transfer_listing.status == ListingStatus.ACTIVE


def test_the_holder_revokes_an_open_licence_with_a_reason_on_the_patent_history(
    client: Any, patentee: User, open_listing: SupplyListing, corpus: dict[int, Patent]
) -> None:
    url = f"/transfer/supply/{open_listing.pk}/revoke/"
    client.force_login(patentee)
    detail = _page(client.get(f"/transfer/supply/{open_listing.pk}/"))
    assert f'href="{url}"' in detail and "/withdraw/" not in detail
    assert "已经取得的开放许可继续有效" in _page(client.get(url))
    history = LegalEvent.objects.filter(patent=corpus[2], kind=LegalEventKind.OPEN_LICENCE)
    declared = history.count()
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400 and "请写明撤回开放许可的理由" in _page(empty)
    open_listing.refresh_from_db()
    assert open_listing.status == ListingStatus.ACTIVE and history.count() == declared
    resp = client.post(url, {"reason": "拟改为独占许可"})
    assert "开放许可声明已撤回" in _page(client.get(resp["Location"]))
    open_listing.refresh_from_db()
    assert open_listing.status == ListingStatus.REVOKED
    assert history.count() == declared + 1
    assert history.order_by("-id").first().detail == "撤回开放许可声明：拟改为独占许可"  # type: ignore[union-attr]


def test_an_open_licence_is_not_withdrawn_like_a_listing(
    client: Any, patentee: User, open_listing: SupplyListing
) -> None:
    client.force_login(patentee)
    resp = client.post(f"/transfer/supply/{open_listing.pk}/withdraw/")
    assert resp.status_code == 400 and "请使用“撤回开放许可”" in _page(resp)
    open_listing.refresh_from_db()
    assert open_listing.status == ListingStatus.ACTIVE


# --- where users find the pages -----------------------------------------------------


def test_staff_find_the_new_pages_from_menu_workspace_and_nav(
    client: Any, cast: dict[str, User]
) -> None:
    client.force_login(cast["wuhan_clerk"])
    workspace = _page(client.get("/workspace/"))
    assert 'data-task="transfer_events"' in workspace and 'data-task="transfer_deals"' in workspace
    assert 'href="/transfer/deals/list/"' in workspace  # in the menu and on a card
    nav = _page(client.get("/transfer/"))
    for url in ("/transfer/events/new/", "/transfer/deals/new/", "/transfer/deals/list/"):
        assert f'href="{url}"' in nav
    client.force_login(cast["enterprise"])
    page = _page(client.get("/workspace/"))
    assert 'data-task="transfer_deals"' not in page and "/transfer/deals/list/" not in page
