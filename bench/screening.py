"""Benchmark 蓝天 near-duplicate screening: quality against exact all-pairs, and throughput.

    python bench/screening.py --docs 100000 [--seed 42] [--sample 20000] [--threshold 0.8]

The corpus holds exactly ``--docs`` records:

* the real records: the 958 ccf2022 patents (title, assignee, real abstract) and
  the 4,800 rows of patent_titles_4800 (title + applicants only; the file holds
  292 real duplicate groups on title + applicant, left as they are);
* planted near-duplicates: 1-3 copies of each source record (half real ccf2022
  abstracts, half synthetic records with claims), each with realistic edits —
  synonym swaps, reordered claims/clauses, changed numbers, then random
  character substitutions — so that 5-30% of the characters are changed
  (reordering moves characters without changing them and is not counted);
  half the copies keep the applicant, half move to a shell company;
* synthetic records from ``gen_corpus.generate`` (texts recombined from the
  real records) to fill up to ``--docs``.

Quality is measured on the first ``--sample`` records (all real records and all
planted copies sit there, unless ``--docs`` is too small to hold them): the
detector's pairs at Jaccard >= ``--threshold`` against an exact all-pairs join
(prefix filtering: exact, yet fast). The detector verifies every candidate with
the exact Jaccard, so its precision is 1 by construction; ``estimate_precision``
shows what the MinHash estimate alone would give. Planted pairs are reported
separately: how many reach the threshold, and how many the production
parameters (related applicants at a lower threshold) flag. Throughput: the whole
corpus is screened (text, shingles, MinHash, LSH, exact verification, clusters).

The last output line is one JSON object with at least
``docs, precision, recall, screen_s, docs_per_s``.
"""

from __future__ import annotations

import argparse
import csv
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
from gen_corpus import DATA, generate  # noqa: E402

from iphub.protection.screening import minhash  # noqa: E402
from iphub.protection.screening.detect import (  # noqa: E402
    ScreeningDoc,
    ScreeningParams,
    find_near_duplicates,
)
from iphub.protection.screening.text import (  # noqa: E402
    exact_jaccard,
    screening_text,
    shingle_codes,
    shingle_hashes,
)

SYNONYMS = [("装置", "设备"), ("所述", "该"), ("连接", "相连"), ("包括", "包含"), ("设置", "设有"),
            ("方法", "工艺"), ("固定", "固接"), ("用于", "用来"), ("模块", "单元"),
            ("系统", "平台"), ("获取", "采集"), ("第一", "首个")]  # fmt: skip
MIN_RATE, MAX_RATE = 0.05, 0.30


def mutate(text: str, rng: random.Random, rate: float) -> tuple[str, float]:
    """A copy of ``text`` with about ``rate`` of its characters changed, and the rate reached.

    Word-level edits come first while they fit in the budget (synonym swaps,
    reordered claims or clauses, changed numbers); random character
    substitutions, drawn from the text's own characters, make up the rest.
    """
    if not text:
        return text, 0.0
    budget = round(rate * len(text))
    changed = 0
    for a, b in rng.sample(SYNONYMS, len(SYNONYMS)):
        cost = text.count(a) * max(len(a), len(b))
        if cost and changed + cost <= budget and rng.random() < 0.7:
            text, changed = text.replace(a, b), changed + cost
    # Claims and clauses end with 。 or ；: keep the first (claim 1 / the subject)
    # and shuffle the rest, as a copier reordering dependent claims would.
    parts = re.split(r"(?<=[；。])", text)
    if len(parts) > 2 and rng.random() < 0.5:
        head, rest = parts[0], parts[1:]
        rng.shuffle(rest)
        text = head + "".join(rest)
    numbers = list(re.finditer(r"\d+", text))
    if numbers and changed + sum(len(m.group()) for m in numbers) <= budget:
        changed += sum(len(m.group()) for m in numbers)
        text = re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), text)
    chars = list(text)
    pool = [c for c in chars if "\u4e00" <= c <= "\u9fff"] or ["甲"]
    extra = max(0, min(len(chars), budget - changed))
    for i in rng.sample(range(len(chars)), extra):
        new = rng.choice(pool)
        chars[i] = new if new != chars[i] else "乙"
    return "".join(chars), (changed + extra) / max(1, len(text))


