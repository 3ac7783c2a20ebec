"""Network endpoints: the public outlet registry and agencies directory, and
the caller's service tickets (scoped as the pages are)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from iphub.core.apiauth import AUTH
from iphub.network.selectors import agencies as agency_sel
from iphub.network.selectors import outlets as outlet_sel
from iphub.network.selectors import tickets as ticket_sel

router = Router(tags=["network"])


class OutletOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    host: str
    region: str
    address: str
    longitude: float
    latitude: float
    services: list[str]
    opening_hours: str
    phone: str


class TicketOut(Schema):
    id: int
    reference: str
    outlet: str
    service: str
    subject: str
    state: str
    due_at: dt.datetime | None
    closed_at: dt.datetime | None
    late: bool
    rating: int | None


class AgencyOut(Schema):
    id: int
    name: str
    region: str
    agents: int
    filings_submitted: int
    filings_returned: int
    filings_refused: int
    tickets_answered: int
    tickets_on_time: int
    assistance_handled: int


def _outlet(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "kind": o.kind,
        "level": o.level,
        "host": o.host_name,
        "region": o.region_id,
        "address": o.address,
        "longitude": o.longitude,
        "latitude": o.latitude,
        "services": list(o.services),
        "opening_hours": o.opening_hours,
        "phone": o.phone,
    }


@router.get("/network/outlets", response=list[OutletOut], auth=None)
def outlets(
    request: HttpRequest, kind: str = "", service: str = "", city: str = ""
) -> list[dict[str, Any]]:
    """The public registry of information service outlets."""
    return [_outlet(o) for o in outlet_sel.outlet_list(kind=kind, service=service, city=city)]


@router.get("/network/outlets/{outlet_id}", response=OutletOut, auth=None)
def outlet(request: HttpRequest, outlet_id: int) -> dict[str, Any]:
    """One outlet of the public registry."""
    return _outlet(outlet_sel.outlet_get(outlet_id=outlet_id))


@router.get("/network/tickets", response=list[TicketOut], auth=AUTH)
def tickets(request: HttpRequest, state: str = "") -> list[dict[str, Any]]:
    """The caller's tickets (as the ticket list page shows them), newest first."""
    return [
        {
            "id": t.pk,
            "reference": t.reference,
            "outlet": t.outlet.name,
            "service": t.service,
            "subject": t.subject,
            "state": t.state,
            "due_at": t.due_at,
            "closed_at": t.closed_at,
            "late": t.late,
            "rating": t.rating,
        }
        for t in ticket_sel.ticket_list(user=request.user, state=state)[:200]
    ]


@router.get("/network/agencies", response=list[AgencyOut], auth=None)
def agencies(request: HttpRequest, q: str = "", city: str = "") -> list[dict[str, Any]]:
    """The public agencies directory with each agency's record-based figures."""
    orgs = list(agency_sel.agency_list(q=q, city=city)[:200])
    ratings = agency_sel.agency_ratings([o.pk for o in orgs])
    return [
        {
            "id": o.pk,
            "name": o.name,
            "region": o.region_id,
            "agents": getattr(o, "agent_count", 0),
            "filings_submitted": ratings[o.pk].filings_submitted,
            "filings_returned": ratings[o.pk].filings_returned,
            "filings_refused": ratings[o.pk].filings_refused,
            "tickets_answered": ratings[o.pk].tickets_answered,
            "tickets_on_time": ratings[o.pk].tickets_on_time,
            "assistance_handled": ratings[o.pk].assistance_handled,
        }
        for o in orgs
    ]
