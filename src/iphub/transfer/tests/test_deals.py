"""Deals linked to their 一网通办 filing, and the deal list behind the supervision figures."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import AuditEntry, Organisation, Region, User
from iphub.filings.models import Filing, FilingKind, FilingState
from iphub.patents.models import Patent
from iphub.transfer import selectors, services
from iphub.transfer.models import Deal

pytestmark = pytest.mark.django_db


def _filing(
    *, kind: str, patent: Patent, org: Organisation, user: User, region: str = "420100", **over: Any
) -> Filing:
    """A filing as the 一网通办 module leaves it once registered (arranged directly:
    its own tests cover how it gets there)."""
    values: dict[str, Any] = {
        "kind": kind,
        "state": FilingState.REGISTERED,
        "region": Region.objects.get(code=region),
        "organisation": org,
        "created_by": user,
        "patent": patent,
        "registration_number": f"HB{kind[:3].upper()}{patent.pk:06d}",
    }
    return Filing.objects.create(**(values | over))


def _deal_data(**over: Any) -> dict[str, Any]:
    return {"kind": "transfer", "amount": "800000", "signed_on": "2026-03-10"} | over


@pytest.fixture
def parties(orgs: dict[str, Organisation]) -> dict[str, int]:
    return {"seller_id": orgs["wuhan_jiangan"].pk, "buyer_id": orgs["wuhan_hongshan"].pk}


def test_a_deal_links_its_transfer_registration_and_takes_its_number(
    cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent], parties: Any
) -> None:
    filing = _filing(
        kind=FilingKind.PATENT_TRANSFER, patent=corpus[1], org=orgs["wuhan_hongshan"],
        user=cast["enterprise"],
    )  # fmt: skip
    choices = selectors.deal_filing_choices(user=cast["wuhan_clerk"], kind="transfer")
    assert list(choices) == [filing]
    deal = services.deal_record(
        actor=cast["wuhan_clerk"], data=_deal_data(), patent_ids=[corpus[1].pk],
        filing_id=filing.pk, **parties,
    )  # fmt: skip
    assert deal.filing == filing
    assert deal.filing_reference == filing.registration_number
    # Linked once: it is no longer offered for another deal.
    assert not selectors.deal_filing_choices(user=cast["wuhan_clerk"]).exists()


@pytest.mark.parametrize(
    ("kind", "state", "patent_no", "message"),
    [
        (FilingKind.PATENT_LICENCE, FilingState.REGISTERED, 1, "应关联“专利权转让登记”"),
        (FilingKind.PATENT_TRANSFER, FilingState.REFUSED, 1, "不予登记"),
        (FilingKind.PATENT_TRANSFER, FilingState.REGISTERED, 2, "不在本成交的专利之中"),
    ],
)
def test_a_filing_that_does_not_fit_the_deal_is_refused_and_nothing_saved(
    cast: dict[str, User],
    orgs: dict[str, Organisation],
    corpus: dict[int, Patent],
    parties: Any,
    kind: str,
    state: str,
    patent_no: int,
    message: str,
) -> None:
    filing = _filing(
        kind=kind, patent=corpus[patent_no], org=orgs["wuhan_hongshan"], user=cast["enterprise"],
        state=state, registration_number=None,
    )  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.deal_record(
            actor=cast["wuhan_clerk"], data=_deal_data(), patent_ids=[corpus[1].pk],
            filing_id=filing.pk, **parties,
        )  # fmt: skip
    assert message in err.value.message and "filing" in err.value.fields
    assert not Deal.objects.exists()


def test_a_filing_outside_the_clerks_region_cannot_be_linked(
    cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent], parties: Any
) -> None:
    filing = _filing(
        kind=FilingKind.PATENT_TRANSFER, patent=corpus[1], org=orgs["yichang"],
        user=cast["enterprise"], region="420500",
    )  # fmt: skip
    assert not selectors.deal_filing_choices(user=cast["wuhan_clerk"]).exists()
    # Outside the clerk's region the filing is "not found" (core.permissions: 404).
    with pytest.raises(NotFound):
        services.deal_record(
            actor=cast["wuhan_clerk"], data=_deal_data(), patent_ids=[corpus[1].pk],
            filing_id=filing.pk, **parties,
        )  # fmt: skip
    assert not Deal.objects.exists()


def test_a_licence_deal_is_linked_later_when_the_contract_is_filed(
    cast: dict[str, User], orgs: dict[str, Organisation], corpus: dict[int, Patent], parties: Any
) -> None:
    deal = services.deal_record(
        actor=cast["wuhan_clerk"],
        data=_deal_data(kind="ordinary", term_end="2029-03-09"),
        patent_ids=[corpus[1].pk],
        **parties,
    )
    filing = _filing(
        kind=FilingKind.PATENT_LICENCE, patent=corpus[1], org=orgs["wuhan_hongshan"],
        user=cast["enterprise"],
    )  # fmt: skip
    with pytest.raises(AccessDenied):
        services.deal_link_filing(actor=cast["yichang_clerk"], deal_id=deal.pk, filing_id=filing.pk)
    services.deal_link_filing(actor=cast["wuhan_clerk"], deal_id=deal.pk, filing_id=filing.pk)
    deal.refresh_from_db()
    assert deal.filing == filing and deal.filing_reference == filing.registration_number
    assert AuditEntry.objects.filter(action="deal_link_filing").count() == 1


def test_deal_list_shows_the_records_behind_the_figures_per_region(
    cast: dict[str, User], corpus: dict[int, Patent], parties: Any
) -> None:
    deal = services.deal_record(
        actor=cast["wuhan_clerk"], data=_deal_data(), patent_ids=[corpus[1].pk], **parties
    )
    assert list(selectors.deal_list(user=cast["supervisor"])) == [deal]
    assert list(selectors.deal_list(user=cast["wuhan_clerk"])) == [deal]
    assert list(selectors.deal_list(user=cast["yichang_clerk"])) == []
    with pytest.raises(AccessDenied):
        selectors.deal_list(user=cast["enterprise"])
    stats = selectors.deal_stats(user=cast["supervisor"])
    assert sum(s["count"] for s in stats) == selectors.deal_list(user=cast["supervisor"]).count()
