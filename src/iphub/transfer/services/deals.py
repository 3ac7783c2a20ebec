"""Recording a concluded transfer or licence (成交), which writes the patents'
legal history and closes the loop of the funnel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from iphub.core.amounts import YUAN_14, NumberRange, parse_number
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Organisation
from iphub.core.permissions import ensure_region_access, require_roles
from iphub.filings.models import Filing, FilingKind, FilingState
from iphub.filings.selectors import filing_get
from iphub.patents.models import LegalEventKind, Patent
from iphub.patents.services import legal_event_append
from iphub.transfer.access import STAFF_ROLES, is_member
from iphub.transfer.audit_actions import Action
from iphub.transfer.errors import TransferError
from iphub.transfer.models import (
    Deal,
    DealKind,
    DockingEvent,
    ListingStatus,
    Match,
    MatchStage,
)

_LICENCE_LABEL = {
    DealKind.EXCLUSIVE: "独占许可",
    DealKind.SOLE: "排他许可",
    DealKind.ORDINARY: "普通许可",
    DealKind.OPEN_LICENCE: "开放许可",
}


# Yuan to the fen, in DecimalField(max_digits=14): a third decimal is a typing
# slip, not a value to round away silently (core.amounts refuses it).
DEAL_AMOUNT = NumberRange("成交金额", maximum=YUAN_14)

# Which 一网通办 filing kind records which deal, and the filing states that
# never became (or no longer are) a filing of the deal.
FILING_KIND = {DealKind.TRANSFER: FilingKind.PATENT_TRANSFER}
DEAD_FILING_STATES = (FilingState.REFUSED, FilingState.WITHDRAWN, FilingState.CANCELLED)


def filing_kind_for(deal_kind: str) -> str:
    """The filing kind a deal of ``deal_kind`` is filed as (licences: contract filing)."""
    return FILING_KIND.get(DealKind(deal_kind), FilingKind.PATENT_LICENCE)


def _filing_for(
    actor: Any, *, filing_id: int, kind: str, patent_ids: set[int], deal_id: int | None = None
) -> Filing:
    """The filing ``actor`` picked for a deal, checked against the deal."""
    filing = filing_get(user=actor, filing_id=filing_id)

    def refuse(msg: str) -> ApplicationError:
        return ApplicationError(msg, code=TransferError.FILING_MISMATCH, fields={"filing": msg})

    if filing.kind != filing_kind_for(kind):
        wanted = FilingKind(filing_kind_for(kind)).label
        raise refuse(f"所选办件是“{filing.get_kind_display()}”，本成交应关联“{wanted}”。")
    if filing.state in DEAD_FILING_STATES:
        raise refuse(f"所选办件{filing.get_state_display()}，不能作为本成交的备案/登记。")
    if filing.patent_id is not None and filing.patent_id not in patent_ids:
        raise refuse("所选办件涉及的专利不在本成交的专利之中。")
    other = filing.deals.exclude(pk=deal_id).first() if deal_id else filing.deals.first()
    if other is not None:
        raise refuse(f"所选办件已关联成交 #{other.pk}。")
    return filing


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in DealKind.values:
        errors["kind"] = "请选择成交类型：转让或独占、排他、普通、开放许可。"
    try:
        amount = parse_number(data.get("amount"), DEAL_AMOUNT, field="amount", required=True)
    except ApplicationError as exc:
        errors.update(exc.fields)
        amount = None
    try:
        signed_on = dt.date.fromisoformat(str(data.get("signed_on") or ""))
    except ValueError:
        errors["signed_on"] = "请填写签订日期（YYYY-MM-DD）。"
        signed_on = dt.date.min
    term_end = None
    if data.get("term_end"):
        try:
            term_end = dt.date.fromisoformat(str(data["term_end"]))
        except ValueError:
            errors["term_end"] = "许可期限格式应为 YYYY-MM-DD。"
    if kind and kind != DealKind.TRANSFER and kind in DealKind.values and term_end is None:
        errors.setdefault("term_end", "许可须写明期限。")
    if errors:
        raise ApplicationError(f"成交信息有误：{next(iter(errors.values()))}", fields=errors)
    return {"kind": kind, "amount": amount, "signed_on": signed_on, "term_end": term_end}


@transaction.atomic
def deal_record(
    *,
    actor: Any,
    data: Mapping[str, Any],
    seller_id: int,
    buyer_id: int,
    patent_ids: list[int],
    match_id: int | None = None,
    event_id: int | None = None,
    filing_id: int | None = None,
) -> Deal:
    """Staff record a concluded deal; each patent gets a ``transferred`` or
    ``licensed`` legal event, the match reaches ``deal`` and a transfer listing
    is marked concluded. The deal counts in the buyer's region. ``filing_id``
    links the 一网通办 transfer registration or licence filing of the deal (of the
    right kind, about its patents, visible to the clerk, not linked elsewhere)."""
    require_roles(actor, *STAFF_ROLES)
    return _deal_write(
        actor=actor,
        data=data,
        seller_id=seller_id,
        buyer_id=buyer_id,
        patent_ids=patent_ids,
        match_id=match_id,
        event_id=event_id,
        filing_id=filing_id,
        staff=True,
    )


@transaction.atomic
def deal_record_awarded(
    *, actor: Any, data: Mapping[str, Any], seller_id: int, buyer_id: int, patent_ids: list[int]
) -> Deal:
    """The deal an awarded call (揭榜挂帅) concludes, recorded by the caller — the
    buyer — when it awards a proposal: the proposer is the seller of the patents
    its proposal named. Otherwise as :func:`deal_record` (legal events, audit)."""
    if not is_member(actor, buyer_id):
        raise AccessDenied("只有发榜单位可以确定揭榜成交。")
    return _deal_write(
        actor=actor,
        data=data,
        seller_id=seller_id,
        buyer_id=buyer_id,
        patent_ids=patent_ids,
        staff=False,
    )


def _deal_write(
    *,
    actor: Any,
    data: Mapping[str, Any],
    seller_id: int,
    buyer_id: int,
    patent_ids: list[int],
    match_id: int | None = None,
    event_id: int | None = None,
    filing_id: int | None = None,
    staff: bool,
) -> Deal:
    clean = _clean(data)
    orgs = Organisation.objects.select_related("region").in_bulk([seller_id, buyer_id])
    if seller_id not in orgs or buyer_id not in orgs:
        raise ApplicationError(
            "请选择转让/许可方与受让/被许可方。", fields={"buyer": "单位不存在。"}
        )
    seller, buyer = orgs[seller_id], orgs[buyer_id]
    if seller_id == buyer_id:
        raise ApplicationError("双方不能是同一单位。", fields={"buyer": "双方不能是同一单位。"})
    if staff:
        ensure_region_access(actor, buyer.region)
    patents = list(Patent.objects.filter(pk__in=patent_ids))
    if not patents or len(patents) != len(set(patent_ids)):
        raise ApplicationError("请选择成交的专利。", fields={"patents": "专利不存在。"})
    match = None
    if match_id is not None:
        match = Match.objects.select_related("listing").filter(pk=match_id).first()
        if match is None:
            raise NotFound("未找到该匹配。")
    event = DockingEvent.objects.filter(pk=event_id).first() if event_id else None
    filing = None
    if filing_id is not None:
        filing = _filing_for(
            actor, filing_id=filing_id, kind=clean["kind"], patent_ids={p.pk for p in patents}
        )
    reference = str(data.get("filing_reference") or "").strip()[:60]
    if filing is not None and not reference:
        reference = filing.registration_number or filing.reference
    deal = Deal.objects.create(
        seller=seller,
        buyer=buyer,
        region=buyer.region,
        match=match,
        event=event,
        filing=filing,
        filing_reference=reference,
        recorded_by=actor,
        **clean,
    )
    deal.patents.set(patents)
    for p in patents:
        if clean["kind"] == DealKind.TRANSFER:
            kind, detail = LegalEventKind.TRANSFERRED, f"转让：{seller.name} → {buyer.name}"
        else:
            kind = LegalEventKind.LICENSED
            detail = (
                f"知慧桥成交；{_LICENCE_LABEL[DealKind(clean['kind'])]}；许可人：{seller.name}；"
                f"被许可人：{buyer.name}；期限 {clean['signed_on']} 至 {clean['term_end']}"
            )
        legal_event_append(
            actor=actor,
            patent_id=p.pk,
            kind=kind,
            date=clean["signed_on"],
            detail=detail,
            source="transfer",
        )
    if match is not None:
        before = match.stage
        match.stage = MatchStage.DEAL
        match.save(update_fields=["stage", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.MATCH_DEAL,
            obj=match,
            before={"stage": before},
            after={"stage": MatchStage.DEAL},
            region_path=buyer.region.path,
        )
        if match.listing and clean["kind"] == DealKind.TRANSFER:
            match.listing.status = ListingStatus.CONCLUDED
            match.listing.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.DEAL_RECORD,
        obj=deal,
        region_path=buyer.region.path,
        after=snapshot(deal) | {"patents": [p.pk for p in patents]},
    )
    return deal


@transaction.atomic
def deal_link_filing(*, actor: Any, deal_id: int, filing_id: int) -> Deal:
    """Link a recorded deal to its 一网通办 filing once that has been filed."""
    require_roles(actor, *STAFF_ROLES)
    deal = Deal.objects.select_for_update().select_related("region").filter(pk=deal_id).first()
    if deal is None:
        raise NotFound("未找到该成交记录。")
    ensure_region_access(actor, deal.region)
    filing = _filing_for(
        actor,
        filing_id=filing_id,
        kind=deal.kind,
        patent_ids=set(deal.patents.values_list("pk", flat=True)),
        deal_id=deal.pk,
    )
    before = {"filing": deal.filing_id, "filing_reference": deal.filing_reference}
    deal.filing = filing
    deal.filing_reference = filing.registration_number or filing.reference
    deal.save(update_fields=["filing", "filing_reference"])
    audit_record(
        actor=actor,
        action=Action.DEAL_LINK_FILING,
        obj=deal,
        region_path=deal.region.path,
        before=before,
        after={"filing": filing.pk, "filing_reference": deal.filing_reference},
    )
    return deal
