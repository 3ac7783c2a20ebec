"""Evidence shown to staff: the passages two records share, and the risk score.

Passages are found on the texts as displayed (not the normalised ones), so the
page can highlight them in place, side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

# A shared run shorter than this is ordinary vocabulary ("所述"), not copying.
MIN_PASSAGE = 8
# Places in the other text tried for one passage (a stock phrase repeated many
# times in a long text should not make the search quadratic).
MAX_SPOTS = 8


def display_text(*, title: str, abstract: str = "", claims: str = "") -> str:
    """The text shown for one record in the side-by-side view."""
    return "\n".join(part for part in (title, abstract, claims) if part)


def shared_passages(a: str, b: str, *, min_len: int = MIN_PASSAGE) -> list[tuple[int, int, int]]:
    """Passages of ``a`` found anywhere in ``b``, as ``(start in a, start in b, length)``.

    In any order on purpose: a copy with its clauses or claims reordered shares
    them all, where an in-order alignment (difflib) would show one run and lose
    the rest. ``a`` is read left to right; at each position the longest run
    starting there that ``b`` holds (looked up by its first ``min_len``
    characters, a few places in ``b`` tried) is taken and skipped over.
    """
    if len(a) < min_len or len(b) < min_len:
        return []
    where: dict[str, list[int]] = {}
    for j in range(len(b) - min_len + 1):
        spots = where.setdefault(b[j : j + min_len], [])
        if len(spots) < MAX_SPOTS:
            spots.append(j)
    out: list[tuple[int, int, int]] = []
    i = 0
    while i <= len(a) - min_len:
        best_j, best = -1, 0
        for j in where.get(a[i : i + min_len], ()):
            n = min_len
            while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                n += 1
            if n > best:
                best_j, best = j, n
        if best:
            out.append((i, best_j, best))
            i += best
        else:
            i += 1
    return out


def highlight(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Split ``text`` into ``(segment, shared?)`` runs for the template to mark."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, length in sorted(spans):
        if start < pos:
            start, length = pos, length - (pos - start)
            if length <= 0:
                continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start : start + length], True))
        pos = start + length
    if pos < len(text):
        out.append((text[pos:], False))
    return out


@dataclass(frozen=True)
class RiskInputs:
    kind: str  # a GroupKind value
    max_jaccard: float = 0.0
    # For groups the edited-copy stage found: the best aligned share (the part of
    # a text inside passages shared with another, synonyms and numbers folded).
    # An edited copy has a low Jaccard by construction; this is its similarity.
    max_aligned: float = 0.0
    size: int = 0
    same_applicant: bool = False
    shared_agency: bool = False
    shared_address: bool = False
    z: float = 0.0
    # Earlier staff decisions about the same agency or applicants: confirmed
    # groups raise the score of their next group, so a decision feeds later scoring.
    prior_confirmed: int = 0
    # Members carrying the two per-filing signals (screening/red_flags.py).
    ipc_outliers: int = 0
    quick_assignments: int = 0
    # For a quick-assignment group: the shortest filing-to-transfer time in days.
    fastest_days: int = -1


def risk_score(inputs: RiskInputs) -> int:
    """0-100: how strongly the evidence points at an abnormal filing.

    The weights are a starting point for staff to tune, not a regulation: the
    similarity (Jaccard, or an edited copy's aligned share) or burst carries
    most of the score; ties between the parties
    (same applicant, agency or address, the regulation's item 6) and the size
    of the group add to it; an IPC far from the applicant's business and an
    assignment soon after filing add to it; confirmed history adds up to 10.
    """
    score = 0.0
    if inputs.kind == "near_duplicate":
        # Jaccard 0.4 → 1 or aligned share 0.3 (the strangers' threshold) → 1,
        # whichever says more: an edited copy scores by what it shares.
        strength = max((inputs.max_jaccard - 0.4) / 0.6, (inputs.max_aligned - 0.3) / 0.7)
        score += 50 * max(0.0, min(1.0, strength))
        score += min(15, 3 * max(0, inputs.size - 1))
        score += 10 if inputs.same_applicant else 0
        score += 8 if inputs.shared_agency else 0
        score += 7 if inputs.shared_address else 0
    elif inputs.kind == "split_filing":
        score += 30 + min(25, 5 * max(0, inputs.size - 2))
        score += 25 * max(0.0, min(1.0, (inputs.max_jaccard - 0.3) / 0.2))
        score += 8 if inputs.shared_agency else 0
        score += 7 if inputs.shared_address else 0
    elif inputs.kind == "ipc_outlier":
        score += 35 + min(25, 5 * max(0, inputs.size - 1))
    elif inputs.kind == "quick_assignment":
        score += 35 + min(25, 5 * max(0, inputs.size - 1))
        score += 10 if 0 <= inputs.fastest_days <= 90 else 0
    else:
        score += 30 + min(40.0, 4 * inputs.z) + min(20, inputs.size / 5)
    # A filing far from the applicant's business, or sold on right after filing,
    # adds to whatever else the group shows (its own kind already counts it).
    score += 8 if inputs.ipc_outliers and inputs.kind != "ipc_outlier" else 0
    score += 10 if inputs.quick_assignments and inputs.kind != "quick_assignment" else 0
    score += min(10, 5 * inputs.prior_confirmed)
    return round(min(100.0, score))
