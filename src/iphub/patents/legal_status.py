"""What a legal-status change means: the event kind a change file's words name, and
the legal status (法律状态) a record's events imply.

Pure functions, no database: the update service (``services.updates``) reads the
words and recomputes the status of the records a change file touched.

``Patent.legal_status`` is free text in the ``<state>-<detail>`` style of the
exports (``有权-审定授权``, ``失效-未缴年费``, ``审中-实质审查``); the rest of the
platform reads it through the words 有权/有效/授权 (in force) and
失效/无效/终止/届满/撤回/驳回/放弃/视为 (no longer in force), so the status written
here keeps to those words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from iphub.patents.models import LegalEventKind

__all__ = [
    "DECISIVE_KINDS",
    "KIND_HINT",
    "EventFact",
    "event_kind_from_text",
    "status_from_events",
    "status_of",
]

# The kinds that settle a record's status. Transfers, pledges and licences do not
# change it (they count for the value grade); filing and publication are left to
# the patent import, whose 法律状态 column says more (审中-实质审查 ...).
DECISIVE_KINDS = frozenset(
    {
        LegalEventKind.GRANTED,
        LegalEventKind.LAPSED,
        LegalEventKind.EXPIRED,
        LegalEventKind.INVALIDATED,
        LegalEventKind.STATUS,
    }
)

# What each decisive kind makes the status. ``status`` (a dated ending the
# change file names with its own word: 视为撤回, 驳回, 放弃) takes its text from
# the event's detail, see ``_ENDINGS``.
_STATUS_OF_KIND: dict[str, str] = {
    LegalEventKind.GRANTED: "有权-授权",
    LegalEventKind.LAPSED: "失效-权利终止",
    LegalEventKind.EXPIRED: "失效-期限届满",
    LegalEventKind.INVALIDATED: "失效-宣告无效",
}
# On one day, an ending outranks a grant (a grant and its invalidation are never
# announced the same day, but a file may list a grant and a lapse on one date
# when the grant date is the only date it has).
_RANK: dict[str, int] = {
    LegalEventKind.GRANTED: 1,
    LegalEventKind.STATUS: 2,
    LegalEventKind.LAPSED: 2,
    LegalEventKind.EXPIRED: 2,
    LegalEventKind.INVALIDATED: 3,
}

# Endings with no kind of their own, kept as a dated ``status`` event whose detail
# is the file's words; the status is 失效-<ending>.
_ENDINGS = (("视为撤回", "视为撤回"), ("撤回", "撤回"), ("驳回", "驳回"), ("放弃", "放弃"))

# The change file's words -> kind, first match wins (so 质押注销 is read before 质押,
# 开放许可 before 许可). CNIPA's own wording (专利权质押合同登记的注销, 专利实施许可
# 合同备案的生效, 专利申请权、专利权的转移, 专利权的终止 ...) and the short words
# exports use (质押, 许可, 转让, 终止) both match; English for files from abroad.
_WORDS: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        # Read but not supported: no kind of ours says what they mean; naming them
        # here gives the row a precise error instead of a wrong kind.
        (r"部分无效|许可.*(注销|解除|变更)|质押.*变更", None),
        (r"质押.*(注销|解除|失效)|解除质押|注销质押", "pledge_released"),
        (r"pledge.?releas|releaseofpledge", "pledge_released"),
        (r"开放许可|open.?licen[cs]e", "open_licence"),
        (r"许可|licen[cs]", "licensed"),
        (r"转让|转移|assign|transfer", "transferred"),
        (r"质押|pledge", "pledged"),
        (r"无效|invalid", "invalidated"),
        (r"届满|expir", "expired"),
        (r"终止|未缴年费|lapse|terminat", "lapsed"),
        (r"视为撤回|撤回|驳回|放弃|withdraw|reject|abandon", "status"),
        (r"授权|grant", "granted"),
        (r"公开|公布|publi", "published"),
    )
)  # fmt: skip
_ENGLISH_ENDINGS = (("withdraw", "视为撤回"), ("reject", "驳回"), ("abandon", "放弃"))

KIND_HINT = (
    "授权、权利终止、期限届满、无效、转让、质押、质押注销、许可、开放许可、视为撤回、驳回、放弃"
)


def event_kind_from_text(text: str) -> str | None:
    """The event kind a change file's 事件类型 / 法律状态 names, or ``None`` when
    the words name no kind we keep (the caller reports the row)."""
    cleaned = re.sub(r"\s+", "", text or "")
    if not cleaned:
        return None
    if cleaned.lower() in LegalEventKind.values and cleaned.lower() not in ("filed", "status"):
        return cleaned.lower()  # the kind's own code, as our exports write it
    for pattern, kind in _WORDS:
        if pattern.search(cleaned):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class EventFact:
    """What the status reads of one event."""

    kind: str
    date: dt.date | None
    detail: str = ""


def status_of(event: EventFact) -> str:
    """The status one decisive event implies (``""`` for other kinds)."""
    if event.kind == LegalEventKind.STATUS:
        words = event.detail or ""
        for word, ending in _ENDINGS:
            if word in words:
                return f"失效-{ending}"
        lowered = words.lower()
        for word, ending in _ENGLISH_ENDINGS:
            if word in lowered:
                return f"失效-{ending}"
        return ""
    return _STATUS_OF_KIND.get(event.kind, "")


def status_from_events(events: Iterable[EventFact], current: str) -> str:
    """The status a record's history implies: that of its latest dated decisive
    event (ties on a date go to the stronger ending), else ``current`` unchanged.

    Undated events are the import's snapshot (its 法律状态 column, held as an
    undated ``status`` event) and never override a dated change.
    """
    latest: tuple[dt.date, int, str] | None = None
    status = current
    for e in events:
        if e.date is None or e.kind not in DECISIVE_KINDS:
            continue
        implied = status_of(e)
        if not implied:
            continue
        # The text last: two endings on one day give the same status whatever
        # order the file (or the history) lists them in.
        key = (e.date, _RANK.get(e.kind, 0), implied)
        if latest is None or key > latest:
            latest, status = key, implied
    return status
