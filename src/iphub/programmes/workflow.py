"""The one state machine every programme application follows.

``TRANSITIONS`` is the whole rule book: from which states a step may be taken,
the state it leads to, who may take it, and the working-day deadline the new
state carries. Services look steps up here; views ask :func:`available` which
buttons to show. Nothing else compares state strings.

Who, in words:

* applicant steps (resubmit after a return, withdraw) belong to the users of the
  applying organisation itself;
* city steps (return for correction, recommend to the province with scores)
  belong to window staff and supervisors of the prefecture-level unit (市/州)
  the applicant lies in; a county's staff and another city's do not reach them;
* province steps (approve within the quota, reject with a reason) belong to the
  province's window staff and supervisors (region 420000).

Deadlines (working days, ``core.calendar``): the city reviews within
``CITY_REVIEW_DAYS`` of a (re)submission, the province within
``PROVINCE_REVIEW_DAYS`` of the city's recommendation. A step taken after its
deadline marks the application ``late`` (the on-time indicator counts it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext, gettext_lazy

from iphub.core.calendar import due_at
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Role
from iphub.core.permissions import has_role, is_province, path_within, region_path_of, require_login
from iphub.programmes.models import ApplicationState as S

if TYPE_CHECKING:
    from iphub.programmes.models import ProgrammeApplication

Party = Literal["applicant", "city", "province"]
Deadline = Literal["city", "province"] | None

APPLICANT_ROLES = (Role.ENTERPRISE, Role.AGENCY)
REVIEW_ROLES = (Role.WINDOW, Role.SUPERVISOR)
# Working days each review level has (configurable here, in one place).
CITY_REVIEW_DAYS = 10
PROVINCE_REVIEW_DAYS = 15


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    party: Party
    roles: tuple[str, ...]
    due: Deadline


def _t(
    name: str, label: str, sources: set[str], target: str, party: Party, due: Deadline = None
) -> Transition:
    roles = APPLICANT_ROLES if party == "applicant" else REVIEW_ROLES
    return Transition(name, label, frozenset(sources), target, party, roles, due)


# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # name, label, from states, to state, who, deadline the "to" state carries
    _t("resubmit", "补正后重新提交", {S.RETURNED}, S.SUBMITTED, "applicant", "city"),
    _t("withdraw", "撤回申报", {S.SUBMITTED, S.RETURNED}, S.WITHDRAWN, "applicant"),
    _t("return", "退回补正", {S.SUBMITTED}, S.RETURNED, "city"),
    _t("recommend", "评分并推荐至省级", {S.SUBMITTED}, S.RECOMMENDED, "city", "province"),
    _t("approve", "评分并批准", {S.RECOMMENDED}, S.APPROVED, "province"),
    _t("reject", "不予批准", {S.RECOMMENDED}, S.REJECTED, "province"),
)
# fmt: on

BY_NAME = {t.name: t for t in TRANSITIONS}

HISTORY_LABELS = {
    "apply": gettext_lazy("提交申报"),
    "resubmit": gettext_lazy("补正后重新提交"),
    "withdraw": gettext_lazy("撤回申报"),
    "return": gettext_lazy("退回补正"),
    "recommend": gettext_lazy("评分并推荐至省级"),
    "approve": gettext_lazy("评分并批准"),
    "reject": gettext_lazy("不予批准"),
}

# States in which the application waits on a reviewer, and those it never leaves.
WAITING_ON_STAFF = frozenset({S.SUBMITTED, S.RECOMMENDED})
FINAL_STATES = frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN})


def step_label(name: str) -> str:
    """A history row's action in words (``recommend`` → 评分并推荐至省级)."""
    label = HISTORY_LABELS.get(name)
    return str(label) if label is not None else gettext("其他办理操作")


def transition(name: str) -> Transition:
    """The table row called ``name``."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ApplicationError(f"未知的办理操作“{name}”。", code="unknown_transition") from None


def is_city_staff_of(user: Any, region_path: str) -> bool:
    """True for staff whose region is the prefecture-level unit (市/州) containing
    ``region_path``: the province and the counties are not the city level."""
    scope = region_path_of(user)
    return scope is not None and scope.count("/") == 1 and path_within(region_path, scope)


def _reaches(user: Any, t: Transition, app: ProgrammeApplication) -> bool:
    if t.party == "applicant":
        return user.organisation_id is not None and user.organisation_id == app.organisation_id
    if t.party == "city":
        return is_city_staff_of(user, app.region.path)
    return is_province(user)


def may(user: Any, t: Transition, app: ProgrammeApplication) -> bool:
    """True if ``user`` holds a role and a region/organisation that allow step ``t``."""
    if not has_role(user, *t.roles):
        return False
    return user.is_superuser or _reaches(user, t, app)


def ensure_may(user: Any, t: Transition, app: ProgrammeApplication) -> None:
    """Raise :class:`AccessDenied` with the reason when ``user`` may not take step ``t``."""
    if may(user, t, app):
        return
    require_login(user)
    if t.party == "applicant":
        raise AccessDenied("只有申报单位本身可以办理该操作。")
    if user.role not in t.roles:
        raise AccessDenied(f"“{t.label}”只能由审核人员办理。")
    if t.party == "city":
        raise AccessDenied(f"“{t.label}”由申报单位所在市（州）的工作人员办理。")
    raise AccessDenied(f"“{t.label}”由省级工作人员办理。")


def available(user: Any, app: ProgrammeApplication) -> list[Transition]:
    """The steps ``user`` may take on ``app`` now (what buttons to show)."""
    return [t for t in TRANSITIONS if app.state in t.sources and may(user, t, app)]


def deadline(t: Transition, *, at: dt.datetime) -> dt.datetime | None:
    """The due time of the state entered by ``t``, counted from ``at``."""
    if t.due == "city":
        return due_at(at, CITY_REVIEW_DAYS)
    if t.due == "province":
        return due_at(at, PROVINCE_REVIEW_DAYS)
    return None
