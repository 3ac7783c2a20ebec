"""Benchmark 蓝天 near-duplicate screening: quality against exact all-pairs, and throughput.

    python bench/screening.py --docs 100000 [--seed 42] [--sample 20000] [--threshold 0.8]

Builds a synthetic corpus with ``gen_corpus.generate`` (texts recombined from the
real records), plants near-duplicates of some records with realistic edits
(synonym swaps, reordered claims, changed numbers, 5-30% of characters
substituted), then:

* quality: on the first ``--sample`` records (which hold all planted copies) the
  detector's pairs at Jaccard >= threshold are compared with an exact all-pairs
  join (prefix filtering, so exact yet fast) — precision and recall overall and
  on the planted pairs;
* throughput: the whole corpus is screened (shingles, MinHash, LSH, exact
  verification, clustering) and timed.

The last output line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from gen_corpus import generate  # noqa: E402

from iphub.protection.screening.detect import (  # noqa: E402
    ScreeningDoc,
    ScreeningParams,
    find_near_duplicates,
)
from iphub.protection.screening.text import exact_jaccard, screening_text, shingle_hashes  # noqa: E402

SYNONYMS = [("装置", "设备"), ("所述", "该"), ("连接", "相连"), ("包括", "包含"), ("设置", "设有"),
            ("方法", "工艺"), ("固定", "固接"), ("用于", "用来")]  # fmt: skip


def mutate(text: str, rng: random.Random, rate: float) -> str:
    """A copy with trivial substitutions: synonyms, reordered clauses, numbers, characters."""
    for a, b in SYNONYMS:
        if rng.random() < 0.5:
            text = text.replace(a, b)
    clauses = re.split(r"(?<=[；。])", text)
    if len(clauses) > 2 and rng.random() < 0.5:
        head, rest = clauses[0], clauses[1:]
        rng.shuffle(rest)
        text = head + "".join(rest)
    text = re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), text)
    chars = list(text)
    pool = [c for c in chars if "\u4e00" <= c <= "\u9fff"] or ["甲"]
    for i in rng.sample(range(len(chars)), int(len(chars) * rate)):
        chars[i] = rng.choice(pool)
    return "".join(chars)


def build(n: int, sample: int, seed: int) -> tuple[list[ScreeningDoc], set[tuple[int, int]]]:
    rng = random.Random(seed)
    base = []
    for d in generate(n, seed):
        keys = frozenset(d["applicants"][:1])
        base.append(ScreeningDoc(id=d["id"], title=d["title"], abstract=d["abstract"],
                                 claims=d["claims"], applicant_keys=keys))  # fmt: skip
    n_sources = max(20, min(1000, sample // 20))
    sources = rng.sample(range(min(sample, n) - 3 * n_sources), n_sources)
    planted, copies = set(), []
    next_id = n + 1
    for s in sources:
        src = base[s]
        for _ in range(rng.randint(1, 3)):
            # Half the copies keep the applicant, half move to a shell company.
            shell = frozenset({f"壳公司{next_id}"})
            rate = rng.uniform(0.0, 0.30) if rng.random() < 0.5 else rng.uniform(0.0, 0.05)
            copies.append(ScreeningDoc(
                id=next_id, title=src.title, abstract=mutate(src.abstract, rng, rate),
                claims=mutate(src.claims, rng, rate),
                applicant_keys=src.applicant_keys if rng.random() < 0.5 else shell,
            ))  # fmt: skip
            planted.add((src.id, next_id))
            next_id += 1
    head = base[: sample - len(copies)] + copies
    return head + base[sample - len(copies) :], planted


def exact_pairs(
    shingles: list[np.ndarray], ids: list[int], t: float
) -> dict[tuple[int, int], float]:
    """Every pair with Jaccard >= t, exactly: prefix filtering (rarest shingles first)."""
    freq: dict[int, int] = defaultdict(int)
    for s in shingles:
        for x in s.tolist():
            freq[x] += 1
    ordered = [sorted(s.tolist(), key=lambda x: (freq[x], x)) for s in shingles]
    order = sorted(range(len(ordered)), key=lambda i: len(ordered[i]))
    index: dict[int, list[int]] = defaultdict(list)
    found: dict[tuple[int, int], float] = {}
    for i in order:
        toks = ordered[i]
        if not toks:
            continue
        prefix = len(toks) - math.ceil(t * len(toks)) + 1
        seen = set()
        for x in toks[:prefix]:
            for j in index[x]:
                if j in seen or len(ordered[j]) < t * len(toks):
                    continue
                seen.add(j)
                score = exact_jaccard(shingles[i], shingles[j])
                if score >= t:
                    a, b = sorted((ids[i], ids[j]))
                    found[(a, b)] = score
            index[x].append(i)
    return found


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="蓝天 screening benchmark")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    sample = min(args.sample, args.docs)
    t0 = time.perf_counter()
    docs, planted = build(args.docs, sample, args.seed)
    print(
        f"corpus: {len(docs)} docs, {len(planted)} planted pairs ({time.perf_counter() - t0:.1f}s)"
    )
    params = ScreeningParams(jaccard_related=args.threshold, jaccard_unrelated=args.threshold,
                             min_shingles_unrelated=0)  # fmt: skip

    head = docs[:sample]
    shingles = [
        shingle_hashes(screening_text(title=d.title, abstract=d.abstract, claims=d.claims))
        for d in head
    ]
    t1 = time.perf_counter()
    truth = exact_pairs(shingles, [d.id for d in head], args.threshold)
    exact_s = time.perf_counter() - t1
    result = find_near_duplicates(head, params=params)
    detected = {(p.a, p.b) for c in result.clusters for p in c.pairs}
    hit = len(detected & set(truth))
    precision = hit / len(detected) if detected else 1.0
    recall = hit / len(truth) if truth else 1.0
    planted_true = {p for p in planted if p in truth}
    planted_recall = len(planted_true & detected) / len(planted_true) if planted_true else 1.0
    print(f"sample {sample}: exact pairs {len(truth)} ({exact_s:.1f}s), detected {len(detected)}, "
          f"planted pairs at >= {args.threshold}: {len(planted_true)}")  # fmt: skip

    t2 = time.perf_counter()
    full = find_near_duplicates(docs, params=params)
    screen_s = time.perf_counter() - t2
    print(f"full: {full.candidate_pairs} candidates, {full.verified_pairs} verified, "
          f"{len(full.clusters)} clusters in {screen_s:.1f}s")  # fmt: skip
    out: dict[str, Any] = {
        "docs": len(docs),
        "threshold": args.threshold,
        "sample": sample,
        "exact_pairs": len(truth),
        "detected_pairs": len(detected),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "planted_pairs": len(planted_true),
        "planted_recall": round(planted_recall, 4),
        "candidate_pairs": full.candidate_pairs,
        "clusters": len(full.clusters),
        "screen_s": round(screen_s, 2),
        "docs_per_s": round(len(docs) / screen_s, 1),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
