"""The rule book of the brands register, in two tables.

``ENTRY_STEPS``: a register entry (GI, collective or certification mark) is
drafted by the staff of its area, published (the public sees it from then on)
and may be revoked (it stays visible to staff, marked revoked, with its reason).
``APPLICATION_STEPS``: an enterprise's application to use a GI's special mark is
approved or refused by the entry's staff, or withdrawn by the enterprise while
it waits.

Who, in words: the keepers of an entry are window staff and supervisors whose
region contains the entry's region (a city's staff keep its entries and those
of its counties; the province keeps all). Applicant steps belong to enterprise
and agency users of the applying organisation. Services look steps up here;
views ask :func:`entry_actions` / :func:`application_actions` which buttons to
show. Nothing else compares these states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext_lazy

from iphub.brands.models import ApplicationState as A
from iphub.brands.models import EntryState as E
from iphub.brands.models import Indication, UseApplication
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Role
from iphub.core.permissions import has_role, in_region, require_login

Party = Literal["applicant", "staff"]

KEEPER_ROLES = (Role.WINDOW, Role.SUPERVISOR)
APPLICANT_ROLES = (Role.ENTERPRISE, Role.AGENCY)


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    party: Party
    # The step asks for a reason in words (kept in the audit trail and shown).
    needs_reason: bool = False


# fmt: off
ENTRY_STEPS: tuple[Step, ...] = (
    # name, label, from states, to state, who
    Step("publish", gettext_lazy("公布"), frozenset({E.DRAFT}), E.PUBLISHED, "staff"),
    Step("revoke", gettext_lazy("撤销"), frozenset({E.PUBLISHED}), E.REVOKED, "staff", True),
)
APPLICATION_STEPS: tuple[Step, ...] = (
    Step("approve", gettext_lazy("核准使用"), frozenset({A.SUBMITTED}), A.APPROVED, "staff"),
    Step("refuse", gettext_lazy("不予核准"), frozenset({A.SUBMITTED}), A.REFUSED, "staff", True),
    Step("withdraw", gettext_lazy("撤回申请"), frozenset({A.SUBMITTED}), A.WITHDRAWN, "applicant"),
)
# fmt: on

# States in which an entry's content may still be edited, and in which
# authorised users may be added or enterprises may apply.
EDITABLE = frozenset({E.DRAFT})
OPEN_FOR_USE = frozenset({E.PUBLISHED})
# Kinds whose special mark enterprises apply to use (地理标志专用标志).
GI_KINDS = frozenset({"gi_product", "gi_mark"})


def is_keeper(user: Any, entry: Indication) -> bool:
    """Whether ``user`` keeps ``entry`` (staff role, region containing the entry's)."""
    return has_role(user, *KEEPER_ROLES) and in_region(user, entry.region)


def ensure_keeper(user: Any, entry: Indication) -> None:
    """Raise unless ``user`` keeps ``entry``."""
    if is_keeper(user, entry):
        return
    require_login(user)
    raise AccessDenied(f"“{entry.name}”由{entry.region.name}的工作人员维护。")


def _step(table: tuple[Step, ...], name: str) -> Step:
    for s in table:
        if s.name == name:
            return s
    raise ApplicationError(f"未知的办理操作“{name}”。", code="unknown_step")


def entry_step(name: str) -> Step:
    return _step(ENTRY_STEPS, name)


def application_step(name: str) -> Step:
    return _step(APPLICATION_STEPS, name)


def may_entry(user: Any, step: Step, entry: Indication) -> bool:
    return entry.state in step.sources and is_keeper(user, entry)


def may_application(user: Any, step: Step, app: UseApplication) -> bool:
    if app.state not in step.sources:
        return False
    if step.party == "applicant":
        return (
            has_role(user, *APPLICANT_ROLES)
            and user.organisation_id is not None
            and user.organisation_id == app.organisation_id
        )
    return is_keeper(user, app.indication)


def ensure_entry_step(user: Any, step: Step, entry: Indication) -> None:
    """Raise with the reason when ``user`` may not take ``step`` on ``entry``."""
    if entry.state not in step.sources:
        raise ApplicationError(
            f"当前状态为“{entry.get_state_display()}”，不能{step.label}。",
            code="wrong_state",
            status=409,
        )
    ensure_keeper(user, entry)


def ensure_application_step(user: Any, step: Step, app: UseApplication) -> None:
    """Raise with the reason when ``user`` may not take ``step`` on ``app``."""
    if app.state not in step.sources:
        raise ApplicationError(
            f"申请已是“{app.get_state_display()}”，不能{step.label}。",
            code="wrong_state",
            status=409,
        )
    if may_application(user, step, app):
        return
    require_login(user)
    if step.party == "applicant":
        raise AccessDenied("只有申请单位本身可以撤回申请。")
    ensure_keeper(user, app.indication)


def entry_actions(user: Any, entry: Indication) -> list[Step]:
    """The steps ``user`` may take on ``entry`` now (the buttons to show)."""
    return [s for s in ENTRY_STEPS if may_entry(user, s, entry)]


def application_actions(user: Any, app: UseApplication) -> list[Step]:
    """The steps ``user`` may take on ``app`` now."""
    return [s for s in APPLICATION_STEPS if may_application(user, s, app)]


def can_edit(user: Any, entry: Indication) -> bool:
    return entry.state in EDITABLE and is_keeper(user, entry)


def can_grant(user: Any, entry: Indication) -> bool:
    """Whether ``user`` may record an authorised user of ``entry`` directly."""
    return entry.state in OPEN_FOR_USE and entry.kind in GI_KINDS and is_keeper(user, entry)


def can_apply(user: Any, entry: Indication) -> bool:
    """Whether ``user`` may apply for its organisation to use ``entry``'s special mark."""
    return (
        entry.state in OPEN_FOR_USE
        and entry.kind in GI_KINDS
        and has_role(user, *APPLICANT_ROLES)
        and user.organisation_id is not None
    )