def real_records() -> tuple[list[ScreeningDoc], list[ScreeningDoc]]:
    """The ccf2022 patents and the patent_titles_4800 rows, as screening records."""
    ccf = [json.loads(x) for x in (DATA / "ccf2022_patents.jsonl").open(encoding="utf-8")]
    ccf_docs = [
        ScreeningDoc(
            id=0,
            title=r["title"],
            abstract=r["abstract"],
            applicant_keys=frozenset({r.get("assignee") or f"ccf{i}"}),
        )
        for i, r in enumerate(ccf)
    ]
    with (DATA / "patent_titles_4800.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    title_docs = [
        ScreeningDoc(
            id=0,
            title=r["title"],
            applicant_keys=frozenset(a.strip() for a in r["applicants"].split(";") if a.strip()),
        )
        for r in rows
    ]
    return ccf_docs, title_docs


def _with_id(d: ScreeningDoc, new_id: int) -> ScreeningDoc:
    return ScreeningDoc(id=new_id, title=d.title, abstract=d.abstract, claims=d.claims,
                        applicant_keys=d.applicant_keys)  # fmt: skip


def build(n: int, sample: int, seed: int) -> tuple[list[ScreeningDoc], dict[str, Any]]:
    """``n`` records: real ones and planted copies first (inside the sample), synthetic after."""
    rng = random.Random(seed)
    ccf_docs, title_docs = real_records()
    n_sources = max(10, min(1000, sample // 20))
    copies_max = 3 * n_sources
    # A small run cannot hold every real record: keep a quarter of the sample synthetic.
    room = max(0, sample - copies_max - sample // 4)
    ccf_docs = ccf_docs[: min(len(ccf_docs), room // 2)]
    title_docs = title_docs[: min(len(title_docs), room - len(ccf_docs))]
    n_synth = n - len(ccf_docs) - len(title_docs)  # copies replace synthetic tail records
    synth = [
        ScreeningDoc(
            id=d["id"],
            title=d["title"],
            abstract=d["abstract"],
            claims=d["claims"],
            applicant_keys=frozenset(d["applicants"][:1]),
        )
        for d in generate(n_synth, seed)
    ]
    next_id = n_synth + 1
    real = []
    for d in ccf_docs + title_docs:
        real.append(_with_id(d, next_id))
        next_id += 1
    real_ccf, real_titles = real[: len(ccf_docs)], real[len(ccf_docs) :]
    head_synth = max(0, sample - len(real) - copies_max)
    pool = real_ccf + synth[:head_synth]
    sources = rng.sample(pool, min(n_sources, len(pool)))
    planted: dict[tuple[int, int], float] = {}
    copies: list[ScreeningDoc] = []
    rates: list[float] = []
    for src in sources:
        for _ in range(rng.randint(1, 3)):
            rate = rng.uniform(MIN_RATE, MAX_RATE)
            abstract, ra = mutate(src.abstract, rng, rate)
            claims, rc = mutate(src.claims, rng, rate)
            shell = frozenset({f"壳公司{next_id}"})
            copies.append(ScreeningDoc(
                id=next_id, title=src.title, abstract=abstract, claims=claims,
                applicant_keys=src.applicant_keys if rng.random() < 0.5 else shell,
            ))  # fmt: skip
            weight = len(src.abstract) + len(src.claims)
            rates.append((ra * len(src.abstract) + rc * len(src.claims)) / max(1, weight))
            planted[(src.id, next_id)] = rates[-1]
            next_id += 1
    # The synthetic tail gives up as many records as were planted, so the total is n.
    tail = synth[head_synth : len(synth) - len(copies)] if copies else synth[head_synth:]
    head = real + copies + synth[:head_synth]
    rng.shuffle(head)
    docs = head + tail
    groups: dict[tuple[str, frozenset[str]], list[int]] = defaultdict(list)
    for d in real_titles:
        groups[(d.title, d.applicant_keys)].append(d.id)
    info = {
        "planted": planted,
        "head": len(head),
        "real_groups": [ids for ids in groups.values() if len(ids) > 1],
        "real_records": len(real),
        "edit_rate_mean": float(np.mean(rates)) if rates else 0.0,
    }
    return docs, info


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


def estimate_pairs(texts: list[str], ids: list[int], t: float) -> set[tuple[int, int]]:
    """LSH candidates whose MinHash estimate alone reaches ``t`` (no exact check)."""
    sigs = minhash.signatures([shingle_codes(x) for x in texts])
    cand = minhash.candidate_pairs(sigs)
    est = (sigs[cand[:, 0]] == sigs[cand[:, 1]]).mean(axis=1)
    return {tuple(sorted((ids[i], ids[j]))) for i, j in cand[est >= t].tolist()}  # type: ignore[misc]


def _components(pairs: set[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    return {x: find(x) for x in list(parent)}


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="蓝天 screening benchmark")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    sample = min(args.sample, args.docs)
    t0 = time.perf_counter()
    docs, info = build(args.docs, sample, args.seed)
    planted: dict[tuple[int, int], float] = info["planted"]
    print(f"corpus: {len(docs)} docs ({info['real_records']} real), {len(planted)} planted pairs "
          f"(mean edit rate {info['edit_rate_mean']:.3f}), {len(info['real_groups'])} real "
          f"duplicate groups ({time.perf_counter() - t0:.1f}s)")  # fmt: skip
    t = args.threshold
    # The benchmark's question is the detector at one threshold for every pair.
    params = ScreeningParams(jaccard_related=t, jaccard_unrelated=t, min_shingles=1,
                             min_shingles_unrelated=0)  # fmt: skip

    head = docs[:sample]
    ids = [d.id for d in head]
    texts = [screening_text(title=d.title, abstract=d.abstract, claims=d.claims) for d in head]
    shingles = [shingle_hashes(x) for x in texts]
    t1 = time.perf_counter()
    truth = exact_pairs(shingles, ids, t)
    exact_s = time.perf_counter() - t1
    result = find_near_duplicates(head, params=params)
    detected = {(p.a, p.b) for c in result.clusters for p in c.pairs}
    hit = len(detected & truth.keys())
    estimated = estimate_pairs(texts, ids, t)

    planted_true = {p for p in planted if p in truth}
    production = find_near_duplicates(head)
    flagged = {(p.a, p.b) for c in production.clusters for p in c.pairs}
    by_id = {d.id: i for i, d in enumerate(head)}
    planted_j = [
        exact_jaccard(shingles[by_id[a]], shingles[by_id[b]])
        for a, b in planted
        if a in by_id and b in by_id
    ]
    quartiles = np.percentile(planted_j, [25, 50, 75]).round(3).tolist() if planted_j else []
    comp = _components(detected)
    groups = info["real_groups"]
    groups_found = sum(1 for g in groups if len({comp.get(x, -x) for x in g}) == 1)
    print(f"sample {sample}: exact pairs {len(truth)} ({exact_s:.1f}s), detected {len(detected)}; "
          f"planted pairs at >= {t}: {len(planted_true)} of {len(planted)}; planted Jaccard "
          f"quartiles {quartiles}; "
          f"real groups found {groups_found}/{len(groups)}")  # fmt: skip

    t2 = time.perf_counter()
    full = find_near_duplicates(docs, params=params)
    screen_s = time.perf_counter() - t2
    print(f"full: {full.candidate_pairs} candidates, {full.verified_pairs} verified, "
          f"{len(full.clusters)} clusters in {screen_s:.1f}s")  # fmt: skip
    out: dict[str, Any] = {
        "docs": len(docs),
        "threshold": t,
        "sample": sample,
        "exact_pairs": len(truth),
        "detected_pairs": len(detected),
        "precision": _ratio(hit, len(detected)),
        "recall": _ratio(hit, len(truth)),
        "estimate_precision": _ratio(len(estimated & truth.keys()), len(estimated)),
        "estimate_recall": _ratio(len(estimated & truth.keys()), len(truth)),
        "planted_pairs": len(planted),
        "planted_edit_rate_mean": round(info["edit_rate_mean"], 4),
        "planted_at_threshold": len(planted_true),
        "planted_recall": _ratio(len(planted_true & detected), len(planted_true)),
        "planted_flagged_production": _ratio(len(planted.keys() & flagged), len(planted)),
        "real_dup_groups": len(groups),
        "real_dup_groups_found": groups_found,
        "candidate_pairs": full.candidate_pairs,
        "clusters": len(full.clusters),
        "screen_s": round(screen_s, 2),
        "docs_per_s": round(len(docs) / screen_s, 1),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
