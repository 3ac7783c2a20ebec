"""The value-grading method (专利价值分级): a record's facts -> 0-100 score, band A-D.

Pure functions, no database: :mod:`.grading` gathers the facts in bulk and stores
the result. Every factor turns one fact into a share of its full points (the
weights table, ``GradeWeight``); a factor whose data the record lacks (claims
text, family, citations listed, applicant type) is left out and the score is
scaled over the factors used, so a record from a thin source is not marked down
for what its source did not say. The explanation is the list of factors with
their points. docs/value-grade.md gives the reasoning and the sources.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from iphub.core.calendar import add_years

METHOD_VERSION = "2026.1"

# (key, label, full points, note) — the default row of the settings table; the
# migration writes these, staff may change them (GradeWeight).
DEFAULT_FACTORS: list[tuple[str, str, int, str]] = [
    ("status", "法律状态", 20, "有效 满分；审中 4 成；失效 0"),
    ("term", "剩余保护期", 10, "剩余年限 / 法定保护期"),
    ("type", "专利类型", 10, "授权发明 满分；审中发明 6 成；实用新型 4 成；外观设计 2.5 成"),
    ("claims", "权利要求", 10, "项数（10 项满）5 成、独立权利要求（3 项满）3 成、首项简短 2 成"),
    ("family", "同族规模", 10, "同族成员（5 件满）5 成、海外成员（2 件满）5 成"),
    ("forward", "被引次数", 12, "平台内被引，对数刻度，10 次满分"),
    ("backward", "引证文献", 3, "列出的引证文献（10 篇满）"),
    ("ipc", "IPC 覆盖", 5, "不同 IPC 小类数（4 个满）"),
    ("applicant", "申请人类型", 5, "企业 满分；高校/科研院所 8 成；个人 4 成"),
    ("deals", "运用事件", 10, "许可 4 成、转让 3 成、质押 3 成、开放许可 2 成，合计封顶"),
    ("inventors", "发明人数", 3, "发明人（5 人满）"),
    ("age", "维持年限", 2, "有效专利已维持年限（10 年满）"),
]
# (band, lowest score): a score at or above the bound is in the band.
DEFAULT_BANDS: list[tuple[str, int]] = [("A", 70), ("B", 50), ("C", 30), ("D", 0)]
# A patent that is no longer in force cannot rank above the lowest band (D),
# whatever else it has: its score is capped one below the next band's bound.

TERM_YEARS = {"invention": 20, "pct_invention": 20, "utility": 10, "pct_utility": 10, "design": 15}
INVENTIONS = ("invention", "pct_invention")
_DEAD = re.compile(r"失效|无效|终止|届满|撤回|驳回|放弃|视为")
_ALIVE = re.compile(r"有权|有效|授权")
_PENDING = re.compile(r"审中|实质审查|公开|受理")
DEAD_EVENTS = frozenset({"lapsed", "expired", "invalidated", "rejected", "withdrawn", "abandoned"})
# A restoration (恢复) undoes a lapse or a withdrawal: with one in the history the
# status text, recomputed from the dated events (legal_status), says which holds.
RESTORED_EVENT = "restored"
DEAL_SHARES = {"licensed": 0.4, "transferred": 0.3, "pledged": 0.3, "open_licence": 0.2}
_CLAIM_START = re.compile(r"(?:^|(?<=[\s。；;…）)\]」”]))(\d{1,3})\s*[.．、]\s*(?!\d)")
_DEPENDENT = re.compile(r"根据权利要求|如权利要求|按照权利要求|依据权利要求|权利要求\s*\d+\s*所述")
_UNIVERSITY = re.compile(r"大学|学院|学校")
_RESEARCH = re.compile(r"研究院|研究所|科学院|研究中心|实验室")
_ENTERPRISE = re.compile(r"公司|集团|厂|企业|有限|株式会社|GmbH|Inc|Corp|LLC|Ltd", re.I)
_PERSON = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")


@dataclass
class GradeFacts:
    """What the method reads about one record."""

    patent_type: str = ""
    legal_status: str = ""
    app_date: dt.date | None = None
    grant_date: dt.date | None = None
    claims: str = ""
    ipc_codes: list[str] = field(default_factory=list)
    applicants: list[str] = field(default_factory=list)
    applicant_type: str = ""  # the source's 申请人类型, when it has one
    inventors: int = 0
    event_kinds: set[str] = field(default_factory=set)
    family_known: bool = False
    family_size: int = 1
    family_foreign: int = 0
    references_known: bool = False
    backward: int = 0
    forward: int = 0


@dataclass(frozen=True)
class Grade:
    score: int
    band: str
    # key -> [points earned (one decimal), full points, what was read]
    factors: dict[str, list[Any]]


def legal_state(f: GradeFacts, today: dt.date) -> str:
    """``alive`` (granted, in force), ``pending`` (an application under way) or ``dead``."""
    ended = f.event_kinds & DEAD_EVENTS and RESTORED_EVENT not in f.event_kinds
    if ended or _DEAD.search(f.legal_status or ""):
        return "dead"
    years = TERM_YEARS.get(f.patent_type)
    if years and f.app_date and add_years(f.app_date, years) <= today:
        return "dead"
    if f.grant_date or _ALIVE.search(f.legal_status or ""):
        return "alive"
    if f.patent_type in INVENTIONS or _PENDING.search(f.legal_status or ""):
        return "pending"
    # A utility model or design without grant data: the source says nothing either way.
    return "pending"


def claim_stats(text: str) -> tuple[int, int, int]:
    """(claims, independent claims, characters of the first claim) of a claims text."""
    starts = [m for m in _CLAIM_START.finditer(text) if m.group(1)]
    numbers = [int(m.group(1)) for m in starts]
    # Numbered claims run 1, 2, 3 ...: keep the longest such run from 1.
    spans: list[tuple[int, int]] = []
    expected = 1
    for m, n in zip(starts, numbers, strict=True):
        if n == expected:
            spans.append((m.start(1), m.end()))
            expected += 1
    if not spans:
        return (1, 1, len(text.strip()))
    bodies = [
        text[spans[i][1] : spans[i + 1][0] if i + 1 < len(spans) else len(text)]
        for i in range(len(spans))
    ]
    independent = sum(1 for b in bodies if not _DEPENDENT.search(b))
    return (len(spans), max(1, independent), len(bodies[0].strip()))


def applicant_kind(f: GradeFacts) -> str:
    """``enterprise``, ``university``, ``research``, ``individual`` or ``""`` (unknown)."""
    declared = f.applicant_type or ""
    if declared:
        if "企业" in declared or "公司" in declared:
            return "enterprise"
        if "院校" in declared or "大学" in declared or "学校" in declared:
            return "university"
        if "科研" in declared or "机关" in declared or "团体" in declared:
            return "research"
        if "个人" in declared:
            return "individual"
    first = next((a.strip() for a in f.applicants if a and a.strip()), "")
    if not first:
        return ""
    if _UNIVERSITY.search(first):
        return "university"
    if _RESEARCH.search(first):
        return "research"
    if _ENTERPRISE.search(first):
        return "enterprise"
    if _PERSON.match(first):
        return "individual"
    return ""


_TYPE_SHARE = {"utility": 0.4, "pct_utility": 0.4, "design": 0.25}
_KIND_SHARE = {"enterprise": 1.0, "university": 0.8, "research": 0.8, "individual": 0.4}
_KIND_WORDS = {
    "enterprise": "企业",
    "university": "高校",
    "research": "科研院所",
    "individual": "个人",
}
_DEAL_WORDS = {
    "licensed": "许可",
    "transferred": "转让",
    "pledged": "质押",
    "open_licence": "开放许可",
}


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))


def factor_shares(
    f: GradeFacts, today: dt.date, *, state: str | None = None
) -> dict[str, tuple[float, str]]:
    """Each usable factor's share of its full points (0-1) and what was read, in words."""
    state = state or legal_state(f, today)
    out: dict[str, tuple[float, str]] = {}
    status_words = {"alive": "有效", "pending": "审中", "dead": "失效"}[state]
    out["status"] = ({"alive": 1.0, "pending": 0.4, "dead": 0.0}[state], status_words)
    years = TERM_YEARS.get(f.patent_type)
    if years and f.app_date:
        end = add_years(f.app_date, years)
        left = max(0.0, (end - today).days / 365.25) if state != "dead" else 0.0
        out["term"] = (_clip(left / years), f"剩余 {left:.1f} 年 / {years} 年")
    if f.patent_type in INVENTIONS:
        if f.grant_date:
            share, words = 1.0, "授权发明"
        elif state == "alive":
            share, words = 1.0, "发明（有效）"
        else:
            share, words = 0.6, "发明申请"
        out["type"] = (share, words)
    elif f.patent_type in _TYPE_SHARE:
        words = "实用新型" if "utility" in f.patent_type else "外观设计"
        out["type"] = (_TYPE_SHARE[f.patent_type], words)
    if f.claims.strip():
        n, indep, first = claim_stats(f.claims)
        brevity = _clip((600 - first) / 450)  # ≤150 characters full, ≥600 none
        share = 0.5 * _clip(n / 10) + 0.3 * _clip(indep / 3) + 0.2 * brevity
        out["claims"] = (share, f"{n} 项，独立 {indep} 项，首项 {first} 字")
    if f.family_known:
        share = 0.5 * _clip((f.family_size - 1) / 4) + 0.5 * _clip(f.family_foreign / 2)
        out["family"] = (share, f"同族 {f.family_size} 件，海外 {f.family_foreign} 件")
    out["forward"] = (_clip(math.log2(1 + f.forward) / math.log2(11)), f"被引 {f.forward} 次")
    if f.references_known:
        out["backward"] = (_clip(f.backward / 10), f"引证 {f.backward} 篇")
    subclasses = {c[:4] for c in f.ipc_codes if len(c) >= 4}
    if subclasses:
        out["ipc"] = (_clip(len(subclasses) / 4), f"{len(subclasses)} 个小类")
    kind = applicant_kind(f)
    if kind:
        out["applicant"] = (_KIND_SHARE[kind], _KIND_WORDS[kind])
    deals = [k for k in DEAL_SHARES if k in f.event_kinds]
    deal_words = "、".join(_DEAL_WORDS[k] for k in deals) or "无"
    out["deals"] = (_clip(sum(DEAL_SHARES[k] for k in deals)), deal_words)
    if f.inventors:
        out["inventors"] = (_clip(f.inventors / 5), f"{f.inventors} 人")
    if f.app_date:
        age = max(0.0, (today - f.app_date).days / 365.25)
        share = _clip(age / 10) if state == "alive" else 0.0
        out["age"] = (share, f"申请 {age:.1f} 年")
    return out


def band_of(score: int, bands: list[tuple[str, int]]) -> str:
    """The band whose lower bound is the highest one not above ``score``."""
    for band, low in sorted(bands, key=lambda b: -b[1]):
        if score >= low:
            return band
    return bands[-1][0] if bands else "D"


def grade(
    f: GradeFacts,
    *,
    weights: dict[str, int],
    bands: list[tuple[str, int]],
    today: dt.date,
) -> Grade:
    """Score, band and per-factor points of one record under ``weights``."""
    state = legal_state(f, today)
    shares = factor_shares(f, today, state=state)
    factors: dict[str, list[Any]] = {}
    earned = full = 0.0
    for key, (share, words) in shares.items():
        points = weights.get(key, 0)
        if points <= 0:
            continue
        got = round(share * points, 1)
        factors[key] = [got, points, words]
        earned += got
        full += points
    score = round(100 * earned / full) if full else 0
    if state == "dead":
        bounds = sorted(low for _band, low in bands if low > 0)
        if bounds:
            score = min(score, bounds[0] - 1)
    return Grade(score=int(score), band=band_of(int(score), bands), factors=factors)
