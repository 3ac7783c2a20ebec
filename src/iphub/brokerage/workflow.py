"""The state machine of calls (榜单) and their proposals, in one table.

``TRANSITIONS`` says, for each step: the record it moves (a call or a
proposal), from which states, to which state, and who may take it:

* ``caller`` — a member (enterprise or agency account) of the organisation that
  published the call: publish, cancel, decline a proposal, award one;
* ``proposer`` — a member of the organisation that submitted the proposal:
  withdraw it while the call is open;
* ``staff`` — window staff whose region contains the call's: may cancel a call
  (an improper call taken down) but never award one.

Deadline rule: a proposal may be submitted or withdrawn only while the call is
open and on or before its deadline day; awarding and declining wait for no
deadline (a caller may decide early). Services look steps up here; views ask
:func:`call_actions` / :func:`proposal_actions` which buttons to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext_lazy

from iphub.brokerage.errors import BrokerageError
from iphub.brokerage.models import Call, CallState, Proposal, ProposalState
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Role
from iphub.core.permissions import has_role, in_region
from iphub.transfer.access import PUBLIC_ROLES

Party = Literal["caller", "proposer", "staff"]
Subject = Literal["call", "proposal"]


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: Any
    subject: Subject
    sources: frozenset[str]
    target: str
    parties: tuple[Party, ...]


C, P = CallState, ProposalState

# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    # name, label, record, from states, to state, who
    Transition("publish", gettext_lazy("发布榜单"), "call", frozenset({C.DRAFT}), C.OPEN,
               ("caller",)),
    Transition("cancel", gettext_lazy("撤榜"), "call", frozenset({C.DRAFT, C.OPEN}), C.CANCELLED,
               ("caller", "staff")),
    Transition("award", gettext_lazy("确定揭榜方"), "proposal", frozenset({P.SUBMITTED}),
               P.AWARDED, ("caller",)),
    Transition("decline", gettext_lazy("不予入选"), "proposal", frozenset({P.SUBMITTED}),
               P.DECLINED, ("caller",)),
    Transition("withdraw", gettext_lazy("撤回方案"), "proposal", frozenset({P.SUBMITTED}),
               P.WITHDRAWN, ("proposer",)),
)
# fmt: on

BY_NAME = {t.name: t for t in TRANSITIONS}
# Organisations that may answer a call (揭榜): universities, institutes and firms.
PROPOSER_KINDS = ("university", "institute", "enterprise")


def _member(user: Any, organisation_id: int) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.role in PUBLIC_ROLES
        and user.organisation_id == organisation_id
    )


def parties_of(user: Any, call: Call, proposal: Proposal | None = None) -> set[Party]:
    """The parts ``user`` plays for a call (and one of its proposals)."""
    found: set[Party] = set()
    if _member(user, call.organisation_id):
        found.add("caller")
    if proposal is not None and _member(user, proposal.organisation_id):
        found.add("proposer")
    if has_role(user, Role.WINDOW) and in_region(user, call.region):
        found.add("staff")
    return found


def open_for_proposals(call: Call, today: dt.date) -> bool:
    """True while the call takes (and lets proposers withdraw) proposals."""
    return call.state == CallState.OPEN and today <= call.deadline


def check(
    name: str, *, user: Any, call: Call, proposal: Proposal | None = None, today: dt.date
) -> Transition:
    """The transition ``name`` if ``user`` may take it now, else raise saying why."""
    t = BY_NAME[name]
    record_state = call.state if t.subject == "call" else (proposal.state if proposal else "")
    if not parties_of(user, call, proposal) & set(t.parties):
        raise AccessDenied(f"您无权对该榜单执行“{t.label}”。")
    if record_state not in t.sources:
        current = call.get_state_display() if t.subject == "call" else proposal.get_state_display()  # type: ignore[union-attr]
        raise ApplicationError(
            f"当前状态为“{current}”，不能{t.label}。", code=BrokerageError.STATE, status=409
        )
    if t.subject == "proposal" and call.state != CallState.OPEN:
        raise ApplicationError(
            f"榜单{call.get_state_display()}，不能{t.label}。",
            code=BrokerageError.STATE,
            status=409,
        )
    if name == "withdraw" and not open_for_proposals(call, today):
        raise ApplicationError(
            f"揭榜已于 {call.deadline:%Y-%m-%d} 截止，方案不能再撤回。",
            code=BrokerageError.DEADLINE,
            status=409,
        )
    return t


def submit_check(*, user: Any, call: Call, today: dt.date) -> None:
    """Raise unless ``user`` may submit a proposal to ``call`` today."""
    if user is None or not user.is_authenticated or user.role not in PUBLIC_ROLES:
        raise AccessDenied("请以高校、科研院所或企业账号登录后揭榜。")
    org = user.organisation
    if org is None or org.kind not in PROPOSER_KINDS:
        raise AccessDenied("只有高校、科研院所或企业可以提交揭榜方案。")
    if org.pk == call.organisation_id:
        raise AccessDenied("发榜单位不能揭自己的榜。")
    if call.state != CallState.OPEN:
        raise ApplicationError(
            f"榜单{call.get_state_display()}，不再接受方案。", code=BrokerageError.STATE, status=409
        )
    if today > call.deadline:
        raise ApplicationError(
            f"揭榜已于 {call.deadline:%Y-%m-%d} 截止，不能再提交方案。",
            code=BrokerageError.DEADLINE,
            status=409,
            fields={"text": f"截止日期 {call.deadline:%Y-%m-%d} 已过。"},
        )


def call_actions(user: Any, call: Call, today: dt.date) -> dict[str, bool]:
    """Which call buttons ``user`` sees (``can_publish``, ``can_cancel``, ``can_submit``,
    ``can_review``)."""
    parties = parties_of(user, call)
    out = {
        f"can_{t.name}": call.state in t.sources and bool(parties & set(t.parties))
        for t in TRANSITIONS
        if t.subject == "call"
    }
    try:
        submit_check(user=user, call=call, today=today)
        out["can_submit"] = True
    except ApplicationError:
        out["can_submit"] = False
    out["can_review"] = "caller" in parties and call.state == CallState.OPEN
    return out


def proposal_actions(user: Any, call: Call, proposal: Proposal, today: dt.date) -> dict[str, bool]:
    """Which proposal buttons ``user`` sees (award, decline, score, withdraw)."""
    out = {}
    for t in TRANSITIONS:
        if t.subject != "proposal":
            continue
        try:
            check(t.name, user=user, call=call, proposal=proposal, today=today)
            out[f"can_{t.name}"] = True
        except ApplicationError:
            out[f"can_{t.name}"] = False
    out["can_score"] = out["can_award"]
    return out


def criteria_clean(raw: Any) -> list[dict[str, Any]]:
    """The call's criteria as [{name, weight}] with whole weights adding up to 100;
    accepts a list of pairs or text lines ``名称 权重``."""
    rows: list[tuple[str, Any]] = []
    if isinstance(raw, str):
        for line in raw.splitlines():
            parts = line.replace("：", " ").replace(":", " ").split()
            if parts:
                rows.append((" ".join(parts[:-1]) if len(parts) > 1 else parts[0], parts[-1]))
    else:
        for item in raw or []:
            if isinstance(item, dict):
                rows.append((str(item.get("name", "")), item.get("weight")))
    out: list[dict[str, Any]] = []
    for name, weight in rows:
        name = name.strip()[:40]
        try:
            w = int(str(weight))
        except ValueError:
            raise field("criteria", f"评价标准“{name}”的权重应为整数（如 40）。") from None
        if not name or w <= 0:
            raise field("criteria", "每条评价标准须有名称和大于 0 的权重。")
        out.append({"name": name, "weight": w})
    if not out:
        raise field("criteria", "请至少填写一条评价标准，每行“名称 权重”，权重合计 100。")
    if len({c["name"] for c in out}) != len(out):
        raise field("criteria", "评价标准名称不能重复。")
    total = sum(c["weight"] for c in out)
    if total != 100:
        raise field("criteria", f"评价标准的权重合计应为 100，现为 {total}。")
    return out


def weighted_total(criteria: list[dict[str, Any]], scores: dict[str, Any]) -> float:
    """Σ weight × score / 100 over the criteria (scores 0-100 each)."""
    return round(sum(c["weight"] * float(scores[c["name"]]) for c in criteria) / 100, 2)


def field(name: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=BrokerageError.INVALID, fields={name: message})
