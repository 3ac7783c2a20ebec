"""The abnormal-filing detectors, as pure functions over in-memory records.

No database here: ``services/screening.py`` loads the records, calls these, and
stores what they return, so the detectors are tested on small fixtures and
benchmarked on synthetic corpora alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from iphub.core.arrays import distinct
from iphub.protection.screening import minhash
from iphub.protection.screening.text import (
    WINNOW_BLOCK,
    WINNOW_K,
    body_text,
    containment,
    covered_mask,
    exact_jaccard,
    gram_codes_many,
    screening_text,
    shingle_codes,
    shingle_hashes,
    winnow_many,
)

SIGNATURE_BLOCK = 4096
ESTIMATE_MARGIN = 0.15
VERIFY_REPORT_EVERY = 2000

# Told (stage, done, total) as the work goes: "text" over records, "verify" over
# candidate pairs. The service turns it into the run's progress on its page.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScreeningDoc:
    """What screening needs of one patent record."""

    id: int
    title: str
    abstract: str = ""
    claims: str = ""
    applicant_keys: frozenset[str] = frozenset()
    agency: str = ""
    address: str = ""
    app_date: dt.date | None = None
    ipc: str = ""  # main IPC code, for the "far from the applicant's business" signal


@dataclass(frozen=True)
class ScreeningParams:
    """Thresholds; every one is a policy choice, so none is hidden in code below."""

    # Verified Jaccard a pair needs when the applicants are related (same
    # applicant, agency or address): 3-character shingles lose about three
    # shingles per edited character, so a copy with ~10% of its characters
    # substituted scores about 0.55.
    jaccard_related: float = 0.5
    # Unrelated applicants need a near-verbatim copy of a text long enough to
    # mean something: two short titles "一种连接器" are not a copy.
    jaccard_unrelated: float = 0.8
    min_shingles: int = 6
    min_shingles_unrelated: int = 40
    # The related threshold holds for texts of at least this many shingles; a
    # shorter text (a title alone) needs jaccard_unrelated even between related
    # parties: one applicant's short titles share half their shingles by
    # formula ("一种……装置"), which is no copy: with 0 here flag precision on
    # the benchmark's real titles fell from 0.998 to 0.963 (bench/screening_grid.py).
    min_shingles_related_low: int = 40
    # Bulk filing: a month whose robust z-score (0.6745·(x − median)/MAD) over
    # the entity's own active months reaches this, with at least this many filings.
    bulk_z: float = 3.5
    bulk_min_count: int = 10
    bulk_ratio_when_flat: float = 5.0
    # Splitting one invention into many: an applicant's filings of one day that
    # overlap this much pairwise (well below a copy), at least this many of them.
    split_jaccard: float = 0.3
    split_min_size: int = 3
    # Edited-copy stage (after MinHash; see ``find_edited_copies``), on in
    # production. Thresholds from bench/screening_grid.py (each moved a step
    # either side on bench/screening.py's planted corpus, 10,000 records, seed
    # 42: copies edited by 5-30 % of characters, split-and-recombined records,
    # same-agency batches, template look-alikes, real ccf2022 abstracts); the
    # table is in docs/benchmarks.md, "蓝天 edited copies (issue 24 item 3)".
    # Raising an aligned or recombination threshold loses recall; lowering
    # recombined_part/own flags look-alikes; precision held >= 0.99 elsewhere.
    # The strangers' aligned share stays at 0.3 although 0.2 was as precise on
    # the benchmark: its filler is less alike than real filings of one field.
    # All work on the canonical body (``text.body_text``: abstract and claims,
    # synonyms and numbers folded).
    edited_copies: bool = True
    # Containment of canonical 3-shingles (share of the smaller set in the other).
    containment_related: float = 0.3
    containment_unrelated: float = 0.3
    # Aligned share: characters inside shared passages of ALIGN_RUN+ characters,
    # found in any order, as a share of the body's own text (template passages
    # left out); of the shorter body, and of the longer one (so that a short
    # text wholly inside a long unrelated one does not count as its copy).
    aligned_related: float = 0.2
    aligned_unrelated: float = 0.3
    aligned_longer: float = 0.15
    # Candidates: pairs sharing at least this many winnowing fingerprints, each
    # in at most ``pair_cap(records)`` records; a fingerprint in more than
    # ``template_cap(records)`` records is template text, not a copy. Both are
    # fp_df_cap (50) up to 20,000 records, the corpus the thresholds were set on.
    fp_min_shared: int = 4
    fp_df_cap: int = 50
    # Template text is a fingerprint in more than max(fp_df_cap, fp_template_share
    # × records) records: a share, not a count, so that what is template does not
    # grow with the corpus (at a fixed 50, recall on bench/screening.py's 100k
    # corpus fell to 0.9592 from 0.9726 on its 20k sample: phrases of the sources
    # passed 50 records). Fingerprints between fp_df_cap and that bound count as
    # the body's own text but pair no records (the pairing work stays linear).
    fp_template_share: float = 0.0025
    # Posting lists that pair records are cut to min(fp_df_cap, max(fp_pair_cap_min,
    # fp_pair_budget / records)): pairs from one fingerprint grow with its square,
    # and on bench/screening.py's corpus the pair occurrences grow as records ×
    # cap (42 M at 100k records and cap 50, 340 MB of pair codes), so a fixed cap
    # is ~3 GB at 10^6 records. 100k whole corpus (template at 0.25 %): cap 50
    # recall 0.9702, 20 → 0.9685 in 45 % of the stage's time, 10 → 0.9616.
    # At 10^6 records the cap is 10, and by the cap alone whole-corpus recall fell
    # to 0.7982: the benchmark's filler repeats the sources' phrases in proportion
    # to its size, so the cap a recall needs grows with the records
    # (docs/benchmarks.md, "蓝天 at 1M"). Hence fp_rare_per_record.
    fp_pair_budget: int = 2_000_000
    fp_pair_cap_min: int = 10
    # Beyond the pairing cap, each record's rarest fingerprints still pair it:
    # those of the fewest df buckets (1: 2-3 records, 2: 4-7, ...) holding this
    # many of its fingerprints below the template cap; a pair counts them when
    # both records hold them so (``_fingerprint_pairs``). Nothing changes up to
    # 40,000 records, where the pairing cap is already the template bound. At
    # 10^6 records (bench/screening.py, whole corpus, 2026-12-07): 0 → recall
    # 0.7982, precision 0.9948; 24 → 0.9555 and 0.9827, 6.1 GB; 40 → 0.9698 and
    # 0.9432, 11.2 GB (more of the Markov filler's look-alike pairs become
    # candidates and pass, and groups up to 50 records hold ~6 GB of pair codes).
    fp_rare_per_record: int = 24
    # ... and only while at most this many records hold it among their rarest
    # (at 24 a limit of 20 changes next to nothing; at 40 it costs recall).
    fp_rare_group_cap: int = 50
    # Split-and-recombine: each source must cover recombined_part of the new
    # body, and the new body must cover recombined_own of that source's; the
    # sources together must cover recombined_total of it.
    recombined_part: float = 0.17
    recombined_own: float = 0.1
    recombined_total: float = 0.4


@dataclass
class PairEvidence:
    a: int
    b: int
    jaccard: float
    same_applicant: bool
    shared_agency: bool
    shared_address: bool
    # Which stage flagged the pair ("minhash": near-verbatim; "edited": the
    # canonical-text stage) and, for the latter, the containment and aligned share.
    stage: str = "minhash"
    containment: float = 0.0
    aligned: float = 0.0

    @property
    def related(self) -> bool:
        return self.same_applicant or self.shared_agency or self.shared_address


@dataclass
class DuplicateCluster:
    members: list[int]
    pairs: list[PairEvidence] = field(default_factory=list)


@dataclass
class BulkBurst:
    entity_kind: str  # "applicant" | "agency"
    entity: str
    month: str  # YYYY-MM
    count: int
    median: float
    z: float
    members: list[int] = field(default_factory=list)


@dataclass
class ScreeningResult:
    docs: int
    candidate_pairs: int
    verified_pairs: int
    clusters: list[DuplicateCluster]


def _relation(a: ScreeningDoc, b: ScreeningDoc) -> tuple[bool, bool, bool]:
    same_applicant = bool(a.applicant_keys & b.applicant_keys)
    shared_agency = bool(a.agency) and a.agency == b.agency
    shared_address = bool(a.address) and a.address == b.address
    return same_applicant, shared_agency, shared_address


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def find_near_duplicates(
    docs: Sequence[ScreeningDoc],
    *,
    params: ScreeningParams | None = None,
    new_ids: Iterable[int] | None = None,
    excluded_pairs: set[tuple[int, int]] | None = None,
    progress: Progress | None = None,
) -> ScreeningResult:
    """Clusters of near-identical records: LSH candidates, exact Jaccard, union-find.

    ``new_ids`` restricts the pairs to those touching a new record (incremental
    screening); ``excluded_pairs`` (``(low id, high id)``) are pairs staff have
    dismissed, never flagged again; ``progress`` is told how far it got.
    """
    p = params or ScreeningParams()
    report = progress or (lambda _stage, _done, _total: None)
    excluded = excluded_pairs or set()

    def text_of(i: int) -> str:
        d = docs[i]
        return screening_text(title=d.title, abstract=d.abstract, claims=d.claims)

    sigs = np.empty((len(docs), minhash.NUM_PERM), dtype=np.uint32)
    # Texts and shingles are made and hashed a block at a time and then dropped:
    # a million records' shingles would take gigabytes, their texts about one,
    # their signatures take 512 MB. The candidates' are made again when verified.
    for start in range(0, len(docs), SIGNATURE_BLOCK):
        stop = min(len(docs), start + SIGNATURE_BLOCK)
        block = [shingle_codes(text_of(i)) for i in range(start, stop)]
        sigs[start:stop] = minhash.signatures(block)
        report("text", stop, len(docs))
    shingle_sets: dict[int, npt.NDArray[np.uint64]] = {}

    def shingles(i: int) -> npt.NDArray[np.uint64]:
        if i not in shingle_sets:
            shingle_sets[i] = shingle_hashes(text_of(i))
        return shingle_sets[i]

    only: npt.NDArray[np.bool_] | None = None
    if new_ids is not None:
        wanted = set(new_ids)
        only = np.fromiter((d.id in wanted for d in docs), dtype=bool, count=len(docs))
    candidates = minhash.candidate_pairs(sigs, only=only)
    # Most LSH candidates are pairs sharing a stock sentence or two. Their MinHash
    # estimate, a vectorised comparison, drops them before any exact set
    # intersection; the margin is over three standard errors at 128 permutations.
    floor = min(p.jaccard_related, p.jaccard_unrelated) - ESTIMATE_MARGIN
    keep = np.zeros(len(candidates), dtype=bool)
    for start in range(0, len(candidates), 1 << 20):
        part = candidates[start : start + (1 << 20)]
        keep[start : start + len(part)] = (sigs[part[:, 0]] == sigs[part[:, 1]]).mean(
            axis=1
        ) >= floor
    plausible = candidates[keep]
    uf = _UnionFind()
    accepted: list[PairEvidence] = []
    todo = plausible.tolist()
    report("verify", 0, len(todo))
    for n, (i, j) in enumerate(todo):
        if n and n % VERIFY_REPORT_EVERY == 0:
            report("verify", n, len(todo))
        a, b = docs[i], docs[j]
        small = min(len(shingles(i)), len(shingles(j)))
        if small < p.min_shingles:
            continue
        key = (min(a.id, b.id), max(a.id, b.id))
        if key in excluded:
            continue
        same_applicant, shared_agency, shared_address = _relation(a, b)
        related = same_applicant or shared_agency or shared_address
        if not related and small < p.min_shingles_unrelated:
            continue
        score = exact_jaccard(shingles(i), shingles(j))
        low = related and small >= p.min_shingles_related_low
        if score < (p.jaccard_related if low else p.jaccard_unrelated):
            continue
        accepted.append(
            PairEvidence(
                key[0], key[1], round(score, 4), same_applicant, shared_agency, shared_address
            )
        )
        uf.union(a.id, b.id)
    report("verify", len(todo), len(todo))
    done = {(pr.a, pr.b) for pr in accepted}
    if p.edited_copies:
        for pair in find_edited_copies(
            docs, params=p, only=only, skip=done | excluded, text_of=text_of
        ):
            accepted.append(pair)
            uf.union(pair.a, pair.b)
    groups: dict[int, DuplicateCluster] = defaultdict(lambda: DuplicateCluster(members=[]))
    for pair in accepted:
        groups[uf.find(pair.a)].pairs.append(pair)
    clusters = []
    for cluster in groups.values():
        cluster.members = sorted({x for pr in cluster.pairs for x in (pr.a, pr.b)})
        cluster.pairs.sort(key=lambda pr: -pr.jaccard)
        clusters.append(cluster)
    clusters.sort(key=lambda c: (-len(c.members), c.members[0]))
    return ScreeningResult(len(docs), len(candidates), len(accepted), clusters)


ALIGN_RUN = 8
# Characters of its own (outside template passages) a body needs before the
# edited-copy stage compares it: four shared passages' worth.
MIN_OWN_TEXT = 4 * ALIGN_RUN


def covered(a: str, b: str, run: int = ALIGN_RUN) -> bytearray:
    """Per character of ``a``: 1 when it lies in a passage of ``run``+ characters
    found anywhere in ``b`` (in any order), else 0."""
    mask = bytearray(len(a))
    if len(a) < run or len(b) < run:
        return mask
    grams = {b[i : i + run] for i in range(len(b) - run + 1)}
    for i in range(len(a) - run + 1):
        if a[i : i + run] in grams:
            mask[i : i + run] = b"\x01" * run
    return mask


def aligned_share(a: str, b: str, run: int = ALIGN_RUN) -> float:
    """Share of the shorter text covered by passages of ``run``+ characters found
    anywhere in the other, in any order: the alignment that explains a flag.

    Order-free on purpose: a copy with its clauses reordered is still all shared.
    """
    if len(a) > len(b):
        a, b = b, a
    return sum(covered(a, b, run)) / len(a) if a else 0.0


# Fingerprints are grouped by their top bits into this many partitions, each
# sorted and paired on its own: no array of every record's fingerprints is ever
# sorted whole (at 10^6 records that is ~10^8 fingerprints).
FP_PARTS = 32
# Pair codes are counted in this many ranges of the lower row, one at a time.
PAIR_RANGES = 8
# Histogram buckets of floor(log2(records holding a fingerprint)), up to 2^15.
DF_BUCKETS = 16


def template_cap(n: int, p: ScreeningParams) -> int:
    """Records a fingerprint may be in before it is template text, for ``n`` records."""
    return max(p.fp_df_cap, int(p.fp_template_share * n))


def pair_cap(n: int, p: ScreeningParams) -> int:
    """Records a fingerprint may be in and still pair them, for ``n`` records."""
    return min(p.fp_df_cap, max(p.fp_pair_cap_min, p.fp_pair_budget // max(1, n)))


def _winnow_parts(
    bodies: Iterable[list[str]],
) -> list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]]:
    """Distinct ``(fingerprint, row)`` pairs of every body, in FP_PARTS partitions
    by the fingerprint's top bits; within a partition sorted by fingerprint, rows
    ascending. ``bodies`` come a block at a time, in row order, so that only
    the fingerprints (12 bytes each) are kept, not the texts."""
    chunks: list[list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]]] = [
        [] for _ in range(FP_PARTS)
    ]
    shift = np.uint64(64 - (FP_PARTS.bit_length() - 1))
    bounds = np.arange(1, FP_PARTS, dtype=np.uint64) << shift
    start = 0
    for block in bodies:
        fp, row = winnow_many(block)  # sorted by fingerprint
        cut = [0, *np.searchsorted(fp, bounds).tolist(), len(fp)]
        rows = (row + start).astype(np.uint32)
        for part in range(FP_PARTS):
            a, b = cut[part], cut[part + 1]
            if b > a:
                chunks[part].append((fp[a:b], rows[a:b]))
        start += len(block)
    out: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]] = []
    for part_chunks in chunks:
        if not part_chunks:
            out.append((np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32)))
            continue
        fp = np.concatenate([c[0] for c in part_chunks])
        owner = np.concatenate([c[1] for c in part_chunks])
        part_chunks.clear()
        # Sorted runs in row order: a stable sort merges them, rows stay ascending.
        order = np.argsort(fp, kind="stable")
        out.append((fp[order], owner[order]))
    return out


def _runs(x: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and length of each run of equal values in the sorted ``x``."""
    if len(x) == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    starts = np.flatnonzero(np.concatenate([[True], x[1:] != x[:-1]]))
    return starts, np.diff(np.append(starts, len(x)))


