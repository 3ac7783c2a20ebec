"""Supply listings: ownership, legal status, and the open-licence rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from iphub.core.errors import ApplicationError
from iphub.core.models import User
from iphub.patents.models import LegalEvent, LegalEventKind, Patent
from iphub.patents.services import legal_event_append
from iphub.transfer import selectors, services
from iphub.transfer.errors import TransferError
from iphub.transfer.models import ListingMode, ListingStatus, SupplyListing

pytestmark = pytest.mark.django_db(transaction=True)

FUTURE = (dt.date.today() + dt.timedelta(days=3 * 365)).isoformat()


def _open(**over: Any) -> dict[str, Any]:
    return {
        "title": "高镍正极包覆专利开放许可",
        "mode": ListingMode.OPEN_LICENCE,
        "fee_standard": "每年 5 万元",
        "payment_method": "按年支付",
        "term_end": FUTURE,
    } | over


def test_holder_lists_own_patent_for_transfer(patentee: User, corpus: dict[int, Patent]) -> None:
    listing = services.listing_create(
        actor=patentee,
        data={"title": "正极材料专利转让", "mode": "transfer", "asking_price": "800000"},
        patent_ids=[corpus[1].pk, corpus[2].pk],
    )
    assert listing.status == ListingStatus.ACTIVE and listing.flags == []
    assert list(selectors.listing_hall(q="正极")) == [listing]


def test_someone_elses_patent_is_refused(cast: dict[str, User], corpus: dict[int, Patent]) -> None:
    with pytest.raises(ApplicationError) as err:
        services.listing_create(
            actor=cast["enterprise"],
            data={"title": "不是我的", "mode": "transfer"},
            patent_ids=[corpus[1].pk],
        )
    assert err.value.code == TransferError.NOT_OWNER
    assert "不是“洪山测试科技有限公司”" in err.value.fields["patents"]
    assert SupplyListing.objects.count() == 0


def test_lapsed_patent_is_refused_and_pledged_is_flagged(
    patentee: User, corpus: dict[int, Patent]
) -> None:
    with pytest.raises(ApplicationError) as err:
        services.listing_create(
            actor=patentee, data={"title": "x", "mode": "transfer"}, patent_ids=[corpus[4].pk]
        )
    assert err.value.code == TransferError.PATENT_UNAVAILABLE
    assert "已失效" in err.value.message
    legal_event_append(
        actor=None, patent_id=corpus[2].pk, kind=LegalEventKind.PLEDGED, date=dt.date(2024, 1, 5)
    )
    listing = services.listing_create(
        actor=patentee,
        data={"title": "座椅专利许可", "mode": "licence", "licence_forms": ["ordinary"]},
        patent_ids=[corpus[2].pk],
    )
    assert listing.items.get().pledged
    assert "已质押" in listing.flags[0]


def test_licence_needs_a_licence_type(patentee: User, corpus: dict[int, Patent]) -> None:
    with pytest.raises(ApplicationError) as err:
        services.listing_create(
            actor=patentee, data={"title": "x", "mode": "licence"}, patent_ids=[corpus[1].pk]
        )
    assert "licence_forms" in err.value.fields


@pytest.mark.parametrize("missing", ["fee_standard", "payment_method", "term_end"])
def test_open_licence_declaration_must_be_complete(
    patentee: User, corpus: dict[int, Patent], missing: str
) -> None:
    with pytest.raises(ApplicationError) as err:
        services.listing_create(
            actor=patentee, data=_open(**{missing: ""}), patent_ids=[corpus[1].pk]
        )
    assert err.value.code == TransferError.OPEN_LICENCE_INVALID
    assert missing in err.value.fields
    assert SupplyListing.objects.count() == 0
    assert not LegalEvent.objects.filter(kind=LegalEventKind.OPEN_LICENCE).exists()


def test_open_licence_barred_by_exclusive_licence_or_unconsented_pledge(
    patentee: User, corpus: dict[int, Patent]
) -> None:
    legal_event_append(
        actor=None,
        patent_id=corpus[1].pk,
        kind=LegalEventKind.LICENSED,
        date=dt.date(2024, 1, 1),
        detail="实施许可合同备案 X；独占许可；许可人：甲；被许可人：乙；"
        f"期限 2024-01-01 至 {FUTURE}",
    )
    with pytest.raises(ApplicationError) as err:
        services.listing_create(actor=patentee, data=_open(), patent_ids=[corpus[1].pk])
    assert err.value.code == TransferError.OPEN_LICENCE_BARRED
    assert "独占或排他许可" in err.value.message
    legal_event_append(
        actor=None, patent_id=corpus[2].pk, kind=LegalEventKind.PLEDGED, date=dt.date(2024, 1, 5)
    )
    with pytest.raises(ApplicationError) as err:
        services.listing_create(actor=patentee, data=_open(), patent_ids=[corpus[2].pk])
    assert "质权人同意" in err.value.message
    listing = services.listing_create(
        actor=patentee, data=_open(pledgee_consent=True), patent_ids=[corpus[2].pk]
    )
    assert listing.licence_forms == ["ordinary"]


def test_open_licence_needs_a_grant(patentee: User, corpus: dict[int, Patent]) -> None:
    Patent.objects.filter(pk=corpus[1].pk).update(grant_date=None, legal_status="实质审查")
    LegalEvent.objects.filter(patent=corpus[1], kind=LegalEventKind.GRANTED).delete()
    with pytest.raises(ApplicationError) as err:
        services.listing_create(actor=patentee, data=_open(), patent_ids=[corpus[1].pk])
    assert "尚未授权" in err.value.message


def test_open_licence_declared_then_revoked_is_on_the_patent_history(
    patentee: User, cast: dict[str, User], corpus: dict[int, Patent]
) -> None:
    listing = services.listing_create(actor=patentee, data=_open(), patent_ids=[corpus[1].pk])
    events = LegalEvent.objects.filter(patent=corpus[1], kind=LegalEventKind.OPEN_LICENCE)
    assert "许可使用费：每年 5 万元" in events.get().detail
    with pytest.raises(ApplicationError):
        services.listing_withdraw(actor=patentee, listing_id=listing.pk)
    with pytest.raises(ApplicationError):
        services.listing_revoke(actor=cast["enterprise"], listing_id=listing.pk, reason="x")
    services.listing_revoke(actor=patentee, listing_id=listing.pk, reason="拟转为独占许可")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REVOKED and listing.revoked_at is not None
    assert "撤回开放许可声明：拟转为独占许可" in events.order_by("-id").first().detail  # type: ignore[union-attr]
    assert not selectors.listing_hall().exists()


@pytest.mark.django_db
def test_a_utility_model_filed_on_a_leap_day_expires_on_28_february() -> None:
    """Found by the matching benchmark: a 29 February filing date crashed the term check."""
    import datetime as dt

    from iphub.patents.models import Patent
    from iphub.transfer.workflow import patent_availability

    patent = Patent.objects.create(
        natural_key="leap",
        title="闰日申请的实用新型",
        patent_type="utility",
        app_date=dt.date(2016, 2, 29),
    )
    assert patent_availability(patent, today=dt.date(2026, 2, 27)).dead_reason == ""
    assert "保护期已届满" in patent_availability(patent, today=dt.date(2026, 2, 28)).dead_reason
