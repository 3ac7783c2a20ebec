"""The agencies directory: patent and trademark agencies and service
organisations (core organisations of kind 服务机构) with their agents, services,
regions, workstation roles, and ratings drawn from what they really did.

Every rating figure is one grouped SQL query over the records it comes from,
and is shown with its basis (the counts it is computed from), never as a bare
score:

* tickets: service tickets closed (with a result) by the agency's own accounts
  as outlet staff, how many on time, and the requesters' average rating;
* assistance: 维权援助 requests assigned to a protection workstation the agency
  hosts, how many closed, and their average satisfaction;
* filings: filings the agency itself submitted to the window (``Filing.
  organisation`` is the filer; an agency filing for a client files as itself
  with ``details.agent_for``), how many were returned for correction at least
  once (a ``return`` step in the filing's history) and how many refused.

All over the last :data:`RATING_MONTHS` months. 蓝天 flags (groups naming the
agency among a flagged group's agencies) are read only by region staff, for
their region.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from iphub.core.errors import NotFound
from iphub.core.models import Organisation, OrganisationKind, Region, RegionLevel, Role
from iphub.core.permissions import has_role, region_path_of, scope_queryset
from iphub.filings.models import Filing, FilingEvent, FilingState
from iphub.network import workflow
from iphub.network.models import AgencyProfile, AgencyService, Agent, ServiceTicket
from iphub.patents.names import applicant_key
from iphub.protection.models import AssistanceRequest, AssistanceStatus, FlaggedGroup, Workstation
from iphub.training.selectors import hours_by_organisation

RATING_MONTHS = 12
# Region staff who may read the 蓝天 flags of agencies in their region.
FLAG_READERS = (Role.WINDOW, Role.ENFORCEMENT, Role.SUPERVISOR)


def rating_since(now: dt.datetime | None = None) -> dt.datetime:
    """The start of the rating window (:data:`RATING_MONTHS` months back, as 365 days)."""
    return (now or timezone.now()) - dt.timedelta(days=365 * RATING_MONTHS // 12)


def agency_list(*, q: str = "", city: str = "", service: str = "") -> QuerySet[Organisation]:
    """Agencies of the public directory: words in the name, the city it sits in
    or serves (市/州 code), a service it offers. Each row carries
    ``agent_count`` (practising agents)."""
    qs = (
        Organisation.objects.filter(kind=OrganisationKind.AGENCY)
        .select_related("region", "region__parent", "agency_profile")
        .annotate(agent_count=Count("agents", filter=Q(agents__active=True)))
    )
    if q:
        qs = qs.filter(name__icontains=q.strip())
    if city or service in AgencyService.values:
        # The profile's lists are JSON; portable filtering is done on the few rows here.
        keep = []
        for org in qs:
            profile = getattr(org, "agency_profile", None)
            served = profile.regions_served if profile else []
            in_city = not city or (
                org.region.code == city
                or (org.region.parent_id == city)
                or city in served
                or (profile is not None and not served)
            )
            offers = not service or (profile is not None and service in profile.services)
            if in_city and offers:
                keep.append(org.pk)
        qs = qs.filter(pk__in=keep)
    return qs.order_by("name", "pk")


def agency_get(*, organisation_id: int) -> Organisation:
    """One agency of the directory, or NotFound."""
    org = (
        Organisation.objects.filter(pk=organisation_id, kind=OrganisationKind.AGENCY)
        .select_related("region", "agency_profile")
        .first()
    )
    if org is None:
        raise NotFound("未找到该服务机构。")
    return org


def agency_profile(org: Organisation) -> AgencyProfile | None:
    return AgencyProfile.objects.filter(organisation=org).first()


def agency_agents(org: Organisation) -> QuerySet[Agent]:
    """The agency's practising agents."""
    return Agent.objects.filter(organisation=org, active=True).order_by("name", "pk")


def agency_workstations(org: Organisation) -> QuerySet[Workstation]:
    """Protection workstations and centres the agency hosts (its workstation roles)."""
    return Workstation.objects.filter(host=org, active=True).select_related("region")