def _df_bucket(df: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """floor(log2(df)): 2-3 records → 1, 4-7 → 2, ... (df ≥ 1)."""
    return np.log2(df).astype(np.intp)


def _rare_limits(
    parts: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]],
    n: int,
    p: ScreeningParams,
) -> npt.NDArray[np.intp]:
    """Per row, the largest df bucket (``_df_bucket``) of its rarest fingerprints:
    the fewest buckets from the rarest up that hold ``fp_rare_per_record`` of the
    row's fingerprints in 2 to ``template_cap(n)`` records (all of them when the
    row has fewer). Counted as a histogram per row (n × DF_BUCKETS counts)."""
    tcap = template_cap(n, p)
    hist = np.zeros(n * DF_BUCKETS, dtype=np.int64)
    for fp, row in parts:
        _, count = _runs(fp)
        df = np.repeat(count, count)
        ok = (df >= 2) & (df <= tcap)
        hist += np.bincount(
            row[ok].astype(np.int64) * DF_BUCKETS + _df_bucket(df[ok]), minlength=n * DF_BUCKETS
        )
    reach = hist.reshape(n, DF_BUCKETS).cumsum(axis=1) >= p.fp_rare_per_record
    limit: npt.NDArray[np.intp] = np.where(
        reach.any(axis=1), reach.argmax(axis=1), DF_BUCKETS - 1
    ).astype(np.intp)
    return limit


