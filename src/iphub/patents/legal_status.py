"""What a legal-status change means: the event kind a change file's words name, and
the legal status (法律状态) a record's events imply.

Pure functions, no database: the update service (``services.updates``) reads the
words and recomputes the status of the records a change file touched.

``Patent.legal_status`` is free text in the ``<state>-<detail>`` style of the
exports (``有权-审定授权``, ``失效-未缴年费``, ``审中-实质审查``); the rest of the
platform reads it through the words 有权/有效/授权 (in force) and
失效/无效/终止/届满/撤回/驳回/放弃/视为 (no longer in force), so the status written
here keeps to those words.

What each kind does to the status (CNIPA's change-file wording in brackets). DOMAIN.md
lists the pledge and licence registrations but no table of status events, so these
effects are decided here from the Patent Law and its Implementing Rules:

* ends the record (``失效-…``): 专利权的终止 / 未缴年费专利权终止 (``lapsed``),
  期限届满 (``expired``), 宣告专利权全部无效 (``invalidated``), 发明专利申请公布后的
  驳回 (``rejected``), 视为撤回 / 撤回 (``withdrawn``), 视为放弃 / 主动放弃
  (``abandoned``);
* grants it (``有权-授权``): 授权, unless the record is in force already (its
  有权-审定授权 from the import says as much, and is kept);
* 实质审查的生效 (``examination``): an application under way becomes 审中-实质审查;
  it never moves a granted or ended record (examination comes before a grant, so
  an older examination date arriving late must not undo one);
* 恢复 (``restored``, Implementing Rules Art. 6: rights lost by a missed time limit
  come back): undoes an ending caused by a missed limit — a lapse, a withdrawal, an
  abandonment — to 有权-权利恢复 when the record was granted, else 审中-权利恢复; it
  cannot undo an expiry, an invalidation or a rejection (those have no restoration;
  a rejection goes to 复审), so then it changes nothing;
* changes no status: 部分无效 (``partly_invalidated``: the patent stays in force with
  the claims kept; the status text must not say 无效, which every reader takes as
  no longer in force), 专利申请权、专利权的转移, 专利权人的姓名或者名称、地址的变更
  (``particulars_changed``), 专利权质押合同登记的生效 / 变更 / 注销, 专利实施许可合同
  备案的生效 / 变更 / 注销, 开放许可, and 公布 (left to the patent import).

Two sources speak of one record's status: the imported row's 法律状态 (a snapshot
as of the file's export, which no file dates) and the dated events change files
and the platform record. ``record_status`` joins them one way for both paths: the
snapshot, read no earlier than the row's latest date (``snapshot_date``), with the
events dated after that day replayed over it (older ones only move a snapshot still
shown as pending forward: see ``status_over_snapshot``). So a weekly file exported
before a lapse does not revive the patent, and a newer row is not undone by an older
event arriving late. What the row cannot prove (an export later than its latest
date) is not assumed: an event dated between the row's latest date and the export is
replayed over a snapshot that may already hold it, which for the endings and a grant
gives the same state again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from iphub.patents.models import LegalEventKind

__all__ = [
    "DECISIVE_KINDS",
    "IMPORT_SOURCE",
    "KIND_HINT",
    "EventFact",
    "event_kind_from_text",
    "record_status",
    "snapshot_date",
    "status_from_events",
    "status_over_snapshot",
]

IMPORT_SOURCE = "import"  # LegalEvent.source of the facts an imported row carries
# Dates a full export gives beside its 法律状态 (失效日期, 无效宣告日期, 实质审查日,
# 颁证日; ``importers.columns`` keeps them in ``extra``): each says the status was
# read no earlier than that day.
_SNAPSHOT_EXTRA_DATES = ("lapse_date", "invalidation_date", "substantive_exam_date",
                         "certificate_date")  # fmt: skip
# What an event from before the snapshot's date may still do to it (status_over_snapshot).
_FORWARD = frozenset({LegalEventKind.EXAMINATION, LegalEventKind.GRANTED})
_LOOSE_DATE = re.compile(r"^\s*(\d{4})\D?(\d{1,2})\D?(\d{1,2})")

K = LegalEventKind

# The kinds that can move a record's status (see the module's docstring for how).
DECISIVE_KINDS = frozenset(
    {
        K.EXAMINATION,
        K.GRANTED,
        K.LAPSED,
        K.EXPIRED,
        K.INVALIDATED,
        K.REJECTED,
        K.WITHDRAWN,
        K.ABANDONED,
        K.RESTORED,
        K.STATUS,
    }
)

# What each absolute kind makes the status (withdrawn, abandoned and the legacy
# ``status`` read the file's words, see ``_ending``).
_STATUS_OF_KIND: dict[str, str] = {
    K.GRANTED: "有权-授权",
    K.LAPSED: "失效-权利终止",
    K.EXPIRED: "失效-期限届满",
    K.INVALIDATED: "失效-宣告无效",
    K.REJECTED: "失效-驳回",
    K.WITHDRAWN: "失效-视为撤回",
    K.ABANDONED: "失效-放弃",
}
EXAMINATION_STATUS = "审中-实质审查"
# Order on one day: an examination before a grant before an ending before an
# invalidation before a restoration (a file may list a grant and a lapse on one date
# when the grant date is the only date it has).
_RANK: dict[str, int] = {
    K.EXAMINATION: 0,
    K.GRANTED: 1,
    K.STATUS: 2,
    K.LAPSED: 2,
    K.EXPIRED: 2,
    K.REJECTED: 2,
    K.WITHDRAWN: 2,
    K.ABANDONED: 2,
    K.INVALIDATED: 3,
    K.RESTORED: 4,
}

# The words the rest of the platform reads a status by (module docstring).
_ENDED = re.compile(r"失效|无效|终止|届满|撤回|驳回|放弃|视为")
_IN_FORCE = re.compile(r"有权|有效|授权")
# Endings a restoration can undo (a missed time limit), and those it cannot.
_RESTORABLE = re.compile(r"终止|未缴年费|撤回|放弃")
_FINAL = re.compile(r"届满|无效|驳回")
# Only a patent lapses (annuities are due from the grant): its restoration is in force.
_GRANTED_ENDING = re.compile(r"终止|未缴年费")

# A legacy ``status`` event (a dated ending named by the file's own word) takes its
# text from its detail.
_ENDINGS = (("视为撤回", "视为撤回"), ("撤回", "撤回"), ("驳回", "驳回"), ("放弃", "放弃"))
_ENGLISH_ENDINGS = (("withdraw", "视为撤回"), ("reject", "驳回"), ("abandon", "放弃"))

# The change file's words -> kind, first match wins (so 许可备案的注销 is read before
# 许可, 部分无效 before 无效, 期限届满终止 before 终止, 公布后的驳回 before 公布).
# CNIPA's own wording (专利权质押合同登记的注销, 专利实施许可合同备案的生效, 专利申请权、
# 专利权的转移, 专利权的终止 ...) and the short words exports use (质押, 许可, 转让,
# 终止) both match; English for files from abroad.
_WORDS: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        # Read but not kept: no kind of ours says what they mean; naming them here
        # gives the row a precise error instead of a wrong kind (an invalidation
        # request is not an invalidation; a withdrawn open licence is not a licence).
        (r"无效宣告请求|请求宣告.*无效|开放许可.*(撤回|撤销)", None),
        (r"部分无效|partial(ly)?invalid", K.PARTLY_INVALIDATED),
        (r"许可.*(注销|解除|终止|撤销)|licen[cs]e.*(cancel|terminat|revo)", K.LICENCE_CANCELLED),
        (r"许可.*变更|licen[cs]e.*(change|modif)", K.LICENCE_CHANGED),
        (r"质押.*(注销|解除|失效)|解除质押|注销质押|pledge.?releas|releaseofpledge",
         K.PLEDGE_RELEASED),
        (r"质押.*变更|pledge.*(change|modif)", K.PLEDGE_CHANGED),
        (r"开放许可|open.?licen[cs]e", K.OPEN_LICENCE),
        (r"许可|licen[cs]", K.LICENSED),
        (r"转让|转移|assign|transfer", K.TRANSFERRED),
        (r"质押|pledge", K.PLEDGED),
        (r"著录(事项|项目)变更|(姓名|名称|地址).*变更|变更.*(姓名|名称|地址)"
         r"|changeof(name|address)|particulars", K.PARTICULARS_CHANGED),
        (r"恢复|restor|reinstat", K.RESTORED),
        (r"实质审查|substantive", K.EXAMINATION),
        (r"无效|invalid", K.INVALIDATED),
        (r"届满|expir", K.EXPIRED),
        (r"终止|未缴年费|lapse|terminat", K.LAPSED),
        (r"驳回|reject|refus", K.REJECTED),
        (r"撤回|withdraw", K.WITHDRAWN),
        (r"放弃|abandon|surrender", K.ABANDONED),
        (r"授权|授予|grant", K.GRANTED),
        (r"公开|公布|publi", K.PUBLISHED),
    )
)  # fmt: skip

KIND_HINT = (
    "授权、实质审查的生效、专利权的终止（未缴年费）、期限届满、全部无效、部分无效、驳回、"
    "视为撤回、放弃、恢复、转移（转让）、著录事项变更、质押（生效、变更、注销）、"
    "许可备案（生效、变更、注销）、开放许可"
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
            return None if kind is None else str(kind)
    return None


@dataclass(frozen=True, slots=True)
class EventFact:
    """What the status reads of one event (``source``: who recorded it; ``import``
    marks the facts of the record's last imported row)."""

    kind: str
    date: dt.date | None
    detail: str = ""
    source: str = ""


def _ending(event: EventFact) -> str:
    """The status an absolute event sets (``""`` for the other kinds)."""
    words = event.detail or ""
    if event.kind == K.STATUS:
        for word, ending in _ENDINGS:
            if word in words:
                return f"失效-{ending}"
        lowered = words.lower()
        for word, ending in _ENGLISH_ENDINGS:
            if word in lowered:
                return f"失效-{ending}"
        return ""
    if event.kind == K.WITHDRAWN and "撤回" in words and "视为" not in words:
        return "失效-撤回"  # the applicant withdrew (主动撤回)
    if event.kind == K.ABANDONED and "视为" in words:
        return "失效-视为放弃"
    return _STATUS_OF_KIND.get(event.kind, "")


def _ended(status: str) -> bool:
    return bool(_ENDED.search(status))


def _pending(status: str) -> bool:
    return not _ended(status) and not _IN_FORCE.search(status)


def status_from_events(events: Iterable[EventFact], current: str) -> str:
    """The status a record's history implies, starting from ``current``.

    The dated decisive events are replayed in date order (ties on a date in the
    order of ``_RANK``, then by kind and words, so the result never depends on the
    order the events arrive in): a grant or an ending sets the status; an
    examination moves only a pending application; a restoration undoes only an
    ending it can undo (module docstring). With no such event ``current`` is
    returned unchanged. Undated events are the import's snapshot (its 法律状态
    column, held as an undated ``status`` event) and never override a dated change.
    Replaying from the status the same history already produced gives it again, so
    a re-run changes nothing.
    """
    dated = sorted(
        (e for e in events if e.date is not None and e.kind in DECISIVE_KINDS),
        key=lambda e: (e.date, _RANK.get(e.kind, 0), e.kind, e.detail),
    )
    status, granted = current, False
    for e in dated:
        if e.kind == K.EXAMINATION:
            if _pending(status):
                status = EXAMINATION_STATUS
        elif e.kind == K.RESTORED:
            if _ended(status) and _RESTORABLE.search(status) and not _FINAL.search(status):
                granted = granted or bool(_GRANTED_ENDING.search(status))
                status = "有权-权利恢复" if granted else "审中-权利恢复"
        elif e.kind == K.GRANTED:
            granted = True
            # A record already in force keeps its words (有权-审定授权 says more).
            if _ended(status) or not _IN_FORCE.search(status):
                status = _STATUS_OF_KIND[K.GRANTED]
        elif implied := _ending(e):
            status = implied
    return status


def snapshot_date(dates: Iterable[dt.date | None], extra: dict | None = None) -> dt.date | None:
    """The day an imported row's 法律状态 was read at the earliest: the latest date
    the row itself carries (申请日, 公开日, 授权公告日 and the status dates of
    ``_SNAPSHOT_EXTRA_DATES``). A file says its status as of its export, which is
    later still, but no file says when it was exported; this bound is what the
    row proves. Unreadable extra dates are ignored (the import kept them as text)."""
    known = [d for d in dates if d is not None]
    for key in _SNAPSHOT_EXTRA_DATES:
        match = _LOOSE_DATE.match(str((extra or {}).get(key) or ""))
        if match:
            try:
                known.append(dt.date(*(int(g) for g in match.groups())))
            except ValueError:
                continue
    return max(known, default=None)


def status_over_snapshot(snapshot: str, as_of: dt.date | None, events: Iterable[EventFact]) -> str:
    """The status of a record whose last imported row said ``snapshot``, read no
    earlier than ``as_of``, given the dated events recorded elsewhere.

    The events after ``as_of``, which the row could not know of, are replayed over
    the snapshot (``status_from_events``). Of those on or before it only the forward
    steps count, and only on a snapshot that has not ended: an examination or a
    grant moves an application still shown as pending (exports often update 法律状态
    later than the dates beside it: a row can carry its 授权公告日 and still say
    审中), while an ending or a restoration of that time is taken as already in the
    snapshot, and nothing old revives a record the row says has ended.

    This is how a weekly publication file and a change file agree (issue 24): a
    weekly file exported before a lapse the change file brought does not bring the
    record back into force, and a late change-file event older than the row (an
    examination recorded after the grant) does not undo what the row says.
    """
    later: list[EventFact] = []
    early: list[EventFact] = []
    for e in events:
        if e.date is None:
            continue
        if as_of is None or e.date > as_of:
            later.append(e)
        elif e.kind in _FORWARD:
            early.append(e)
    status = snapshot if _ended(snapshot) else status_from_events(early, snapshot)
    return status_from_events(later, status)


def record_status(events: Iterable[EventFact], current: str, extra: dict | None = None) -> str:
    """The status a record's whole history implies: with an imported snapshot (the
    undated ``status`` fact of source ``import``), the events recorded elsewhere
    replayed over it from its date (``status_over_snapshot``; ``extra`` is the
    record's, for the snapshot's date); a record never imported with a status is
    replayed from ``current``."""
    facts = list(events)
    snapshot = next(
        (
            f.detail
            for f in facts
            if f.source == IMPORT_SOURCE and f.kind == K.STATUS and f.date is None
        ),
        None,
    )
    if snapshot is None:
        return status_from_events(facts, current)
    as_of = snapshot_date((f.date for f in facts if f.source == IMPORT_SOURCE), extra)
    return status_over_snapshot(
        snapshot[:100], as_of, [f for f in facts if f.source != IMPORT_SOURCE]
    )
