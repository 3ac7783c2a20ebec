"""Reads of the transfer app. The halls (open needs, active listings, events) are
public with contacts masked; everything else is scoped through
``core.permissions``: staff see their region, public users their organisation."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.jobs import JobProgress, JobState, job_state
from iphub.core.models import Organisation, Region
from iphub.core.permissions import require_roles, scope_queryset
from iphub.core.validators import mask_name, mask_phone
from iphub.patents.models import PartyRole, Patent, PatentParty
from iphub.patents.names import applicant_key
from iphub.patents.numbers import NumberFormatError, normalize_application_number
from iphub.transfer.access import STAFF_ROLES, is_member, is_staff_over
from iphub.transfer.models import (
    Deal,
    DealKind,
    DockingEvent,
    EventRegistration,
    ListingStatus,
    Match,
    MatchingStage,
    MatchingStatus,
    MatchStage,
    NeedStatus,
    Notification,
    SupplyListing,
    TechnologyNeed,
)
from iphub.transfer.services.matches import patent_holders

FUNNEL = (MatchStage.MATCHED, MatchStage.CONTACTED, MatchStage.NEGOTIATING, MatchStage.DEAL)


def _filter_needs(
    qs: QuerySet[TechnologyNeed],
    *,
    q: str = "",
    form: str = "",
    city: str = "",
    ipc: str = "",
    chain: str = "",
    status: str = "",
) -> QuerySet[TechnologyNeed]:
    for word in q.split():
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if form:
        qs = qs.filter(preferred_forms__icontains=f'"{form}"')
    if city:
        qs = qs.filter(region__path__contains=city)
    if ipc:
        qs = qs.filter(ipc_codes__icontains=ipc.upper())
    if chain:
        qs = qs.filter(industry_chain__icontains=chain)
    if status:
        qs = qs.filter(status=status)
    return qs


def need_hall(**filters: str) -> QuerySet[TechnologyNeed]:
    """The public 需求大厅: open needs, searchable by words, form, city, IPC and chain."""
    filters.pop("status", None)
    qs = TechnologyNeed.objects.filter(status=NeedStatus.OPEN).select_related(
        "organisation", "region"
    )
    return _filter_needs(qs, **filters)


def need_list(*, user: Any, **filters: str) -> QuerySet[TechnologyNeed]:
    """Needs the user manages: staff their region's, public users their organisation's."""
    qs = TechnologyNeed.objects.select_related("organisation", "region")
    qs = scope_queryset(user, qs, organisation_field="organisation")
    return _filter_needs(qs, **filters)


def can_manage_need(user: Any, need: TechnologyNeed) -> bool:
    return is_member(user, need.organisation_id) or is_staff_over(user, need.region.path)


def need_get(*, user: Any, need_id: int) -> TechnologyNeed:
    """One need: anyone while it is open; its owner and regional staff at any status."""
    need = (
        TechnologyNeed.objects.select_related("organisation", "region").filter(pk=need_id).first()
    )
    if need is None:
        raise NotFound("未找到该技术需求。")
    if need.status != NeedStatus.OPEN and not can_manage_need(user, need):
        raise NotFound("未找到该技术需求。")
    return need


_MATCHING_PERCENT = {
    MatchingStage.EMBED: 20,
    MatchingStage.RANK: 60,
    MatchingStage.EMBED_PATENTS: 20,
    MatchingStage.SCORE_NEEDS: 60,
}


def _matching_progress(row: TechnologyNeed | SupplyListing, key: str, url: str) -> JobProgress:
    stage = MatchingStage(row.matching_stage) if row.matching_stage in MatchingStage else None
    running = row.matching_status == MatchingStatus.RUNNING
    state = job_state(row.matching_status, last_progress_at=row.matching_progressed_at)
    return JobProgress(
        key=key,
        title=_("智能匹配"),
        state=state,
        state_text=str(MatchingStatus.RUNNING.label) if state == JobState.RUNNING else "",
        poll_url=url,
        percent=_MATCHING_PERCENT.get(stage) if stage else None,
        stage=str(stage.label) if running and stage else "",
        message=row.matching_message,
        last_progress_at=row.matching_progressed_at,
    )


def need_matching_progress(need: TechnologyNeed) -> JobProgress | None:
    """Where the background matching of ``need`` stands, for its owner's page
    (None for a need never queued, such as one stored before matching was tracked)."""
    if not need.matching_status:
        return None
    url = reverse("transfer:need_matching", args=[need.pk])
    return _matching_progress(need, f"need-{need.pk}-matching", url)


def listing_matching_progress(listing: SupplyListing) -> JobProgress | None:
    """Where the matching of a new listing against open needs stands, for its page."""
    if not listing.matching_status:
        return None
    url = reverse("transfer:listing_matching", args=[listing.pk])
    return _matching_progress(listing, f"listing-{listing.pk}-matching", url)


def need_contact(user: Any, need: TechnologyNeed) -> dict[str, str]:
    """The contact as this user may see it: in full for the owner and regional staff,
    masked (PIPL) for everyone else."""
    if can_manage_need(user, need):
        return {"name": need.contact_name, "phone": need.contact_phone}
    return {"name": mask_name(need.contact_name), "phone": mask_phone(need.contact_phone)}


def listing_hall(*, q: str = "", mode: str = "") -> QuerySet[SupplyListing]:
    """The public 供给大厅: active listings."""
    qs = SupplyListing.objects.filter(status=ListingStatus.ACTIVE).select_related(
        "organisation", "region"
    )
    for word in q.split():
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if mode:
        qs = qs.filter(mode=mode)
    return qs.prefetch_related("items__patent")


def listing_list(*, user: Any) -> QuerySet[SupplyListing]:
    qs = SupplyListing.objects.select_related("organisation", "region")
    return scope_queryset(user, qs, organisation_field="organisation")


def listing_get(*, user: Any, listing_id: int) -> SupplyListing:
    listing = (
        SupplyListing.objects.select_related("organisation", "region")
        .prefetch_related("items__patent")
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        raise NotFound("未找到该挂牌信息。")
    manager = is_member(user, listing.organisation_id) or is_staff_over(user, listing.region.path)
    if listing.status != ListingStatus.ACTIVE and not manager:
        raise NotFound("未找到该挂牌信息。")
    return listing


def match_list_for_need(*, user: Any, need: TechnologyNeed) -> QuerySet[Match]:
    """Ranked candidates of a need, best first. Rejected pairs drop out of the list."""
    return (
        Match.objects.filter(need=need)
        .exclude(stage=MatchStage.REJECTED)
        .select_related("patent", "listing")
        .order_by("-score", "id")
    )


def match_list_for_listing(*, user: Any, listing: SupplyListing) -> QuerySet[Match]:
    """Needs matched to a listing's patents, best first; for its holder and staff."""
    if not (is_member(user, listing.organisation_id) or is_staff_over(user, listing.region.path)):
        raise AccessDenied()
    return (
        Match.objects.filter(listing=listing)
        .exclude(stage=MatchStage.REJECTED)
        .select_related("need__organisation", "need__region", "patent")
        .order_by("-score", "id")
    )


