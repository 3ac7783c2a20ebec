"""The rule book of overseas dispute cases, in one table.

A case is opened (by the enterprise, or by staff for an enterprise of their
region), accepted by staff of the enterprise's region (应对中), during which
staff write guidance notices and assign experts, and closed with what came of
it; the enterprise may withdraw it until it is closed.

Who, in words: case staff are enforcement/protection staff and supervisors
whose region contains the case's region; applicant steps belong to enterprise
and agency users of the case's organisation. The expert pool and the watches
are the province's: kept by provincial enforcement staff and supervisors.
Services look steps up here; views ask :func:`case_actions`. Nothing else
compares case states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext_lazy

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Role
from iphub.core.permissions import has_role, in_region, is_province, require_login
from iphub.overseas.models import CaseState as S
from iphub.overseas.models import DisputeCase

Party = Literal["applicant", "staff"]

STAFF_ROLES = (Role.ENFORCEMENT, Role.SUPERVISOR)
APPLICANT_ROLES = (Role.ENTERPRISE, Role.AGENCY)
# Experts on one case at most (a case needs a small team, not the pool).
MAX_EXPERTS = 3


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    party: Party
    needs_text: bool = False


# fmt: off
CASE_STEPS: tuple[Step, ...] = (
    # name, label, from states, to state, who, asks for words
    Step("accept", gettext_lazy("受理"), frozenset({S.OPEN}), S.HANDLING, "staff"),
    Step("close", gettext_lazy("办结"), frozenset({S.HANDLING}), S.CLOSED, "staff", True),
    Step("withdraw", gettext_lazy("撤回"), frozenset({S.OPEN, S.HANDLING}), S.WITHDRAWN,
         "applicant"),
)
# fmt: on

# States in which staff write guidance and assign experts.
WORKING = frozenset({S.OPEN, S.HANDLING})


def is_case_staff(user: Any, case: DisputeCase) -> bool:
    return has_role(user, *STAFF_ROLES) and in_region(user, case.region)


def is_own(user: Any, case: DisputeCase) -> bool:
    return (
        has_role(user, *APPLICANT_ROLES)
        and user.organisation_id is not None
        and user.organisation_id == case.organisation_id
    )


def keeps_pool(user: Any) -> bool:
    """The expert pool and the watches are kept by provincial staff."""
    return has_role(user, *STAFF_ROLES) and is_province(user)


def ensure_keeps_pool(user: Any) -> None:
    require_login(user)
    if not keeps_pool(user):
        raise AccessDenied("专家库和海外风险监测由省级执法（保护）人员和督导人员维护。")


def step(name: str) -> Step:
    for s in CASE_STEPS:
        if s.name == name:
            return s
    raise ApplicationError(f"未知的办理操作“{name}”。", code="unknown_step")


def may(user: Any, s: Step, case: DisputeCase) -> bool:
    if case.state not in s.sources:
        return False
    return is_own(user, case) if s.party == "applicant" else is_case_staff(user, case)


def ensure_may(user: Any, s: Step, case: DisputeCase) -> None:
    if case.state not in s.sources:
        raise ApplicationError(
            f"案件已是“{case.get_state_display()}”，不能{s.label}。", code="wrong_state", status=409
        )
    if may(user, s, case):
        return
    require_login(user)
    if s.party == "applicant":
        raise AccessDenied("只有案件所属企业可以撤回。")
    raise AccessDenied(f"“{s.label}”由{case.region.name}的执法（保护）人员办理。")


def case_actions(user: Any, case: DisputeCase) -> list[Step]:
    """The steps ``user`` may take on ``case`` now (the buttons to show)."""
    return [s for s in CASE_STEPS if may(user, s, case)]


def can_work(user: Any, case: DisputeCase) -> bool:
    """Whether ``user`` may write guidance and assign experts on ``case`` now."""
    return case.state in WORKING and is_case_staff(user, case)


def ensure_can_work(user: Any, case: DisputeCase) -> None:
    if case.state not in WORKING:
        raise ApplicationError(
            f"案件已是“{case.get_state_display()}”，不能再指导或指派专家。",
            code="wrong_state",
            status=409,
        )
    if not is_case_staff(user, case):
        require_login(user)
        raise AccessDenied(f"该案件由{case.region.name}的执法（保护）人员办理。")


def can_open_case(user: Any) -> bool:
    """Enterprises open cases for themselves; case staff for their region's enterprises."""
    return has_role(user, *STAFF_ROLES) or (
        has_role(user, *APPLICANT_ROLES) and user.organisation_id is not None
    )


def ensure_can_open_case(user: Any) -> None:
    """Raise unless ``user`` may open a case (the cases page's home card checks it)."""
    require_login(user)
    if not can_open_case(user):
        raise AccessDenied("海外纠纷由企业账号登记，或由执法（保护）人员代为登记。")


def can_subscribe(user: Any) -> bool:
    """Enterprises (and agencies) subscribe their organisation to watches."""
    return has_role(user, *APPLICANT_ROLES) and user.organisation_id is not None


def reads_pool(user: Any) -> bool:
    """The expert pool is read by case staff of every region."""
    return has_role(user, *STAFF_ROLES)


def ensure_reads_pool(user: Any) -> None:
    require_login(user)
    if not reads_pool(user):
        raise AccessDenied("专家库仅供执法（保护）人员和督导人员查看。")
