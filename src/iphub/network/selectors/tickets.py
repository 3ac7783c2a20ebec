"""Reads of service tickets, each scoped to who asks: the requester's
organisation, the outlet's staff, the staff of the outlet's region."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from iphub.core.errors import AccessDenied, NotFound
from iphub.core.models import Role
from iphub.core.permissions import has_role, region_path_of, require_login, scope_queryset
from iphub.network import workflow
from iphub.network.models import Outlet, OutletStaff, ServiceTicket, TicketState

# Region staff who follow the outlets of their region (read only).
WATCH_ROLES = (Role.WINDOW, Role.SUPERVISOR)


def watches_region(user: Any) -> bool:
    """Region staff who see the tickets and figures of their region's outlets."""
    return has_role(user, *WATCH_ROLES) and region_path_of(user) is not None


def ticket_list(
    *, user: Any, state: str = "", outlet_id: int | None = None
) -> QuerySet[ServiceTicket]:
    """The tickets ``user`` may see: region staff their region's; an outlet's
    staff that outlet's; an enterprise or agency account its organisation's."""
    require_login(user)
    base = ServiceTicket.objects.select_related("outlet", "region", "organisation", "requester")
    if watches_region(user):
        qs = scope_queryset(user, base)
    else:
        mine = Q(outlet__staff__user_id=user.pk)
        if user.organisation_id is not None:
            mine |= Q(organisation_id=user.organisation_id)
        qs = base.filter(mine).distinct()
    if state in TicketState.values:
        qs = qs.filter(state=state)
    if outlet_id is not None:
        qs = qs.filter(outlet_id=outlet_id)
    return qs.order_by("-created_at", "-id")


def ticket_get(*, user: Any, ticket_id: int) -> ServiceTicket:
    """One ticket ``user`` may see, or NotFound (never "exists elsewhere")."""
    ticket = ticket_list(user=user).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("未找到该服务工单。")
    return ticket


def ticket_is_overdue(ticket: ServiceTicket, *, now: dt.datetime | None = None) -> bool:
    """Still owed by the outlet and past its due time."""
    now = now or timezone.now()
    return (
        ticket.state in workflow.WAITING_ON_OUTLET
        and ticket.due_at is not None
        and ticket.due_at < now
    )


def ticket_staff_view(user: Any, ticket: ServiceTicket) -> bool:
    """True if ``user`` answers for the ticket's outlet."""
    return workflow.is_outlet_staff(user, ticket.outlet_id)


@dataclass(frozen=True, slots=True)
class OutletFigures:
    """One outlet's counts over a period, and the rates drawn from them."""

    outlet: Outlet
    received: int
    answered: int
    on_time: int
    open_overdue: int
    rated: int
    average_rating: Decimal | None

    @property
    def on_time_rate(self) -> Decimal | None:
        """Closed on time over closed, in per cent (None: nothing closed yet)."""
        if not self.answered:
            return None
        return (Decimal(100) * self.on_time / self.answered).quantize(Decimal("0.1"), ROUND_HALF_UP)


def performance_outlets(*, user: Any) -> QuerySet[Outlet]:
    """The outlets whose figures ``user`` reads: region staff their region's,
    an outlet's staff their own outlets."""
    require_login(user)
    if watches_region(user):
        return scope_queryset(user, Outlet.objects.all())
    ids = OutletStaff.objects.filter(user_id=user.pk).values("outlet_id")
    qs = Outlet.objects.filter(pk__in=ids)
    if not qs.exists():
        raise AccessDenied("网点服务统计仅限辖区工作人员和网点服务人员查看。")
    return qs


def outlet_performance(
    *, user: Any, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> list[OutletFigures]:
    """Per outlet, for tickets submitted in [start, end): received, answered
    (closed with a result), answered on time, still open past the limit, rated
    and the average rating. One grouped query; outlets without tickets show 0."""
    now = now or timezone.now()
    outlets = list(
        performance_outlets(user=user).select_related("region").order_by("region__code", "name")
    )
    window = Q(tickets__created_at__gte=start, tickets__created_at__lt=end)
    answered = window & Q(tickets__state__in=workflow.ANSWERED)
    rows = (
        Outlet.objects.filter(pk__in=[o.pk for o in outlets])
        .values("pk")
        .annotate(
            received=Count("tickets", filter=window),
            answered=Count("tickets", filter=answered),
            on_time=Count("tickets", filter=answered & Q(tickets__late=False)),
            open_overdue=Count(
                "tickets",
                filter=window
                & Q(tickets__state__in=workflow.WAITING_ON_OUTLET, tickets__due_at__lt=now),
            ),
            rated=Count("tickets", filter=window & Q(tickets__rating__isnull=False)),
            average=Avg("tickets__rating", filter=window),
        )
    )
    by_pk = {r["pk"]: r for r in rows}
    out = []
    for o in outlets:
        r: Mapping[str, Any] = by_pk.get(o.pk, {})
        avg = r.get("average")
        out.append(
            OutletFigures(
                outlet=o,
                received=r.get("received", 0),
                answered=r.get("answered", 0),
                on_time=r.get("on_time", 0),
                open_overdue=r.get("open_overdue", 0),
                rated=r.get("rated", 0),
                average_rating=None
                if avg is None
                else Decimal(str(avg)).quantize(Decimal("0.1"), ROUND_HALF_UP),
            )
        )
    return out
