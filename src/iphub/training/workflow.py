"""The one state machine every training registration follows.

``TRANSITIONS`` is the rule book: from which states a step may be taken, the
state it leads to, who may take it and what limits it. Services look steps up
here; views ask :func:`available` which buttons to show. Nothing else compares
registration states.

Who, in words:

* trainee steps (register, cancel, check in by the session's QR code, pass the
  test) belong to the person registered;
* staff steps (roll-call, revoking a certificate) belong to the staff who keep
  the course: window staff or supervisors of the course's region (a city's
  course: that city's staff and the province's), see :func:`may_keep`.

Limits: ``register`` is open until the session's registration deadline and while
seats are left; ``cancel`` until the session starts; ``check_in`` with a token
that is valid from an hour before the session until two hours after it ends;
``certify`` is the effect of passing the test after attendance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import RegionLevel, Role
from iphub.core.permissions import can_edit_owned, has_role, require_login
from iphub.training.models import RegistrationState as S

if TYPE_CHECKING:
    from iphub.training.models import Course, Registration

Party = Literal["trainee", "staff"]
# Who keeps courses: window staff (受理窗口) and supervisors of a province or city.
KEEPER_ROLES = (Role.WINDOW, Role.SUPERVISOR)
KEEPER_LEVELS = (RegionLevel.PROVINCE, RegionLevel.PREFECTURE)
# The QR code opens this long before the session and closes this long after it.
CHECK_IN_OPENS_BEFORE = dt.timedelta(hours=1)
CHECK_IN_CLOSES_AFTER = dt.timedelta(hours=2)
NEW = ""  # a registration not made yet


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    party: Party
    automatic: bool = False


def _t(
    name: str, label: str, sources: set[str], target: str, party: Party, *, auto: bool = False
) -> Transition:
    return Transition(name, gettext_lazy(label), frozenset(sources), target, party, auto)


# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # name, label, from states, to state, who
    _t("register", "报名", {NEW, S.CANCELLED}, S.REGISTERED, "trainee"),
    _t("cancel", "取消报名", {S.REGISTERED}, S.CANCELLED, "trainee"),
    _t("check_in", "扫码签到", {S.REGISTERED}, S.ATTENDED, "trainee"),
    _t("roll_call", "点名签到", {S.REGISTERED}, S.ATTENDED, "staff"),
    _t("certify", "测试通过，发放证书", {S.ATTENDED}, S.CERTIFIED, "trainee", auto=True),
    _t("revoke", "撤销证书", {S.CERTIFIED}, S.REVOKED, "staff"),
)
# fmt: on

BY_NAME = {t.name: t for t in TRANSITIONS}
# Registrations that hold a seat, and those that count training hours.
SEAT_STATES = frozenset({S.REGISTERED, S.ATTENDED, S.CERTIFIED, S.REVOKED})
HOURS_STATES = frozenset({S.ATTENDED, S.CERTIFIED})
# The test may be taken once attended (again after a fail, not after passing).
TEST_STATES = frozenset({S.ATTENDED})


def transition(name: str) -> Transition:
    """The table row called ``name``."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ApplicationError(f"未知的培训操作“{name}”。", code="unknown_transition") from None


def may_keep(user: Any, course: Course) -> bool:
    """Whether ``user`` keeps ``course`` (edits it, takes the roll, revokes)."""
    return has_role(user, *KEEPER_ROLES) and can_edit_owned(user, course.region.path)


def may_create_courses(user: Any) -> bool:
    """Province and city staff create courses for their own region; county staff do not."""
    if not has_role(user, *KEEPER_ROLES):
        return False
    if user.is_superuser:
        return True
    return user.region_id is not None and user.region.level in KEEPER_LEVELS


def may(user: Any, t: Transition, registration: Registration) -> bool:
    """True if ``user`` may take step ``t`` on ``registration`` (its state aside)."""
    if t.party == "trainee":
        return bool(user.is_authenticated and registration.user_id == user.pk)
    return may_keep(user, registration.session.course)


def ensure_may(user: Any, t: Transition, registration: Registration) -> None:
    """Raise :class:`AccessDenied` with the reason when ``user`` may not take ``t``."""
    if may(user, t, registration):
        return
    require_login(user)
    if t.party == "trainee":
        raise AccessDenied("只有报名学员本人可以办理该操作。")
    raise AccessDenied(f"“{t.label}”只能由主办地区的培训管理人员办理。")


def ensure_state(t: Transition, registration: Registration) -> None:
    """Refuse ``t`` from a state the table does not list, saying where it stands."""
    if registration.state not in t.sources:
        raise ApplicationError(
            f"该报名当前为“{registration.get_state_display()}”，不能{t.label}。",
            code="invalid_state",
            status=409,
        )


def available(user: Any, registration: Registration) -> list[Transition]:
    """The steps ``user`` may take on ``registration`` now (what buttons to show)."""
    return [
        t
        for t in TRANSITIONS
        if not t.automatic and registration.state in t.sources and may(user, t, registration)
    ]


def certificate_valid(registration: Registration) -> bool:
    """Whether a certificate stands (its verification page says so)."""
    return registration.state == S.CERTIFIED
