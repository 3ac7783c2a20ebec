"""The one state machine a service ticket follows.

``TRANSITIONS`` is the whole rule book: from which states a step may be taken,
the state it leads to, who may take it, and the deadline the new state carries.
Services look steps up here; views and the API ask :func:`available` which
buttons to show. Nothing else compares ticket states.

Who, in words:

* outlet steps (accept, decline, close with a result) belong to the outlet's
  own staff: accounts with a membership row (``OutletStaff``) for the ticket's
  outlet. Region staff (window, supervisor) see the tickets of their region but
  do not answer them;
* requester steps (withdraw, rate) belong to the account that opened the
  ticket — a colleague of the same company does not rate someone else's ticket.

Time limit: an outlet answers (closes with a result) within
``NETWORK_TICKET_DAYS`` working days (default **5**, a setting) counted with
``core.calendar.due_at`` from the submission (office-hours cut-off: a ticket
sent in the evening counts from the next working day). The deadline is set at
submission and accepting does not move it: the requester waits for an answer,
not for an acknowledgement. A ticket closed after its due time is ``late``;
the on-time rate of an outlet is closed-on-time over closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.utils.translation import gettext_lazy

from iphub.core.calendar import due_at
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.network.models import TicketState as S

if TYPE_CHECKING:
    from iphub.network.models import ServiceTicket

Party = Literal["outlet", "requester"]


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    party: Party
    # What the step's form asks for beyond the click (the service validates them).
    fields: tuple[str, ...] = ()


def _t(
    name: str,
    label: str,
    sources: set[str],
    target: str,
    party: Party,
    fields: tuple[str, ...] = (),
) -> Transition:
    return Transition(name, gettext_lazy(label), frozenset(sources), target, party, fields)


# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # name, label, from states, to state, who, form fields
    _t("accept", "受理", {S.SUBMITTED}, S.ACCEPTED, "outlet"),
    _t("decline", "不予受理", {S.SUBMITTED}, S.DECLINED, "outlet", ("reason",)),
    _t("close", "办结并答复", {S.SUBMITTED, S.ACCEPTED}, S.CLOSED, "outlet", ("result", "file")),
    _t("withdraw", "撤回", {S.SUBMITTED, S.ACCEPTED}, S.WITHDRAWN, "requester"),
    _t("rate", "评价", {S.CLOSED}, S.RATED, "requester", ("rating", "comment")),
)
# fmt: on

BY_NAME = {t.name: t for t in TRANSITIONS}
HISTORY_LABELS = {
    "create": gettext_lazy("提交服务工单"),
    "overdue": gettext_lazy("超期未办结"),
} | {t.name: t.label for t in TRANSITIONS}

# States in which the outlet still owes the answer and the deadline runs.
WAITING_ON_OUTLET = frozenset({S.SUBMITTED, S.ACCEPTED})
# States in which the outlet has answered with a result.
ANSWERED = frozenset({S.CLOSED, S.RATED})


def step_label(name: str) -> str:
    """A history row's action in words (``accept`` → 受理)."""
    return str(HISTORY_LABELS.get(name, gettext_lazy("其他办理操作")))


def transition(name: str) -> Transition:
    """The table row called ``name``."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ApplicationError(f"未知的办理操作“{name}”。", code="unknown_transition") from None


def ticket_days() -> int:
    """Working days an outlet has to answer a ticket (``NETWORK_TICKET_DAYS``)."""
    return int(getattr(settings, "NETWORK_TICKET_DAYS", 5))


def deadline(*, at: dt.datetime) -> dt.datetime:
    """The due time of a ticket submitted at ``at``."""
    return due_at(at, ticket_days())


def is_outlet_staff(user: Any, outlet_id: int) -> bool:
    """True if ``user`` holds a membership row for the outlet."""
    if user is None or not user.is_authenticated:
        return False
    from iphub.network.models import OutletStaff

    return OutletStaff.objects.filter(outlet_id=outlet_id, user_id=user.pk).exists()


def may(user: Any, t: Transition, ticket: ServiceTicket, *, staff: bool | None = None) -> bool:
    """True if ``user`` is the party step ``t`` belongs to on ``ticket``
    (``staff``: whether they are the outlet's staff, when already known)."""
    if user is None or not user.is_authenticated:
        return False
    if t.party == "requester":
        return bool(user.pk == ticket.requester_id)
    return staff if staff is not None else is_outlet_staff(user, ticket.outlet_id)


def ensure_may(user: Any, t: Transition, ticket: ServiceTicket) -> None:
    """Raise :class:`AccessDenied` with the reason when ``user`` may not take ``t``."""
    if may(user, t, ticket):
        return
    if user is None or not user.is_authenticated:
        raise ApplicationError("请先登录。", code="not_authenticated", status=401)
    if t.party == "requester":
        raise AccessDenied(f"“{t.label}”只能由提交该工单的申请人本人办理。")
    raise AccessDenied(f"“{t.label}”只能由{ticket.outlet.name}的服务人员办理。")


def available(user: Any, ticket: ServiceTicket, *, staff: bool | None = None) -> list[Transition]:
    """The steps ``user`` may take on ``ticket`` now (what buttons to show)."""
    if staff is None and user is not None and user.is_authenticated:
        staff = is_outlet_staff(user, ticket.outlet_id)
    return [
        t for t in TRANSITIONS if ticket.state in t.sources and may(user, t, ticket, staff=staff)
    ]
