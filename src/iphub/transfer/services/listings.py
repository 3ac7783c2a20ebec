"""Writes to supply listings: a holder lists its own patents for transfer, licence
or open licence; withdrawal; revocation of an open-licence declaration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from iphub.core.amounts import YUAN_14, NumberRange, parse_number
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import ApplicationError, NotFound
from iphub.patents.models import LegalEvent, LegalEventKind, PartyRole, Patent, PatentParty
from iphub.patents.names import applicant_key
from iphub.patents.services import legal_event_append
from iphub.transfer.access import ensure_holder, own_organisation
from iphub.transfer.audit_actions import Action
from iphub.transfer.errors import TransferError
from iphub.transfer.models import (
    CooperationForm,
    ListedPatent,
    ListingMode,
    ListingStatus,
    SupplyListing,
)
from iphub.transfer.workflow import (
    OpenLicenceTerms,
    ipc_list_clean,
    open_licence_check,
    open_licence_clean,
    patent_availability,
)

LICENCE_FORMS = (CooperationForm.EXCLUSIVE, CooperationForm.SOLE, CooperationForm.ORDINARY)
MAX_PATENTS = 200  # a university portfolio; more than this is several listings
ASKING_PRICE = NumberRange("报价", maximum=YUAN_14)


def _clean_listing(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = "请填写标题。"
    mode = str(data.get("mode") or "")
    if mode not in ListingMode.values:
        errors["mode"] = "请选择转让、许可或开放许可。"
    forms = [str(f) for f in data.get("licence_forms") or []]
    if mode == ListingMode.LICENCE:
        if not forms or any(f not in LICENCE_FORMS for f in forms):
            errors["licence_forms"] = "请选择许可类型：独占、排他或普通许可。"
    elif mode == ListingMode.OPEN_LICENCE:
        # During an open licence only ordinary licences may be granted (Art. 51).
        forms = [CooperationForm.ORDINARY]
    else:
        forms = []
    asking: Decimal | None = None
    try:
        asking = parse_number(data.get("asking_price"), ASKING_PRICE, field="asking_price")
    except ApplicationError as exc:
        errors.update(exc.fields)
    typed = data.get("ipc_codes") or ""
    picked = [str(c) for c in data.get("ipc_pick") or []]
    raw_codes = [typed, *picked] if isinstance(typed, str) else [*typed, *picked]
    ipc_codes = ipc_list_clean(",".join(raw_codes), errors)
    if errors:
        raise ApplicationError(f"挂牌信息有误：{next(iter(errors.values()))}", fields=errors)
    return {
        "ipc_codes": ipc_codes,
        "title": title[:200],
        "description": str(data.get("description") or "").strip(),
        "mode": mode,
        "licence_forms": forms,
        "asking_price": asking,
    }


def _patents(ids: Sequence[int]) -> list[Patent]:
    unique = list(dict.fromkeys(int(i) for i in ids))
    if not unique:
        raise ApplicationError("请至少选择一件专利。", fields={"patents": "请至少选择一件专利。"})
    if len(unique) > MAX_PATENTS:
        msg = f"一次最多挂牌 {MAX_PATENTS} 件专利。"
        raise ApplicationError(msg, fields={"patents": msg})
    found = (
        Patent.objects.filter(pk__in=unique)
        .select_for_update(of=("self",))
        .prefetch_related(
            Prefetch("parties", queryset=PatentParty.objects.filter(role=PartyRole.APPLICANT)),
            Prefetch("legal_events", queryset=LegalEvent.objects.order_by("date", "id")),
        )
    )
    by_id = {p.pk: p for p in found}
    missing = [i for i in unique if i not in by_id]
    if missing:
        raise NotFound(f"未找到专利（编号 {missing[0]}）。")
    return [by_id[i] for i in unique]


@transaction.atomic
def listing_create(
    *, actor: Any, data: Mapping[str, Any], patent_ids: Sequence[int]
) -> SupplyListing:
    """List the actor's organisation's own patents.

    Each patent must name the organisation among its applicants/patentees
    (compared by ``applicant_key``, so 武汉大学 and 武汉大学（湖北） match) and be
    alive; a pledged patent is listed with a flag. An open licence additionally
    needs a complete declaration and a patent free of exclusive/sole licences.
    """
    org = own_organisation(actor)
    clean = _clean_listing(data)
    terms: OpenLicenceTerms | None = None
    if clean["mode"] == ListingMode.OPEN_LICENCE:
        terms = open_licence_clean(data)
    patents = _patents(patent_ids)
    key = applicant_key(org.name)
    flags: list[str] = []
    pledged: set[int] = set()
    for p in patents:
        label = p.application_number or p.title
        if key not in {x.key for x in p.parties.all()}:
            msg = f"专利 {label} 的专利权人不是“{org.name}”，只能挂牌本单位的专利。"
            raise ApplicationError(
                msg, code=TransferError.NOT_OWNER, fields={"patents": msg}, status=403
            )
        avail = patent_availability(p)
        if not avail.alive:
            msg = f"专利 {label} 已失效（{avail.dead_reason}），不能挂牌。"
            raise ApplicationError(
                msg, code=TransferError.PATENT_UNAVAILABLE, fields={"patents": msg}, status=409
            )
        if avail.pledged:
            pledged.add(p.pk)
            flags.append(f"专利 {label} 已质押，转让或许可须经质权人同意")
        if terms is not None:
            open_licence_check(p, avail, terms)
    listing = SupplyListing.objects.create(
        organisation=org,
        region=org.region,
        created_by=actor,
        flags=flags,
        **clean,
        **(vars(terms) if terms else {}),
    )
    ListedPatent.objects.bulk_create(
        [ListedPatent(listing=listing, patent=p, pledged=p.pk in pledged) for p in patents]
    )
    audit_record(
        actor=actor,
        action=Action.LISTING_CREATE,
        obj=listing,
        region_path=org.region.path,
        after=snapshot(listing) | {"patents": [p.pk for p in patents]},
    )
    if terms is not None:
        for p in patents:
            legal_event_append(
                actor=actor,
                patent_id=p.pk,
                kind=LegalEventKind.OPEN_LICENCE,
                date=timezone.localdate(),
                detail=(
                    f"开放许可声明；许可使用费：{terms.fee_standard}；"
                    f"支付方式：{terms.payment_method}；期限至 {terms.term_end}"
                ),
                source="transfer",
            )
    from iphub.transfer.services.matches import listing_matching_queue

    listing_matching_queue(listing_id=listing.pk)
    return listing


def _locked(listing_id: int) -> SupplyListing:
    listing = (
        SupplyListing.objects.select_for_update(of=("self",))
        .select_related("region", "organisation")
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        raise NotFound("未找到该挂牌信息。")
    return listing


@transaction.atomic
def listing_withdraw(*, actor: Any, listing_id: int) -> SupplyListing:
    """The holder takes a transfer or licence listing off the supply hall."""
    listing = _locked(listing_id)
    ensure_holder(actor, listing.organisation, "撤回该挂牌")
    if listing.mode == ListingMode.OPEN_LICENCE:
        raise ApplicationError(
            "开放许可须以书面声明撤回，请使用“撤回开放许可”。",
            code=TransferError.LISTING_NOT_ACTIVE,
        )
    if listing.status != ListingStatus.ACTIVE:
        raise ApplicationError(
            "该挂牌已不在发布中。", code=TransferError.LISTING_NOT_ACTIVE, status=409
        )
    listing.status = ListingStatus.WITHDRAWN
    listing.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.LISTING_WITHDRAW,
        obj=listing,
        region_path=listing.region.path,
        before={"status": ListingStatus.ACTIVE},
        after={"status": listing.status},
    )
    return listing


@transaction.atomic
def listing_revoke(*, actor: Any, listing_id: int, reason: str) -> SupplyListing:
    """The patentee withdraws its open-licence declaration (Patent Law Art. 50):
    written, published, recorded on each patent's legal history; licences already
    taken stand."""
    listing = _locked(listing_id)
    ensure_holder(actor, listing.organisation, "撤回开放许可声明")
    if listing.mode != ListingMode.OPEN_LICENCE or listing.status != ListingStatus.ACTIVE:
        raise ApplicationError(
            "只有发布中的开放许可可以撤回。", code=TransferError.LISTING_NOT_ACTIVE, status=409
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请写明撤回开放许可的理由。", fields={"reason": "请填写撤回理由。"})
    listing.status = ListingStatus.REVOKED
    listing.revoked_at = timezone.now()
    listing.revoke_reason = reason[:300]
    listing.save(update_fields=["status", "revoked_at", "revoke_reason", "updated_at"])
    for patent_id in listing.items.values_list("patent_id", flat=True):
        legal_event_append(
            actor=actor,
            patent_id=patent_id,
            kind=LegalEventKind.OPEN_LICENCE,
            date=timezone.localdate(),
            detail=f"撤回开放许可声明：{reason}"[:300],
            source="transfer",
        )
    audit_record(
        actor=actor,
        action=Action.LISTING_REVOKE,
        obj=listing,
        region_path=listing.region.path,
        before={"status": ListingStatus.ACTIVE},
        after={"status": listing.status, "reason": reason},
    )
    return listing
