"""Reads of the transfer app. The halls (open needs, active listings, events) are
public with contacts masked; everything else is scoped through
``core.permissions``: staff see their region, public users their organisation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from iphub.core.errors import AccessDenied, NotFound
from iphub.core.permissions import require_roles, scope_queryset
from iphub.core.validators import mask_name, mask_phone
from iphub.patents.models import PartyRole, PatentParty
from iphub.patents.names import applicant_key
from iphub.transfer.access import STAFF_ROLES, is_member, is_staff_over
from iphub.transfer.models import (
    Deal,
    DockingEvent,
    ListingStatus,
    Match,
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
    """Docking events are public announcements."""
    return DockingEvent.objects.select_related("region").annotate(n_pairs=Count("pairs"))


def event_get(*, event_id: int) -> DockingEvent:
    event = DockingEvent.objects.select_related("region").filter(pk=event_id).first()
    if event is None:
        raise NotFound("未找到该对接活动。")
    return event


def event_pairs(event: DockingEvent) -> QuerySet[Any]:
    return event.pairs.select_related(
        "match__need__organisation", "match__patent", "match__listing__organisation"
    )


def deal_list(*, user: Any) -> QuerySet[Deal]:
    """The deals behind ``deal_stats`` (staff of the region, supervisors, auditors),
    with parties, patents and the linked filing."""
    require_roles(user, *STAFF_ROLES, "auditor")
    return (
        scope_queryset(user, Deal.objects.all())
        .select_related("seller", "buyer", "region", "filing", "match", "event")
        .prefetch_related("patents")
        .order_by("-signed_on", "-id")
    )


def deal_filing_choices(*, user: Any, kind: str = "") -> QuerySet[Any]:
    """一网通办 transfer registrations and licence filings a clerk may link a deal to:
    visible to ``user``, still alive, not linked to a deal yet."""
    from iphub.filings.selectors import filing_list
    from iphub.transfer.services.deals import DEAD_FILING_STATES, filing_kind_for

    require_roles(user, *STAFF_ROLES)
    kinds = [filing_kind_for(kind)] if kind else ["patent_transfer", "patent_licence"]
    return (
        filing_list(user=user)
        .filter(kind__in=kinds, deals__isnull=True)
        .exclude(state__in=DEAD_FILING_STATES)
        .select_related("patent")
    )


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
    from iphub.core.models import Region

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