def agency_training_hours(org: Organisation) -> Decimal | None:
    """Training hours earned by the agency's people (attendance recorded, certificate
    not revoked), as the training app counts them for the directory."""
    return hours_by_organisation([org.pk]).get(org.pk, Decimal(0))


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _avg(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class AgencyRatings:
    """The figures of one agency over the rating window, with their counts."""

    tickets_answered: int = 0
    tickets_on_time: int = 0
    tickets_rated: int = 0
    ticket_rating: Decimal | None = None
    assistance_handled: int = 0
    assistance_closed: int = 0
    assistance_rating: Decimal | None = None
    filings_submitted: int = 0
    filings_returned: int = 0
    filings_refused: int = 0

    @property
    def ticket_on_time_rate(self) -> Decimal | None:
        return _rate(self.tickets_on_time, self.tickets_answered)

    @property
    def return_rate(self) -> Decimal | None:
        return _rate(self.filings_returned, self.filings_submitted)

    @property
    def refusal_rate(self) -> Decimal | None:
        return _rate(self.filings_refused, self.filings_submitted)

    def basis(self) -> dict[str, str]:
        """Each figure in words with the counts it is computed from."""
        months = RATING_MONTHS
        tickets = f"近 {months} 个月办结服务工单 {self.tickets_answered} 件"
        if self.tickets_answered:
            tickets += f"，按时办结 {self.tickets_on_time} 件（{self.ticket_on_time_rate}%）"
        if self.tickets_rated:
            tickets += f"，{self.tickets_rated} 件评价平均 {self.ticket_rating} 分"
        assistance = f"近 {months} 个月承办维权援助 {self.assistance_handled} 件"
        if self.assistance_handled:
            assistance += f"，已办结 {self.assistance_closed} 件"
        if self.assistance_rating is not None:
            assistance += f"，满意度平均 {self.assistance_rating} 分"
        filings = f"近 {months} 个月提交备案/登记 {self.filings_submitted} 件"
        if self.filings_submitted:
            filings += (
                f"，退回补正 {self.filings_returned} 件（{self.return_rate}%）"
                f"，不予登记 {self.filings_refused} 件（{self.refusal_rate}%）"
            )
        return {"tickets": tickets, "assistance": assistance, "filings": filings}


def agency_ratings(
    org_ids: list[int], *, now: dt.datetime | None = None
) -> dict[int, AgencyRatings]:
    """The ratings of each agency in ``org_ids``: three grouped queries (tickets,
    assistance, filings) plus one for returned filings, whatever the count."""
    since = rating_since(now)
    ids = list(org_ids)
    if not ids:
        return {}
    tickets = {
        r["handled_by__organisation_id"]: r
        for r in ServiceTicket.objects.filter(
            handled_by__organisation_id__in=ids,
            state__in=workflow.ANSWERED,
            closed_at__gte=since,
        )
        .values("handled_by__organisation_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(late=False)),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            avg=Avg("rating"),
        )
        .order_by()
    }
    assistance = {
        r["station__host_id"]: r
        for r in AssistanceRequest.objects.filter(station__host_id__in=ids, submitted_at__gte=since)
        .values("station__host_id")
        .annotate(
            n=Count("pk"),
            closed=Count("pk", filter=Q(status=AssistanceStatus.CLOSED)),
            avg=Avg("satisfaction"),
        )
        .order_by()
    }
    submitted = Filing.objects.filter(organisation_id__in=ids, submitted_at__gte=since)
    filings = {
        r["organisation_id"]: r
        for r in submitted.values("organisation_id")
        .annotate(n=Count("pk"), refused=Count("pk", filter=Q(state=FilingState.REFUSED)))
        .order_by()
    }
    returned = {
        r["filing__organisation_id"]: r["n"]
        for r in FilingEvent.objects.filter(action="return", filing__in=submitted)
        .values("filing__organisation_id")
        .annotate(n=Count("filing_id", distinct=True))
        .order_by()
    }
    out = {}
    for pk in ids:
        t: Mapping[str, Any] = tickets.get(pk, {})
        a: Mapping[str, Any] = assistance.get(pk, {})
        f: Mapping[str, Any] = filings.get(pk, {})
        out[pk] = AgencyRatings(
            tickets_answered=t.get("n", 0),
            tickets_on_time=t.get("on_time", 0),
            tickets_rated=t.get("rated", 0),
            ticket_rating=_avg(t.get("avg")),
            assistance_handled=a.get("n", 0),
            assistance_closed=a.get("closed", 0),
            assistance_rating=_avg(a.get("avg")),
            filings_submitted=f.get("n", 0),
            filings_returned=returned.get(pk, 0),
            filings_refused=f.get("refused", 0),
        )
    return out


def may_read_flags(user: Any) -> bool:
    """Region staff read the 蓝天 flags of agencies (of their region's groups)."""
    return has_role(user, *FLAG_READERS) and region_path_of(user) is not None


def agency_flags(*, user: Any, organisation: Organisation) -> list[FlaggedGroup]:
    """The 蓝天 groups in ``user``'s region that name the agency among their
    agencies (names compared by :func:`applicant_key`, so 有限公司/（有限合伙）
    spellings match). Empty for anyone who is not region staff: the public
    directory never shows flags."""
    if not may_read_flags(user):
        return []
    key = applicant_key(organisation.name)
    groups = scope_queryset(user, FlaggedGroup.objects.all())
    hits = [
        pk
        for pk, names in groups.values_list("pk", "agencies")
        if any(applicant_key(str(n)) == key for n in (names or []))
    ]
    return list(
        FlaggedGroup.objects.filter(pk__in=hits).select_related("region").order_by("-score", "-id")
    )


def cities() -> QuerySet[Region]:
    """The 17 prefecture-level units, for filters and the regions-served form."""
    return Region.objects.filter(level=RegionLevel.PREFECTURE).order_by("code")
