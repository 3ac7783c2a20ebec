"""The one state machine every monthly report follows.

``TRANSITIONS`` is the rule book: from which states a step may be taken, where it
leads, and who may take it. The *reporter* is a supervisor whose region is the
report's own region (the city's office reports for the city); the *reviewer* is
a supervisor whose region strictly contains the report's region (the province
for a city, the city for a county that reports). Nothing else compares states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext, gettext_lazy

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Role
from iphub.core.permissions import has_role, path_within, region_path_of
from iphub.supervision.errors import SupervisionError
from iphub.supervision.models import MonthlyReport
from iphub.supervision.models import ReportState as S

Party = Literal["reporter", "reviewer"]


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    party: Party
    roles: tuple[str, ...] = (Role.SUPERVISOR,)
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("submit", "报送", frozenset({S.DRAFT}), S.SUBMITTED, "reporter"),
        Transition(
            "return",
            "退回修改",
            frozenset({S.SUBMITTED, S.RESUBMITTED}),
            S.RETURNED,
            "reviewer",
            needs_reason=True,
        ),
        Transition("resubmit", "重新报送", frozenset({S.RETURNED}), S.RESUBMITTED, "reporter"),
        Transition(
            "accept", "采纳", frozenset({S.SUBMITTED, S.RESUBMITTED}), S.ACCEPTED, "reviewer"
        ),
    )
}

EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})

# A report's history in words (one per step above).
STEP_LABELS = {
    "submit": gettext_lazy("报送"),
    "return": gettext_lazy("退回修改"),
    "resubmit": gettext_lazy("重新报送"),
    "accept": gettext_lazy("采纳"),
}


def step_label(name: str) -> str:
    """A history row's step in words (``accept`` → 采纳)."""
    label = STEP_LABELS.get(name)
    return str(label) if label is not None else gettext("其他操作")


def party_of(user: Any, report: MonthlyReport) -> Party | None:
    """Whether ``user`` reports or reviews ``report`` (None: neither)."""
    if not has_role(user, Role.SUPERVISOR):
        return None
    scope = region_path_of(user)
    if scope is None:
        return None
    if scope == report.region.path:
        return "reporter"
    if path_within(report.region.path, scope):
        return "reviewer"
    return None


def available(user: Any, report: MonthlyReport) -> list[Transition]:
    """The steps ``user`` may take on ``report`` now (for buttons)."""
    party = party_of(user, report)
    return [t for t in TRANSITIONS.values() if t.party == party and report.state in t.sources]


def check(user: Any, report: MonthlyReport, name: str) -> Transition:
    """The transition ``name``, if ``user`` may take it on ``report`` now; else raise."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise ApplicationError("未知的操作。", code=SupervisionError.TRANSITION_NOT_ALLOWED)
    party = party_of(user, report)
    if party != t.party:
        raise AccessDenied("您无权对该地区的月报执行此操作。")
    if report.state not in t.sources:
        raise ApplicationError(
            f"月报当前状态为“{report.get_state_display()}”，不能{t.label}。",
            code=SupervisionError.TRANSITION_NOT_ALLOWED,
            status=409,
        )
    return t
