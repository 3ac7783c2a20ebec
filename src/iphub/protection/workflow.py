"""Who may do what in protection, in tables: the enforcement case state machine,
the steps of assistance and fast-track requests, and when a 蓝天 group is decided.

The enforcement case state machine: every allowed move, in one table.

clue → filed → investigated → decided → closed, plus closing a clue that does
not justify a case (不予立案). Who may make a move is part of the table; the
service checks the table and nothing else decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _

from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Role
from iphub.core.permissions import has_role, in_region, require_roles
from iphub.protection.errors import ProtectionErrorCode
from iphub.protection.models import AssistanceStatus, CaseState, FastTrackStatus, GroupStatus
from iphub.protection.models.assistance import SERVICE_STATION_KINDS


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str  # the verb on the button
    roles: tuple[str, ...]
    # Fields the move needs filled in before it is allowed.
    requires: tuple[str, ...] = ()


ENFORCERS = (Role.ENFORCEMENT,)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(CaseState.CLUE, CaseState.FILED, "立案", ENFORCERS),
    Transition(CaseState.CLUE, CaseState.CLOSED, "不予立案", ENFORCERS),
    Transition(CaseState.FILED, CaseState.INVESTIGATED, "调查终结", ENFORCERS),
    Transition(
        CaseState.INVESTIGATED, CaseState.DECIDED, "作出处理决定", ENFORCERS, ("penalty_detail",)
    ),
    Transition(CaseState.DECIDED, CaseState.CLOSED, "结案", ENFORCERS),
)


def transitions_from(state: str) -> list[Transition]:
    """The moves out of ``state``, in table order."""
    return [t for t in TRANSITIONS if t.source == state]


def find_transition(source: str, target: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == source and t.target == target), None)


def case_is_open(case: Any) -> bool:
    """Evidence and cooperation requests are added until the case is closed."""
    return bool(case.state != CaseState.CLOSED)


def case_moves(user: Any, case: Any) -> list[Transition]:
    """The moves ``user`` may make on ``case`` now (the case page's buttons)."""
    return [t for t in transitions_from(case.state) if has_role(user, *t.roles)]


# --- Assistance and fast-track requests ---------------------------------------
# Who may move a request, from which states, and to which: one table per kind of
# request, read by the services (which refuse anything else) and by the views
# (which offer only the permitted steps).

Party = Literal["staff", "requester"]


@dataclass(frozen=True)
class Step:
    name: str  # what the form posts
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (a rating)
    label: str
    roles: tuple[str, ...]
    # staff: enforcement staff whose region contains the request;
    # requester: the person who asked.
    party: Party


REQUESTERS = (Role.ENTERPRISE, Role.AGENCY)
ASSISTANCE_REQUESTERS = (Role.ENTERPRISE,)

ASSISTANCE_STEPS: tuple[Step, ...] = (
    Step(
        "close",
        (AssistanceStatus.SUBMITTED, AssistanceStatus.ASSIGNED),
        AssistanceStatus.CLOSED,
        "办结",
        ENFORCERS,
        "staff",
    ),
    Step("feedback", (AssistanceStatus.CLOSED,), None, "评价", ASSISTANCE_REQUESTERS, "requester"),
)

_UNDECIDED = (FastTrackStatus.SUBMITTED, FastTrackStatus.ACCEPTED)
FASTTRACK_STEPS: tuple[Step, ...] = tuple(
    Step(str(s), _UNDECIDED, s, str(s.label), ENFORCERS, "staff")
    for s in (FastTrackStatus.ACCEPTED, FastTrackStatus.REJECTED, FastTrackStatus.COMPLETED)
)


def _reaches(user: Any, step: Step, item: Any) -> bool:
    if step.party == "requester":
        return bool(item.requester_id == user.pk)
    return in_region(user, item.region)


def step_allowed(user: Any, step: Step, item: Any) -> bool:
    """True if ``user`` may take ``step`` on ``item`` in its present status."""
    return (
        item.status in step.sources and has_role(user, *step.roles) and _reaches(user, step, item)
    )


def steps_for(user: Any, steps: tuple[Step, ...], item: Any) -> list[Step]:
    """The steps ``user`` may take on ``item`` now (what the page offers)."""
    return [s for s in steps if step_allowed(user, s, item)]


def step_check(user: Any, steps: tuple[Step, ...], name: str, item: Any) -> Step:
    """The step ``name`` if ``user`` may take it on ``item`` now; else raise, saying why.

    Checked under the row lock by the services. A staff member outside the
    request's region is told it does not exist (core.permissions: 404).
    """
    step = next((s for s in steps if s.name == name), None)
    if step is None:
        raise ApplicationError("状态无效。", fields={"status": "状态无效。"})
    require_roles(user, *step.roles)
    if step.party == "requester" and item.requester_id != user.pk:
        raise ApplicationError(
            f"只有申请人可以{step.label}。", code="permission_denied", status=403
        )
    if step.party == "staff" and not in_region(user, item.region):
        raise NotFound()
    if item.status not in step.sources:
        raise ApplicationError(
            f"该申请当前为“{item.get_status_display()}”，不能{step.label}。",
            code=ProtectionErrorCode.STALE_STATE,
            status=409,
        )
    return step


# --- 蓝天 flagged groups -------------------------------------------------------


def group_decidable(group: Any) -> bool:
    """A flagged group is confirmed or dismissed once, while it is open."""
    return bool(group.status == GroupStatus.OPEN)


def group_case_openable(group: Any, case: Any) -> bool:
    """Only a group confirmed as abnormal filing opens a case, and only one."""
    return bool(group.status == GroupStatus.CONFIRMED and case is None)


# --- University and lab service workstations -----------------------------------
# Who logs the services a service workstation gives: the host organisation's own
# users (a university account), and the window and supervision staff of the
# station's region. Nobody else; enforcement staff keep the protection stations.

SERVICE_HOSTS = (Role.ENTERPRISE,)
SERVICE_STAFF = (Role.WINDOW, Role.SUPERVISOR)


def is_service_station(station: Any) -> bool:
    return station.kind in SERVICE_STATION_KINDS


def station_hosted_by(user: Any, station: Any) -> bool:
    """True if ``user`` acts for the organisation hosting ``station``."""
    return bool(
        has_role(user, *SERVICE_HOSTS)
        and station.host_id is not None
        and getattr(user, "organisation_id", None) == station.host_id
    )


def station_service_reaches(user: Any, station: Any) -> bool:
    """True if ``user`` may see ``station``'s services log (and so log to it)."""
    if not is_service_station(station):
        return False
    if station_hosted_by(user, station):
        return True
    return has_role(user, *SERVICE_STAFF) and in_region(user, station.region)


def station_service_check(user: Any, station: Any) -> None:
    """Raise unless ``user`` may log a service of ``station``: 404 to whoever may not
    see it (another organisation, another region), 403 to a role that never logs."""
    if not is_service_station(station):
        raise ApplicationError(
            _("只有高校、科研院所服务工作站登记服务记录。"), code="permission_denied", status=403
        )
    if station_hosted_by(user, station):
        return
    if has_role(user, *SERVICE_STAFF):
        if not in_region(user, station.region):
            raise NotFound()
        return
    if has_role(user, *SERVICE_HOSTS):
        raise NotFound()
    require_roles(user, *SERVICE_HOSTS, *SERVICE_STAFF)
