"""The one state machine every filing follows.

``TRANSITIONS`` is the whole rule book in one table: from which states a step
may be taken, the state it leads to, who may take it (role, and whose region or
organisation), and the deadline the new state carries. Services look steps up
here; views and the API ask :func:`available` which buttons to show. Nothing
else compares state strings.

Who, in words:

* applicant steps (submit, resubmit, withdraw) belong to enterprise and agency
  users of the filing's own organisation;
* staff steps belong to window staff whose region contains the filing's
  handling region (a city clerk for a city-level service; the province above
  every city). A district clerk does not reach a city-level filing, and a
  supervisor watches but does not decide.

Deadlines: a state that waits on staff carries a due time computed with the
working-day calendar from the moment it was entered; ``accept`` counts the
catalogue's ``accept_days``, ``review`` its ``time_limit_days`` (pledge: one
working day from acceptance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext, gettext_lazy

from iphub.core.calendar import due_at
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Role
from iphub.core.permissions import has_role, path_within, region_path_of, require_login
from iphub.filings.models import FilingState as S

if TYPE_CHECKING:
    from iphub.filings.catalogue import Service
    from iphub.filings.models import Filing

Party = Literal["applicant", "staff"]
Deadline = Literal["accept", "review"] | None

APPLICANT_ROLES = (Role.ENTERPRISE, Role.AGENCY)
REVIEW_ROLES = (Role.WINDOW,)


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    party: Party
    roles: tuple[str, ...]
    due: Deadline
    # Steps that only happen as the effect of another (an amendment's approval).
    automatic: bool = False


def _t(
    name: str,
    label: str,
    sources: set[str],
    target: str,
    party: Party,
    due: Deadline = None,
    *,
    auto: bool = False,
) -> Transition:
    roles = APPLICANT_ROLES if party == "applicant" else REVIEW_ROLES
    return Transition(name, label, frozenset(sources), target, party, roles, due, auto)


# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # name, label, from states, to state, who (applicant/staff), deadline the "to" state carries
    _t("submit", "提交", {S.DRAFT}, S.SUBMITTED, "applicant", "accept"),
    _t("resubmit", "补正后重新提交", {S.RETURNED}, S.SUBMITTED, "applicant", "accept"),
    _t("withdraw", "撤回申请", {S.DRAFT, S.SUBMITTED, S.RETURNED}, S.WITHDRAWN, "applicant"),
    _t("accept", "受理", {S.SUBMITTED}, S.ACCEPTED, "staff", "review"),
    _t("return", "退回补正", {S.SUBMITTED, S.ACCEPTED}, S.RETURNED, "staff"),
    _t("approve", "准予登记/备案", {S.ACCEPTED}, S.REGISTERED, "staff"),
    _t("refuse", "不予登记/备案", {S.SUBMITTED, S.ACCEPTED}, S.REFUSED, "staff"),
    _t("supersede", "变更登记生效", {S.REGISTERED}, S.CHANGED, "staff", auto=True),
    _t("cancel", "注销登记生效", {S.REGISTERED}, S.CANCELLED, "staff", auto=True),
)
# fmt: on

BY_NAME = {t.name: t for t in TRANSITIONS}

# The history a filing shows: every step above and the events that are not steps.
HISTORY_LABELS = {
    "create": gettext_lazy("创建申请"),
    "edit": gettext_lazy("修改草稿"),
    "correct": gettext_lazy("补正材料"),
    "escalate": gettext_lazy("超时提请督办"),
    "submit": gettext_lazy("提交"),
    "resubmit": gettext_lazy("补正后重新提交"),
    "withdraw": gettext_lazy("撤回申请"),
    "accept": gettext_lazy("受理"),
    "return": gettext_lazy("退回补正"),
    "approve": gettext_lazy("准予登记/备案"),
    "refuse": gettext_lazy("不予登记/备案"),
    "supersede": gettext_lazy("变更登记生效"),
    "cancel": gettext_lazy("注销登记生效"),
}


def step_label(name: str) -> str:
    """A history row's action in words (``accept`` → 受理)."""
    label = HISTORY_LABELS.get(name)
    return str(label) if label is not None else gettext("其他办理操作")


# States in which the filing waits on staff and a deadline runs.
WAITING_ON_STAFF = frozenset(t.target for t in TRANSITIONS if t.due)
FINAL_STATES = frozenset({S.REFUSED, S.WITHDRAWN, S.CHANGED, S.CANCELLED})


def transition(name: str) -> Transition:
    """The table row called ``name``."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ApplicationError(f"未知的办理操作“{name}”。", code="unknown_transition") from None


def _reaches(user: Any, t: Transition, filing: Filing) -> bool:
    if t.party == "applicant":
        return user.organisation_id is not None and user.organisation_id == filing.organisation_id
    scope = region_path_of(user)
    return scope is not None and path_within(filing.region.path, scope)


def may(user: Any, t: Transition, filing: Filing) -> bool:
    """True if ``user`` holds a role and a region/organisation that allow step ``t``."""
    if not has_role(user, *t.roles):
        return False
    return user.is_superuser or _reaches(user, t, filing)


def ensure_may(user: Any, t: Transition, filing: Filing) -> None:
    """Raise :class:`AccessDenied` with the reason when ``user`` may not take step ``t``."""
    if may(user, t, filing):
        return
    require_login(user)
    if user.role not in t.roles:
        who = "申请单位" if t.party == "applicant" else "受理窗口人员"
        raise AccessDenied(f"“{t.label}”只能由{who}办理。")
    if t.party == "applicant":
        raise AccessDenied("只有申请单位本身可以办理该操作。")
    raise AccessDenied(f"该申请由{filing.region.name}受理，不在您的管辖范围内。")


def available(user: Any, filing: Filing) -> list[Transition]:
    """The steps ``user`` may take on ``filing`` now (what buttons to show)."""
    return [
        t
        for t in TRANSITIONS
        if not t.automatic and filing.state in t.sources and may(user, t, filing)
    ]


def deadline(t: Transition, service: Service, *, at: dt.datetime) -> dt.datetime | None:
    """The due time the state entered by ``t`` carries, counted from ``at``."""
    if t.due == "accept":
        return due_at(at, service.accept_days)
    if t.due == "review":
        return due_at(at, service.time_limit_days)
    return None


def ensure_draft_editable(filing: Filing) -> None:
    """Only a draft is changed in its form; once submitted, a filing changes by the
    steps above (returned for correction, then resubmitted)."""
    if filing.state != S.DRAFT:
        raise ApplicationError("只有草稿可以修改。", code="not_editable", status=409)


def notice_valid(filing: Filing) -> bool:
    """Whether a registration notice still stands, as its verification page and the
    API both say: only while the filing is registered (a cancelled one's does not)."""
    return filing.state == S.REGISTERED