def match_get(*, user: Any, match_id: int) -> Match:
    """A match, for its two parties and the staff over the need's region."""
    m = (
        Match.objects.select_related(
            "need__organisation", "need__region", "patent", "listing__organisation"
        )
        .filter(pk=match_id)
        .first()
    )
    if m is None:
        raise NotFound("未找到该匹配。")
    supply = [m.listing.organisation] if m.listing else patent_holders(m.patent_id)
    if not (
        is_member(user, m.need.organisation_id)
        or any(is_member(user, o.pk) for o in supply)
        or is_staff_over(user, m.need.region.path)
    ):
        raise AccessDenied()
    return m


def match_inbox(*, user: Any) -> QuerySet[Match]:
    """Contact requests and negotiations the user's organisation is part of."""
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return Match.objects.none()
    org = user.organisation_id
    # An unlisted patent's holder is known by name: its applicant key.
    held = PatentParty.objects.filter(
        role=PartyRole.APPLICANT, key=applicant_key(user.organisation.name)
    ).values("patent_id")
    return (
        Match.objects.filter(
            Q(need__organisation_id=org)
            | Q(listing__organisation_id=org)
            | Q(listing=None, patent_id__in=held),
            stage__in=(MatchStage.CONTACTED, MatchStage.NEGOTIATING, MatchStage.DEAL),
        )
        .select_related("need", "patent", "listing", "contact_requested_by")
        .order_by("-updated_at")
    )


