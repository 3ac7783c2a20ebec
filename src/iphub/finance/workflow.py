"""The one state machine a bank's answer to a financing request follows.

Each bank an enterprise asks gets its own slot (``BankAnswer``); ``TRANSITIONS``
says from which states each step may be taken, the state it leads to, who may
take it, and the deadline the new state carries. Services look steps up here;
views and the API ask :func:`available` which buttons to show. Nothing else
compares answer states.

Who, in words:

* bank steps (accept for review, ask for more, decline, approve) belong to the
  users of the slot's own bank (an organisation of kind 银行) — another bank's
  staff do not even see the slot;
* enterprise steps (supplement the materials, withdraw) belong to the users of
  the requesting enterprise;
* ``loan`` and ``close`` happen only as the effect of the pledge's registration
  (the request's other slots are closed when one bank lends).

Deadlines, in working days (``core.calendar.due_at``, office-hours cut-off):
a new or supplemented slot must be answered within ``FINANCE_ANSWER_DAYS``
(default 3); a slot accepted for review must be decided within
``FINANCE_REVIEW_DAYS`` (default 10). Both are settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.utils.translation import gettext_lazy

from iphub.core.calendar import due_at
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import OrganisationKind, Role
from iphub.finance.models import AnswerState as S
from iphub.finance.models import RequestState

if TYPE_CHECKING:
    from iphub.finance.models import BankAnswer, FinancingRequest

Party = Literal["bank", "enterprise"]
Deadline = Literal["answer", "review"] | None

# Public roles that act for an organisation (a bank's staff accounts are such users).
ORGANISATION_ROLES = (Role.ENTERPRISE, Role.AGENCY)


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    party: Party
    due: Deadline
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
    return Transition(name, gettext_lazy(label), frozenset(sources), target, party, due, auto)


OPEN_STATES = frozenset({S.WAITING, S.REVIEWING, S.MORE, S.APPROVED})

# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # name, label, from states, to state, who, deadline the "to" state carries
    _t("accept", "受理审查", {S.WAITING}, S.REVIEWING, "bank", "review"),
    _t("need_more", "要求补充材料", {S.WAITING, S.REVIEWING}, S.MORE, "bank"),
    _t("decline", "婉拒", {S.WAITING, S.REVIEWING, S.MORE}, S.DECLINED, "bank"),
    _t("approve", "批准贷款", {S.REVIEWING}, S.APPROVED, "bank"),
    _t("supplement", "补充材料后重新提交", {S.MORE}, S.WAITING, "enterprise", "answer"),
    _t("withdraw", "撤回", set(OPEN_STATES), S.WITHDRAWN, "enterprise"),
    _t("loan", "质押登记，已放款", {S.APPROVED}, S.LOANED, "enterprise", auto=True),
    _t("close", "其他银行已放款", set(OPEN_STATES), S.CLOSED, "enterprise", auto=True),
)
# fmt: on

BY_NAME = {t.name: t for t in TRANSITIONS}
# The history a slot shows: every step above and its creation.
HISTORY_LABELS = {"create": gettext_lazy("发送融资需求")} | {t.name: t.label for t in TRANSITIONS}


def step_label(name: str) -> str:
    """A history row's action in words (``accept`` → 受理审查)."""
    return str(HISTORY_LABELS.get(name, name))


# What each step's form asks for beyond the click (the service validates them).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "need_more": ("note",),
    "supplement": ("files", "note"),
    "decline": ("reason", "note"),
    "approve": ("amount", "rate", "term_months", "note"),
}
# States in which the bank owes an answer and a deadline runs.
WAITING_ON_BANK = frozenset({S.WAITING, S.REVIEWING})
# States after which the bank has given its first answer.
ANSWERED = frozenset({S.REVIEWING, S.MORE, S.DECLINED, S.APPROVED, S.LOANED})


def transition(name: str) -> Transition:
    """The table row called ``name``."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ApplicationError(f"未知的操作“{name}”。", code="unknown_transition") from None


def owns_request(user: Any, request: FinancingRequest) -> bool:
    """The requesting organisation's own users: they withdraw the request and file
    the pledge that follows an approval."""
    org_id = getattr(user, "organisation_id", None)
    return org_id is not None and org_id == request.organisation_id


def may_withdraw_request(user: Any, request: FinancingRequest) -> bool:
    """What ``services.answers.request_withdraw`` accepts: the owner, while open."""
    return owns_request(user, request) and request.state == RequestState.OPEN


def is_bank_user(user: Any) -> bool:
    """A signed-in account acting for an organisation of kind 银行."""
    org = getattr(user, "organisation", None) if user is not None else None
    return bool(
        user is not None
        and user.is_authenticated
        and user.role in ORGANISATION_ROLES
        and org is not None
        and org.kind == OrganisationKind.BANK
    )


def _reaches(user: Any, t: Transition, answer: BankAnswer) -> bool:
    if user.role not in ORGANISATION_ROLES or user.organisation_id is None:
        return False
    if t.party == "bank":
        return is_bank_user(user) and user.organisation_id == answer.bank_id
    return user.organisation_id == answer.request.organisation_id


def may(user: Any, t: Transition, answer: BankAnswer) -> bool:
    """True if ``user`` acts for the party step ``t`` belongs to on ``answer``."""
    if user is None or not user.is_authenticated:
        return False
    return _reaches(user, t, answer)


def ensure_may(user: Any, t: Transition, answer: BankAnswer) -> None:
    """Raise with the reason when ``user`` may not take step ``t``."""
    if may(user, t, answer):
        return
    if user is None or not user.is_authenticated:
        raise ApplicationError("请先登录。", code="not_authenticated", status=401)
    if t.party == "bank":
        raise AccessDenied(f"“{t.label}”只能由{answer.bank.name}的银行用户办理。")
    raise AccessDenied(f"“{t.label}”只能由融资企业本身办理。")


def available(user: Any, answer: BankAnswer) -> list[Transition]:
    """The steps ``user`` may take on ``answer`` now (what buttons to show)."""
    return [
        t
        for t in TRANSITIONS
        if not t.automatic and answer.state in t.sources and may(user, t, answer)
    ]


def answer_days() -> int:
    return int(getattr(settings, "FINANCE_ANSWER_DAYS", 3))


def review_days() -> int:
    return int(getattr(settings, "FINANCE_REVIEW_DAYS", 10))


def deadline(t: Transition | None, *, at: dt.datetime) -> dt.datetime | None:
    """The due time the state entered by ``t`` carries (``None``: the new slot)."""
    due = "answer" if t is None else t.due
    if due == "answer":
        return due_at(at, answer_days())
    if due == "review":
        return due_at(at, review_days())
    return None
