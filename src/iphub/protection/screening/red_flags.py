"""Two more 蓝天 red flags from DOMAIN.md (nothing to do with Django signals), as
pure functions over in-memory records: an applicant's new filing in a field far
from its own earlier filings, and an application assigned (``transferred``) soon after it was filed.

Neither proves an abnormal filing on its own (companies diversify; groups move
applications to a subsidiary): each is shown as evidence and adds to a risk
score, and standing alone it opens a group for staff to look at.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from iphub.protection.screening.detect import ScreeningDoc


@dataclass(frozen=True)
class SignalParams:
    """Thresholds; each is a policy choice for staff to tune, not a regulation."""

    # An applicant needs this many earlier filings with an IPC before its
    # "usual field" means anything.
    ipc_min_history: int = 8
    # A new filing is far when no earlier filing shares its IPC class (e.g.
    # H01M) and fewer than this share of them share its section (e.g. H).
    ipc_section_share: float = 0.1
    # "Soon after filing": a transfer within this many calendar months.
    assignment_months: int = 6


@dataclass
class IpcOutlier:
    """One filing far from its applicant's earlier fields."""

    patent_id: int
    applicant: str
    ipc: str
    earlier: int
    section_share: float
    usual: list[tuple[str, int]] = field(default_factory=list)  # top earlier classes


@dataclass
class QuickAssignment:
    """One application transferred within ``assignment_months`` of its filing date."""

    patent_id: int
    applicants: list[str]
    filed: dt.date
    transferred: dt.date
    days: int
    detail: str = ""


def ipc_class(code: str) -> str:
    """Section + class + subclass of an IPC code ("H01M 4/36" → "H01M"); "" if none."""
    code = code.replace(" ", "").upper()
    return code[:4] if len(code) >= 4 and code[0] in "ABCDEFGH" else ""


def find_ipc_outliers(
    docs: Sequence[ScreeningDoc], *, params: SignalParams | None = None
) -> list[IpcOutlier]:
    """Filings whose IPC class is new to the applicant and whose section is rare in its history.

    Each filing is compared only with the same applicant's *earlier* filings
    (by filing date), so the history is what the applicant had done when it
    filed, and a company that later moves into the field is not flagged
    backwards. Filings of one day are not each other's history.
    """
    p = params or SignalParams()
    by_applicant: dict[str, list[ScreeningDoc]] = defaultdict(list)
    for d in docs:
        if d.app_date is not None and ipc_class(d.ipc):
            for applicant in d.applicant_keys:
                by_applicant[applicant].append(d)
    found: dict[int, IpcOutlier] = {}
    for applicant, filings in by_applicant.items():
        if len(filings) <= p.ipc_min_history:
            continue
        filings.sort(key=lambda d: (d.app_date or dt.date.min, d.id))
        classes: Counter[str] = Counter()
        sections: Counter[str] = Counter()
        earlier = 0
        i = 0
        while i < len(filings):
            day = filings[i].app_date
            same_day = [d for d in filings[i:] if d.app_date == day]
            if earlier >= p.ipc_min_history:
                for d in same_day:
                    cls = ipc_class(d.ipc)
                    share = sections[cls[0]] / earlier
                    if classes[cls] == 0 and share < p.ipc_section_share and d.id not in found:
                        found[d.id] = IpcOutlier(
                            d.id, applicant, cls, earlier, round(share, 3), classes.most_common(3)
                        )
            for d in same_day:
                cls = ipc_class(d.ipc)
                classes[cls] += 1
                sections[cls[0]] += 1
            earlier += len(same_day)
            i += len(same_day)
    return sorted(found.values(), key=lambda o: o.patent_id)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def find_quick_assignments(
    docs: Sequence[ScreeningDoc],
    transfers: Mapping[int, Sequence[tuple[dt.date, str]]],
    *,
    params: SignalParams | None = None,
) -> list[QuickAssignment]:
    """Applications with a transfer dated on or after filing and within ``assignment_months``.

    ``transfers`` maps a record id to its ``(date, detail)`` transfer events; the
    first transfer in the window is the evidence.
    """
    p = params or SignalParams()
    found = []
    for d in docs:
        if d.app_date is None or d.id not in transfers:
            continue
        limit = add_months(d.app_date, p.assignment_months)
        inside = sorted(t for t in transfers[d.id] if d.app_date <= t[0] <= limit)
        if inside:
            when, detail = inside[0]
            found.append(
                QuickAssignment(
                    d.id, sorted(d.applicant_keys), d.app_date, when, (when - d.app_date).days,
                    detail,
                )
            )  # fmt: skip
    return found