@dataclass
class FunnelStep:
    stage: str
    label: str
    count: int


def match_funnel(*, user: Any) -> list[FunnelStep]:
    """Staff view: how many pairs reached each stage (a pair further on counts in
    every earlier step too: a deal was also matched, contacted, negotiated)."""
    require_roles(user, *STAFF_ROLES)
    qs = scope_queryset(user, Match.objects.all(), region_path_field="need__region__path")
    by_stage = dict(qs.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    steps = []
    for i, stage in enumerate(FUNNEL):
        reached = sum(by_stage.get(s, 0) for s in FUNNEL[i:])
        if stage == MatchStage.MATCHED:
            reached += by_stage.get(MatchStage.REJECTED, 0)
        steps.append(FunnelStep(stage, str(MatchStage(stage).label), reached))
    return steps


def notification_list(*, user: Any) -> QuerySet[Notification]:
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def event_list() -> QuerySet[DockingEvent]:
    """Docking events are public announcements; the latest first."""
    # Ordered here: Django drops Meta.ordering from a query with an aggregate (GROUP BY).
    return (
        DockingEvent.objects.select_related("region")
        .annotate(n_pairs=Count("pairs"))
        .order_by("-date", "-id")
    )


def event_get(*, event_id: int) -> DockingEvent:
    event = DockingEvent.objects.select_related("region").filter(pk=event_id).first()
    if event is None:
        raise NotFound("未找到该对接活动。")
    return event


def event_pairs(event: DockingEvent) -> QuerySet[Any]:
    return event.pairs.select_related(
        "match__need__organisation", "match__patent", "match__listing__organisation"
    )


def deal_list(*, user: Any, kind: str = "", month: str = "") -> QuerySet[Deal]:
    """The deals behind ``deal_stats`` (staff of the region, supervisors, auditors),
    with parties, patents and the linked filing; optionally of one ``kind`` and one
    ``month`` (``YYYY-MM``) of signing."""
    require_roles(user, *STAFF_ROLES, "auditor")
    qs = (
        scope_queryset(user, Deal.objects.all())
        .select_related("seller", "buyer", "region", "filing", "match", "event")
        .prefetch_related("patents")
        .order_by("-signed_on", "-id")
    )
    if kind:
        if kind not in DealKind.values:
            labels = "、".join(str(label) for label in DealKind.labels)
            msg = f"成交类型“{kind}”无效，可选：{labels}。"
            raise ApplicationError(msg, fields={"kind": msg})
        qs = qs.filter(kind=kind)
    if month:
        try:
            first = dt.date.fromisoformat(f"{month.strip()}-01")
        except ValueError:
            msg = f"月份“{month}”格式不对，应为 YYYY-MM，如 2026-03。"
            raise ApplicationError(msg, fields={"month": msg}) from None
        qs = qs.filter(signed_on__year=first.year, signed_on__month=first.month)
    return qs


def deal_filing_choices(*, user: Any, kind: str = "", q: str = "") -> QuerySet[Any]:
    """一网通办 transfer registrations and licence filings a clerk may link a deal to:
    visible to ``user``, still alive, not linked to a deal yet; ``q`` narrows by
    application number or holder name."""
    from iphub.filings.selectors import filing_list
    from iphub.transfer.services.deals import DEAD_FILING_STATES, filing_kind_for

    require_roles(user, *STAFF_ROLES)
    kinds = (
        [filing_kind_for(kind)]
        if kind in DealKind.values
        else ["patent_transfer", "patent_licence"]
    )
    return (
        filing_list(user=user, q=q)
        .filter(kind__in=kinds, deals__isnull=True)
        .exclude(state__in=DEAD_FILING_STATES)
        .select_related("patent")
    )


def deal_filing_kind_label(kind: str) -> str:
    """Which 一网通办 filing records a deal of ``kind``, as the clerk reads it."""
    from iphub.filings.models import FilingKind
    from iphub.transfer.services.deals import filing_kind_for

    if kind not in DealKind.values:
        return f"{FilingKind.PATENT_TRANSFER.label}或{FilingKind.PATENT_LICENCE.label}"
    return str(FilingKind(filing_kind_for(kind)).label)


def deal_party_choices(*, user: Any) -> tuple[QuerySet[Organisation], QuerySet[Organisation]]:
    """Who a clerk may name in a deal: any registered organisation as the seller or
    licensor (a patent holder may sit anywhere), and as the buyer or licensee an
    organisation of the clerk's region, where the deal is counted."""
    from iphub.core.selectors import organisation_list

    require_roles(user, *STAFF_ROLES)
    sellers = Organisation.objects.select_related("region").order_by("name")
    return sellers, organisation_list(user=user)


def deal_get(*, user: Any, deal_id: int) -> Deal:
    """One deal, for staff whose region holds it."""
    deal = deal_list(user=user).filter(pk=deal_id).first()
    if deal is None:
        if Deal.objects.filter(pk=deal_id).exists():
            raise AccessDenied("该成交不在您的管辖范围内。")
        raise NotFound("未找到该成交记录。")
    return deal


def deal_patents_by_numbers(text: str) -> list[Patent]:
    """The patents a clerk typed as application numbers (one per line, or separated
    by commas), in that order; names the first number that is malformed
    or not in the database."""
    numbers = [n.strip() for n in re.split(r"[\r\n,，;；、]+", text or "") if n.strip()]
    if not numbers:
        raise ApplicationError(
            "请填写成交专利的申请号。", fields={"patents": "请至少填写一个申请号。"}
        )
    canonical: list[str] = []
    for raw in numbers:
        try:
            canonical.append(normalize_application_number(raw))
        except NumberFormatError as exc:
            raise ApplicationError(exc.message, fields={"patents": exc.message}) from None
    found = {
        p.application_number: p for p in Patent.objects.filter(application_number__in=canonical)
    }
    for raw, number in zip(numbers, canonical, strict=True):
        if number not in found:
            msg = f"未找到申请号为 {raw} 的专利，请核对后重填。"
            raise ApplicationError(msg, fields={"patents": msg})
    return list(dict.fromkeys(found[n] for n in canonical))


@dataclass
class DealPrefill:
    """What a deal form starts from when a clerk records the deal of a match."""

    match_id: int
    seller_id: int | None
    buyer_id: int
    patents: str


def deal_prefill(*, user: Any, match_id: int) -> DealPrefill:
    """Parties and patent of a match, for the deal form (the clerk checks them)."""
    m = match_get(user=user, match_id=match_id)
    supply = [m.listing.organisation] if m.listing else patent_holders(m.patent_id)
    return DealPrefill(
        match_id=m.pk,
        seller_id=supply[0].pk if supply else None,
        buyer_id=m.need.organisation_id,
        patents=m.patent.application_number,
    )


def event_region_choices(*, user: Any) -> QuerySet[Region]:
    """The regions a clerk may host an event in: their own and those inside it."""
    require_roles(user, *STAFF_ROLES)
    return scope_queryset(user, Region.objects.all(), region_path_field="path").order_by("path")


def event_registrations(event: DockingEvent) -> QuerySet[EventRegistration]:
    return event.registrations.select_related("organisation", "registered_by").order_by(
        "created_at", "id"
    )


def event_registration_of(*, user: Any, event: DockingEvent) -> EventRegistration | None:
    """The user's organisation's registration to ``event``, if any."""
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return None
    return event.registrations.filter(organisation_id=user.organisation_id).first()


def deal_stats(*, user: Any) -> list[dict[str, Any]]:
    """Deal counts and amounts per prefecture and month, for supervision."""
    require_roles(user, *STAFF_ROLES, "auditor")
    qs = scope_queryset(user, Deal.objects.all())
    rows = (
        qs.annotate(month=TruncMonth("signed_on"))
        .values("month", "region__path")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by("month")
    )
    out: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"count": 0, "amount": Decimal("0.00")}
    )
    names = dict(Region.objects.values_list("code", "name"))
    for r in rows:
        parts = r["region__path"].split("/")
        city = parts[1] if len(parts) > 1 else parts[0]
        key = (r["month"].strftime("%Y-%m"), city)
        out[key]["count"] += r["n"]
        out[key]["amount"] += r["amount"] or Decimal(0)
    return [
        {"month": m, "region": c, "region_name": names.get(c, c), **v}
        for (m, c), v in sorted(out.items())
    ]
