"""The one place a filing changes state: lock the row, check who may, compare
the version and state, write the new state, the history row and the audit entry.

Two reviewers pressing "approve" at once: the row lock makes the second wait
for the first to commit; it then finds the state moved on (and the version
bumped) and is told who handled the filing. The conditional ``UPDATE ... WHERE
version = old`` is the same guarantee again for a database without row locks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.utils import timezone

from iphub.core.audit import audit_entry, audit_record_all
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.inserts import RowInserter, RowUpdater
from iphub.core.joined import JoinedLoader
from iphub.filings import catalogue, workflow
from iphub.filings.audit_actions import Action
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingEvent, FilingState

if TYPE_CHECKING:
    from iphub.core.models import AuditEntry

# Statements built once (core.inserts): the history rows every step appends, and
# the guarded UPDATE every step makes.
EVENT_ROWS = RowInserter(FilingEvent)
FILING_UPDATE = RowUpdater(Filing)

_TRACKED = (
    "state",
    "version",
    "due_at",
    "late",
    "submitted_at",
    "accepted_at",
    "decided_at",
    "escalated_at",
    "escalated_to_id",
    "handled_by_id",
    "handled_by_name",
    "return_reasons",
    "refusal_ground",
    "refusal_note",
    "registration_number",
    "verification_code",
)


def display_name(user: Any) -> str:
    """How a person is named to others: 姓名 if recorded, else the account name."""
    if user is None:
        return "系统"
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def conflict(filing: Filing, label: str) -> ApplicationError:
    """The message for a step that lost the race, or came too late."""
    state = FilingState(filing.state).label
    if filing.handled_by_name:
        msg = f"该申请已由 {filing.handled_by_name} 处理（当前状态：{state}），请刷新后查看。"
        code = FilingErrorCode.ALREADY_HANDLED
    else:
        msg = f"该申请当前状态为“{state}”，不能{label}。"
        code = FilingErrorCode.WRONG_STATE
    return ApplicationError(msg, code=code, status=409)


# The filing row locked (FOR UPDATE OF the filing only) with the region chain and
# organisation every step reads; SQL built once (core.joined), as this runs on
# every step of every filing.
_LOCK_LOADER = JoinedLoader(Filing, ["region__parent", "organisation"], '"t0"."id" = %s', lock=True)


def lock_filing(filing_id: int) -> Filing:
    """The filing, row-locked until the transaction ends; ``NotFound`` if absent."""
    filing: Filing | None = _LOCK_LOADER.first([filing_id])
    if filing is None:
        raise NotFound("未找到该申请。")
    return filing


def event_row(
    filing: Filing,
    *,
    action: str,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    frm: str = "",
    to: str | None = None,
) -> FilingEvent:
    """The history row of one action on ``filing`` (unsaved); ``to`` defaults to its state."""
    return FilingEvent(
        filing=filing,
        action=action,
        from_state=frm,
        to_state=filing.state if to is None else to,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=display_name(actor),
        note=note[:2000],
        at=at,
    )


def record_event(
    filing: Filing, *, action: str, actor: Any, at: dt.datetime, note: str = "", frm: str = ""
) -> FilingEvent:
    """Append one row to the filing's history."""
    event = event_row(filing, action=action, actor=actor, at=at, note=note, frm=frm)
    EVENT_ROWS.insert([event])
    return event


def advance(
    *,
    actor: Any,
    filing: Filing,
    t: workflow.Transition,
    now: dt.datetime,
    change: Callable[[Filing], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Take step ``t`` on ``filing`` in memory (state, version, deadline, times,
    who handled it, and ``change``); the tracked fields before and after."""
    before = {k: getattr(filing, k) for k in _TRACKED}
    if t.party == "staff":
        if filing.due_at is not None and now > filing.due_at:
            filing.late = True
        filing.handled_by = actor
        filing.handled_by_name = display_name(actor)
    filing.state = t.target
    filing.version = filing.version + 1
    service = catalogue.service_for(filing.kind, filing.operation)
    filing.due_at = workflow.deadline(t, service, at=now)
    if filing.due_at is not None:
        # A new deadline starts a new clock: escalation applies to this one afresh.
        filing.escalated_at = None
        filing.escalated_to = None
    if t.name in ("submit", "resubmit"):
        filing.submitted_at = now
    elif t.name == "accept":
        filing.accepted_at = now
    elif t.name in ("approve", "refuse"):
        filing.decided_at = now
    if change is not None:
        change(filing)
    return before, {k: getattr(filing, k) for k in _TRACKED}


def step(
    *,
    actor: Any,
    filing: Filing,
    name: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
    note: str = "",
    change: Callable[[Filing], None] | None = None,
) -> Filing:
    """Move a locked ``filing`` along transition ``name`` (see ``workflow.TRANSITIONS``)."""
    t = workflow.transition(name)
    now = now or timezone.now()
    workflow.ensure_may(actor, t, filing)
    if filing.state not in t.sources or (
        expected_version is not None and filing.version != expected_version
    ):
        raise conflict(filing, t.label)
    old_state, old_version = filing.state, filing.version
    before, values = advance(actor=actor, filing=filing, t=t, now=now, change=change)
    # Only what the step changed; a transition changes the same fields each time,
    # so the guarded UPDATE's SQL is built once per kind of step (core.inserts).
    changed = {k: v for k, v in values.items() if before[k] != v}
    guard = {"id": filing.pk, "version": old_version, "state": old_state}
    updated = FILING_UPDATE.update({**changed, "updated_at": now}, guard)
    if updated != 1:
        filing.refresh_from_db()
        raise conflict(filing, t.label)
    event, audit = step_records(
        filing, name, actor=actor, at=now, frm=old_state, note=note, before=before, after=values
    )
    EVENT_ROWS.insert([event])
    audit_record_all([audit])
    return filing


def step_records(
    filing: Filing,
    name: str,
    *,
    actor: Any,
    at: dt.datetime,
    frm: str,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str = "",
) -> tuple[FilingEvent, AuditEntry]:
    """The history row and the audit entry (unsaved) of step ``name`` just taken
    on ``filing`` from state ``frm``; ``before``/``after`` as :func:`advance` gives them."""
    event = event_row(filing, action=name, actor=actor, at=at, note=note, frm=frm)
    audit = audit_entry(
        actor=actor,
        action=Action.step(name),
        obj=filing,
        region_path=filing.region.path,
        before=before,
        after=after,
    )
    return event, audit


def version_bump(filing: Filing) -> None:
    """Count a change made outside a transition (corrections) against the version."""
    Filing.objects.filter(pk=filing.pk).update(version=F("version") + 1)
    filing.refresh_from_db(fields=["version"])