def _fingerprint_pairs(
    parts: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]],
    n: int,
    p: ScreeningParams,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """Row pairs sharing ``fp_min_shared``+ pairing fingerprints; and the template
    fingerprints (in more than ``template_cap(n)`` records), sorted, for the
    verification to discount.

    A fingerprint pairs two rows when it is in at most ``pair_cap(n)`` records,
    or when it is among both rows' rarest (``_rare_limits``) and at most
    ``fp_rare_group_cap`` rows hold it so: the work of a fingerprint grows with the
    square of the rows it pairs, and the rarest-per-row rule keeps that number
    small however common a phrase grows in a large corpus, while an edited copy
    and its source still meet on the rarest of the passages they share (an
    edit's new phrases are in one record and pair nothing).

    ``parts``: ``_winnow_parts``'s partitions (each is emptied as it is used);
    ``n`` the number of rows."""
    template: list[npt.NDArray[np.uint64]] = []
    cap, most = template_cap(n, p), pair_cap(n, p)
    # While the pairing cap is the template cap (up to 40,000 records), every
    # fingerprint that is not template text pairs already: no rarest rule needed.
    limit = _rare_limits(parts, n, p) if p.fp_rare_per_record and most < cap else None
    group_cap = max(most, p.fp_rare_group_cap) if limit is not None else most
    ranges: list[list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]]] = [
        [] for _ in range(PAIR_RANGES)
    ]
    span = max(1, -(-n // PAIR_RANGES))
    for k_part in range(len(parts)):
        fp, row32 = parts[k_part]
        parts[k_part] = (fp[:0], row32[:0])
        if len(fp) == 0:
            continue
        starts, count = _runs(fp)
        template.append(fp[starts[count > cap]])
        df = np.repeat(count, count)
        pairing = (df >= 2) & (df <= most)
        if limit is not None:
            pairing |= (df > most) & (df <= cap) & (_df_bucket(df) <= limit[row32])
        del df
        fp, row = fp[pairing], row32[pairing].astype(np.int64)
        _, count = _runs(fp)
        size = np.repeat(count, count)
        found = []
        # Groups of like size together: pairing a group of g rows takes g - 1
        # shifts, and most groups are small, so few rows go through many shifts.
        lo = 2
        while lo <= group_cap:
            hi = min(group_cap, 2 * lo - 1)
            sized = (size >= lo) & (size <= hi)
            fps, rows = fp[sized], row[sized]
            for k in range(1, hi):
                same = fps[:-k] == fps[k:]
                if not same.any():
                    break
                # Rows ascend within a fingerprint: the first of each pair is the lower.
                found.append(rows[:-k][same] * np.int64(n) + rows[k:][same])
            lo = hi + 1
        del size
        if not found:
            continue
        codes, shared = np.unique(np.concatenate(found), return_counts=True)
        del found
        which = np.searchsorted(
            codes, np.arange(1, PAIR_RANGES, dtype=np.int64) * np.int64(span) * np.int64(n)
        )
        cut = [0, *which.tolist(), len(codes)]
        for r in range(PAIR_RANGES):
            if cut[r + 1] > cut[r]:
                ranges[r].append(
                    (codes[cut[r] : cut[r + 1]], shared[cut[r] : cut[r + 1]].astype(np.int32))
                )
    out: list[npt.NDArray[np.int64]] = []
    for r in range(PAIR_RANGES):
        if not ranges[r]:
            continue
        codes = np.concatenate([c for c, _ in ranges[r]])
        shared = np.concatenate([s for _, s in ranges[r]])
        ranges[r] = []
        order = np.argsort(codes)
        codes, shared = codes[order], shared[order]
        starts, _ = _runs(codes)
        total = np.add.reduceat(shared, starts) if len(starts) else shared[:0]
        out.append(codes[starts[total >= p.fp_min_shared]])
    all_template = np.sort(np.concatenate(template)) if template else np.empty(0, dtype=np.uint64)
    if not out:
        return np.empty((0, 2), dtype=np.int64), all_template
    found_codes = np.concatenate(out)
    return np.stack([found_codes // n, found_codes % n], axis=1), all_template


def _same_day_filer(a: ScreeningDoc, b: ScreeningDoc) -> bool:
    """One applicant's filings of one day: partial overlap there is the
    split-filing signal's (``find_split_filings``), not a copy."""
    return (
        a.app_date is not None
        and a.app_date == b.app_date
        and bool(a.applicant_keys & b.applicant_keys)
    )


def find_edited_copies(
    docs: Sequence[ScreeningDoc],
    *,
    params: ScreeningParams | None = None,
    only: npt.NDArray[np.bool_] | None = None,
    skip: set[tuple[int, int]] | None = None,
    text_of: Callable[[int], str] | None = None,
) -> list[PairEvidence]:
    """Copies too edited for the MinHash stage, in three steps:

    1. canonical bodies (``text.body_text``): abstract and claims, claim
       synonyms and numbers folded, titles left out;
    2. candidates from winnowing fingerprints of them, which survive reordered
       clauses and sentences; fingerprints shared by more than ``pair_cap``
       records (common phrases, template sentences) do not count;
    3. each candidate confirmed by containment of canonical 3-shingles and by an
       order-free alignment: shared ALIGN_RUN-character passages covering
       enough of both bodies' own text (template passages, those fingerprints
       shared by more than ``template_cap`` records, left out). Related parties
       need less than strangers. A body covered by two or more others together,
       none enough alone, is a split-and-recombined text, flagged with each.

    ``text_of`` (row → the MinHash stage's text, with title) gives each pair
    the Jaccard the page labels as such; the stage makes them when not given.
    """
    p = params or ScreeningParams()
    skip = skip or set()

    def body(i: int) -> str:
        return body_text(abstract=docs[i].abstract, claims=docs[i].claims)

    # Bodies are made a block at a time and dropped once fingerprinted; the
    # candidates' are made again below (a few percent of the records).
    blocks = (
        [body(i) for i in range(start, min(len(docs), start + WINNOW_BLOCK))]
        for start in range(0, len(docs), WINNOW_BLOCK)
    )
    pairs, template = _fingerprint_pairs(_winnow_parts(blocks), len(docs), p)
    if only is not None and len(pairs):
        pairs = pairs[only[pairs[:, 0]] | only[pairs[:, 1]]]
    # The candidates' 8-grams (for the alignment) and 5-grams (for the template
    # mask) are hashed a block of records at a time, not record by record.
    rows = distinct(pairs) if len(pairs) else np.empty(0, dtype=np.int64)
    bodies = {i: body(i) for i in rows.tolist()}
    grams: dict[int, npt.NDArray[np.uint64]] = {}
    sorted_grams: dict[int, npt.NDArray[np.uint64]] = {}
    own: dict[int, npt.NDArray[np.bool_]] = {}
    for start in range(0, len(rows), WINNOW_BLOCK):
        block = rows[start : start + WINNOW_BLOCK].tolist()
        texts_of = [bodies[i] for i in block]
        fives = gram_codes_many(texts_of, WINNOW_K) if len(template) else []
        for n, (i, g) in enumerate(zip(block, gram_codes_many(texts_of, ALIGN_RUN), strict=True)):
            grams[i] = g
            sorted_grams[i] = distinct(g)
            # The body's own text: characters outside template passages (a
            # template fingerprint's k characters). Template sentences shared by
            # many filings are no evidence that one copied another, so shares
            # are of the own text and count only own characters.
            mask = np.ones(len(bodies[i]), dtype=bool)
            if len(template):
                hit = covered_mask(fives[n], template, WINNOW_K)
                mask[: len(hit)] = ~hit
            own[i] = mask
    shingle_sets: dict[int, npt.NDArray[np.uint64]] = {}

    def share(x: int, y: int) -> tuple[float, npt.NDArray[np.bool_]]:
        """What of x's own text lies in passages found in y, and where."""
        mask = (
            covered_mask(grams[x], sorted_grams[y], ALIGN_RUN)
            & own[x][: len(grams[x]) + ALIGN_RUN - 1]
        )
        return float(mask.sum()) / max(1, int(own[x].sum())), mask

    def shingle(i: int) -> npt.NDArray[np.uint64]:
        if i not in shingle_sets:
            shingle_sets[i] = shingle_hashes(bodies[i])
        return shingle_sets[i]

    def filed_jaccard(i: int, j: int) -> float:
        if text_of is not None:
            ta, tb = text_of(i), text_of(j)
        else:
            ta, tb = (screening_text(title=docs[x].title, abstract=docs[x].abstract,
                                     claims=docs[x].claims) for x in (i, j))  # fmt: skip
        return round(exact_jaccard(shingle_hashes(ta), shingle_hashes(tb)), 4)

    out: list[PairEvidence] = []
    # Partial matches, per record: the partner rows covering a good part of it.
    parts: dict[int, list[int]] = defaultdict(list)
    for i, j in pairs.tolist():
        a, b = docs[i], docs[j]
        key = (min(a.id, b.id), max(a.id, b.id))
        if key in skip or _same_day_filer(a, b):
            continue
        # Too little text of its own (a body of template sentences) proves nothing.
        if min(own[i].sum(), own[j].sum()) < MIN_OWN_TEXT:
            continue
        share_i, _ = share(i, j)
        share_j, _ = share(j, i)
        if share_i >= p.recombined_part and share_j >= p.recombined_own:
            parts[i].append(j)
        if share_j >= p.recombined_part and share_i >= p.recombined_own:
            parts[j].append(i)
        same_applicant, shared_agency, shared_address = _relation(a, b)
        related = same_applicant or shared_agency or shared_address
        sa, sb = shingle(i), shingle(j)
        small = min(len(sa), len(sb))
        if small < (p.min_shingles if related else p.min_shingles_unrelated):
            continue
        shorter, longer = (
            (share_i, share_j) if len(bodies[i]) <= len(bodies[j]) else (share_j, share_i)
        )
        if shorter < (p.aligned_related if related else p.aligned_unrelated):
            continue
        if longer < p.aligned_longer:
            continue
        c = containment(sa, sb)
        if c < (p.containment_related if related else p.containment_unrelated):
            continue
        out.append(
            PairEvidence(key[0], key[1], filed_jaccard(i, j), same_applicant, shared_agency,
                         shared_address, "edited", round(c, 4), round(shorter, 4))
        )  # fmt: skip
    # Split-and-recombine: a body covered by two or more others together (each a
    # good part, none enough alone) is flagged with each of them.
    flagged = {(pr.a, pr.b) for pr in out}
    for x, found in parts.items():
        if len(found) < 2:
            continue
        masks = {y: share(x, y)[1] for y in found}
        union = np.logical_or.reduce(list(masks.values()))
        total = float(union.sum()) / max(1, int(own[x].sum()))
        if total < p.recombined_total:
            continue
        for y, mask in masks.items():
            a, b = docs[x], docs[y]
            key = (min(a.id, b.id), max(a.id, b.id))
            if key in flagged or key in skip:
                continue
            same_applicant, shared_agency, shared_address = _relation(a, b)
            part = round(float(mask.sum()) / max(1, int(own[x].sum())), 4)
            out.append(
                PairEvidence(key[0], key[1], filed_jaccard(x, y), same_applicant, shared_agency,
                             shared_address, "recombined", part, round(total, 4))
            )  # fmt: skip
            flagged.add(key)
    return out


def _robust_z(value: float, median: float, mad: float) -> float:
    return 0.6745 * (value - median) / mad if mad else float("inf") if value > median else 0.0


def find_bulk_filings(
    docs: Sequence[ScreeningDoc], *, params: ScreeningParams | None = None
) -> list[BulkBurst]:
    """Months in which an applicant or agency filed far above its own norm.

    The norm is the median of the entity's monthly counts over its active span
    (first to last filing month, empty months counted as 0), and "far above" a
    robust z-score — median and MAD, so the burst itself does not inflate the
    norm it is measured against. When the MAD is 0 (a flat history), a month
    needs ``bulk_ratio_when_flat`` times the median instead.
    """
    p = params or ScreeningParams()
    by_entity: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for d in docs:
        if d.app_date is None:
            continue
        month = d.app_date.strftime("%Y-%m")
        for key in d.applicant_keys:
            by_entity[("applicant", key)][month].append(d.id)
        if d.agency:
            by_entity[("agency", d.agency)][month].append(d.id)
    bursts = []
    for (kind, entity), months in by_entity.items():
        if max(len(v) for v in months.values()) < p.bulk_min_count:
            continue
        counts = _monthly_counts(months)
        median = float(np.median(counts))
        mad = float(np.median(np.abs(counts - median)))
        for month, ids in months.items():
            n = len(ids)
            if n < p.bulk_min_count:
                continue
            z = _robust_z(n, median, mad)
            flat_burst = mad == 0 and n >= p.bulk_ratio_when_flat * max(median, 1.0)
            if (mad and z >= p.bulk_z) or flat_burst:
                bursts.append(BulkBurst(kind, entity, month, n, median, min(z, 99.0), sorted(ids)))
    bursts.sort(key=lambda b: (-b.count, b.entity_kind, b.entity, b.month))
    return bursts


def _monthly_counts(months: dict[str, list[int]]) -> npt.NDArray[np.float64]:
    keys = sorted(months)
    y0, m0 = map(int, keys[0].split("-"))
    y1, m1 = map(int, keys[-1].split("-"))
    span = (y1 - y0) * 12 + (m1 - m0) + 1
    counts = np.zeros(span)
    for k, ids in months.items():
        y, m = map(int, k.split("-"))
        counts[(y - y0) * 12 + (m - m0)] = len(ids)
    return counts


def find_split_filings(
    docs: Sequence[ScreeningDoc],
    *,
    params: ScreeningParams | None = None,
    excluded_pairs: set[tuple[int, int]] | None = None,
) -> list[DuplicateCluster]:
    """One invention split into many filings: same applicant, same filing day,
    texts overlapping well beyond chance but below a copy.

    The groups (applicant, day) are small, so every pair inside one is compared
    exactly; no LSH is needed and none of these moderate overlaps is missed.
    Pairs already similar enough to be copies are left to ``find_near_duplicates``.
    """
    p = params or ScreeningParams()
    excluded = excluded_pairs or set()
    by_day: dict[tuple[str, dt.date], list[ScreeningDoc]] = defaultdict(list)
    for d in docs:
        if d.app_date is not None:
            for applicant in d.applicant_keys:
                by_day[(applicant, d.app_date)].append(d)
    clusters: dict[tuple[int, ...], DuplicateCluster] = {}
    for group in by_day.values():
        if len(group) < p.split_min_size:
            continue
        sets = [
            shingle_hashes(screening_text(title=d.title, abstract=d.abstract, claims=d.claims))
            for d in group
        ]
        uf = _UnionFind()
        pairs: list[PairEvidence] = []
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                a, b = group[i], group[j]
                key = (min(a.id, b.id), max(a.id, b.id))
                if key in excluded or min(len(sets[i]), len(sets[j])) < p.min_shingles:
                    continue
                score = exact_jaccard(sets[i], sets[j])
                if p.split_jaccard <= score < p.jaccard_related:
                    _, agency, address = _relation(a, b)
                    pairs.append(
                        PairEvidence(key[0], key[1], round(score, 4), True, agency, address)
                    )
                    uf.union(a.id, b.id)
        parts: dict[int, list[PairEvidence]] = defaultdict(list)
        for pair in pairs:
            parts[uf.find(pair.a)].append(pair)
        for part in parts.values():
            members = sorted({x for pr in part for x in (pr.a, pr.b)})
            if len(members) >= p.split_min_size:
                part.sort(key=lambda pr: -pr.jaccard)
                clusters.setdefault(tuple(members), DuplicateCluster(members=members, pairs=part))
    return sorted(clusters.values(), key=lambda c: (-len(c.members), c.members[0]))
