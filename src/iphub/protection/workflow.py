"""The enforcement case state machine: every allowed move, in one table.

clue → filed → investigated → decided → closed, plus closing a clue that does
not justify a case (不予立案). Who may make a move is part of the table; the
service checks the table and nothing else decides it.
"""

from __future__ import annotations

from dataclasses import dataclass

from iphub.core.models import Role
from iphub.protection.models import CaseState


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
