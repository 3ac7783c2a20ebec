"""Benchmark 蓝天 near-duplicate screening: quality against exact all-pairs, and throughput.

    python bench/screening.py --docs 100000 [--seed 42] [--sample 20000] [--threshold 0.8]

The corpus holds exactly ``--docs`` records:

* the real records: the 958 ccf2022 patents (title, assignee, real abstract) and
  the 4,800 rows of patent_titles_4800 (title + applicants only; the file holds
  292 real duplicate groups on title + applicant, left as they are);
* planted edited copies (``mutate``): 1-3 copies of each source record (real
  ccf2022 abstracts and synthetic records with claims), 5-30 % of the
  characters changed (uniform): first word-level edits while they fit in that
  budget — synonym swaps from a claims synonym list (``SYNONYMS``, three of its
  pairs unknown to the detector), reordered sentences/claims (half the copies),
  clauses swapped inside sentences (30 % of sentences), every number changed —
  then random character edits drawn from the text's own characters (60 %
  substitutions, 20 % insertions, 20 % deletions) make up the rest; reordering
  moves characters without changing them and is not counted. Half the copies
  keep the applicant, half move to a shell company; every fifth source and its
  copies go through one agency (a same-agency batch: related parties);
* split-and-recombined records (issue 24): the first half of one source's
  clauses and the second half of another's, 5-15 % of characters then edited,
  filed by a shell company; every third goes out with others through one
  agency (a same-agency batch); each is a planted pair with both sources;
* look-alikes that must NOT be flagged: a source's title in the opening
  template ("本发明公开了<title>，"), two stock template sentences (``STOCK``),
  then another source's clauses with 60 % of their characters redrawn (same
  template, same vocabulary, a different invention, no earlier filing's text);
* synthetic filler from ``gen_corpus.generate`` up to ``--docs``: with
  ``--text markov`` (the default here) abstracts and claims drawn from an
  order-2 character chain over the ccf2022 abstracts, so that two filler
  records share phrasing but no sentence; a third carries one stock template
  sentence. (``--text sentences``, gen_corpus's default, recombines whole real
  sentences: every filler record is then a genuine partial copy of dozens of
  others, and precision against the planted truth measures that, not the
  detector.)

Quality is measured on the first ``--sample`` records (all real records and all
planted copies sit there, unless ``--docs`` is too small to hold them): the
detector's pairs at Jaccard >= ``--threshold`` against an exact all-pairs join
(prefix filtering: exact, yet fast). The detector verifies every candidate with
the exact Jaccard, so its precision is 1 by construction; ``estimate_precision``
shows what the MinHash estimate alone would give. Planted pairs are reported
separately: how many reach the threshold, and how many the production
parameters (related applicants at a lower threshold) flag. Throughput: the whole
corpus is screened (text, shingles, MinHash, LSH, exact verification, clusters).

Issue 24 figures, at the production thresholds (``ScreeningParams()``):
``planted_recall`` (planted copy and recombination pairs whose two records sit
in one flagged group), ``flag_precision`` (flagged pairs within one planted
family, one real duplicate group, or at exact Jaccard >= ``--threshold``),
``flag_precision_without_filler`` (the same over pairs not touching the
synthetic filler), ``lookalikes_flagged``, each next to the ``_old`` figure of
the MinHash stage alone (``ScreeningParams(edited_copies=False)``). The old
tautological ``precision``/``recall`` (detector against an exact Jaccard join at
``--threshold``) are still printed, as a check of the MinHash stage only.
``screen_s`` is the whole corpus screened with the production parameters, every
stage included; ``*_full`` are the issue's figures over that run's flags (the
filler beyond the sample included). Thresholds: bench/screening_grid.py.

The synthetic filler of 50k+ records is kept in var/bench/ (``synthetic``): the
Markov text is most of the corpus build (~30 min at 10^6 on a loaded machine).

The last output line is one JSON object with at least
``docs, precision, recall, planted_recall, flag_precision, screen_s, docs_per_s``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import os
import pickle
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

# What a copier swaps: most pairs are in the detector's claim synonym list
# (text.CLAIM_SYNONYMS), the last three are not, so that part of every such edit
# stays an edit for the detector too.
SYNONYMS = [("装置", "设备"), ("所述", "该"), ("连接", "相连"), ("包括", "包含"), ("设置", "设有"),
            ("方法", "工艺"), ("固定", "固接"), ("用于", "用来"), ("模块", "单元"),
            ("系统", "平台"), ("获取", "采集"), ("第一", "首个"), ("通过", "经由"),
            ("优选", "较佳"), ("相应", "对应"), ("提高", "提升")]  # fmt: skip
MIN_RATE, MAX_RATE = 0.05, 0.30
# Template sentences of Chinese abstracts and claims: a third of the filler
# carries one, every look-alike two, so that they are background, not evidence.
STOCK = ("本发明结构简单，操作方便，成本低廉，适于推广应用。",
         "本发明制备方法工艺简单，反应条件温和，适合工业化大规模生产。",
         "本实用新型结构合理，安装方便，使用寿命长。",
         "所述方法还包括以下步骤：",
         "本发明具有检测精度高、响应速度快、可靠性好的优点。",
         "与现有技术相比，本发明提高了生产效率并降低了能耗。",
         "所述控制器分别与所述传感器和所述执行机构电连接。",
         "该系统包括数据采集模块、数据处理模块和显示模块。")  # fmt: skip


def mutate(text: str, rng: random.Random, rate: float) -> tuple[str, float]:
    """A copy of ``text`` with about ``rate`` of its characters changed, and the rate reached.

    Word-level edits come first while they fit in the budget: synonym swaps,
    reordered sentences (claims) and reordered clauses within a sentence, and
    changed numbers. Random character edits drawn from the text's own characters
    make up the rest: 60 % substitutions, 20 % insertions, 20 % deletions.
    Reordering moves characters without changing them and is not counted.
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
        parts = [head, *rest]
    # Clauses (split on ，) swapped inside some sentences.
    for n, sentence in enumerate(parts):
        clauses = re.split(r"(?<=，)", sentence)
        if len(clauses) > 2 and rng.random() < 0.3:
            body = clauses[:-1]
            rng.shuffle(body)
            parts[n] = "".join(body) + clauses[-1]
    text = "".join(parts)
    numbers = list(re.finditer(r"\d+", text))
    if numbers and changed + sum(len(m.group()) for m in numbers) <= budget:
        changed += sum(len(m.group()) for m in numbers)
        text = re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), text)
    chars = list(text)
    pool = [c for c in chars if "\u4e00" <= c <= "\u9fff"] or ["甲"]
    extra = max(0, min(len(chars), budget - changed))
    edits = sorted(rng.sample(range(len(chars)), extra), reverse=True)
    for i in edits:  # from the end, so that insertions and deletions keep indices valid
        roll = rng.random()
        if roll < 0.6:
            new = rng.choice(pool)
            chars[i] = new if new != chars[i] else "乙"
        elif roll < 0.8:
            chars.insert(i, rng.choice(pool))
        else:
            del chars[i]
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


def _with_agency(d: ScreeningDoc, agency: str) -> ScreeningDoc:
    return ScreeningDoc(id=d.id, title=d.title, abstract=d.abstract, claims=d.claims,
                        applicant_keys=d.applicant_keys, agency=agency)  # fmt: skip


CACHE = ROOT / "var" / "bench"


def synthetic(n: int, seed: int, text: str) -> list[ScreeningDoc]:
    """``n`` synthetic filler records; a third carry one stock template sentence.

    The Markov text takes ~15 min at 10^6 records (a ``random.choice`` per
    character), and it is setup, not screening: the records are kept in
    var/bench/screening_synth_<n>_<seed>_<text>.pickle and read from there
    when present (a few seconds).
    """
    path = CACHE / f"screening_synth_{n}_{seed}_{text}.pickle"
    if path.exists():
        with path.open("rb") as f:
            cached: list[ScreeningDoc] = pickle.load(f)
        return cached
    stock = random.Random(seed + 1)  # its own stream: the copies stay those of other runs
    synth = [
        ScreeningDoc(
            id=d["id"],
            title=d["title"],
            abstract=d["abstract"] + (stock.choice(STOCK) if stock.random() < 0.3 else ""),
            claims=d["claims"],
            applicant_keys=frozenset(d["applicants"][:1]),
        )
        for d in generate(n, seed, text=text)
    ]
    if n >= 50_000:  # small corpora are quicker to make than to store
        CACHE.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        with part.open("wb") as f:
            pickle.dump(synth, f, protocol=pickle.HIGHEST_PROTOCOL)
        part.rename(path)
    return synth


def build(
    n: int, sample: int, seed: int, text: str = "markov"
) -> tuple[list[ScreeningDoc], dict[str, Any]]:
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
    synth = synthetic(n_synth, seed, text)
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
    # Same-agency batches: every fifth source and its copies go through one agency.
    agency_of: dict[int, str] = {}
    for n_src, src in enumerate(sources):
        agency = f"同批代理所{n_src % 11}" if n_src % 5 == 0 else ""
        if agency:
            agency_of[src.id] = agency
        for _ in range(rng.randint(1, 3)):
            rate = rng.uniform(MIN_RATE, MAX_RATE)
            abstract, ra = mutate(src.abstract, rng, rate)
            claims, rc = mutate(src.claims, rng, rate)
            shell = frozenset({f"壳公司{next_id}"})
            copies.append(ScreeningDoc(
                id=next_id, title=src.title, abstract=abstract, claims=claims,
                applicant_keys=src.applicant_keys if rng.random() < 0.5 else shell,
                agency=agency,
            ))  # fmt: skip
            weight = len(src.abstract) + len(src.claims)
            rates.append((ra * len(src.abstract) + rc * len(src.claims)) / max(1, weight))
            planted[(src.id, next_id)] = rates[-1]
            next_id += 1
    # Split-and-recombine: the first half of one source's clauses and the second
    # half of another's (claims drafted from two earlier filings): a pair with each.
    # Same-agency batches: a third of these go out through one agency together.
    recomb: set[tuple[int, int]] = set()
    lookalikes: list[int] = []
    srcs = [s for s in sources if len(s.abstract) + len(s.claims) > 120]
    for k in range(0, len(srcs) - 1, 4):
        s1, s2 = srcs[k], srcs[k + 1]
        p1 = re.split(r"(?<=[；。])", s1.abstract + s1.claims)
        p2 = re.split(r"(?<=[；。])", s2.abstract + s2.claims)
        body = "".join(p1[: max(1, len(p1) // 2)]) + "".join(p2[len(p2) // 2 :])
        body, _ = mutate(body, rng, rng.uniform(MIN_RATE, 0.15))
        agency = f"批量代理所{k % 7}" if k % 3 == 0 else ""
        shell = frozenset({f"壳公司{next_id}"})
        copies.append(ScreeningDoc(id=next_id, title=s1.title, abstract=body,
                                   applicant_keys=shell, agency=agency))  # fmt: skip
        recomb.add((s1.id, next_id))
        recomb.add((s2.id, next_id))
        next_id += 1
    # Look-alikes: a source's title in the opening template ("本发明公开了<title>，"),
    # two stock template sentences, then a text of the same vocabulary that is no
    # earlier filing (another source's clauses with 60 % of their characters
    # redrawn): same template, different invention; must not be flagged.
    for k in range(2, len(srcs) - 1, 4):
        s1, other = srcs[k], srcs[(k * 7 + 3) % len(srcs)]
        head1 = f"本发明公开了{s1.title}，" + "".join(rng.sample(STOCK, 2))
        rest, _ = mutate("".join(re.split(r"(?<=[，；。])", other.abstract)[1:]), rng, 0.6)
        copies.append(ScreeningDoc(id=next_id, title=s1.title, abstract=head1 + rest,
                                   applicant_keys=frozenset({f"他公司{next_id}"})))  # fmt: skip
        lookalikes.append(next_id)
        next_id += 1
    # The synthetic tail gives up as many records as were planted, so the total is n.
    tail = synth[head_synth : len(synth) - len(copies)] if copies else synth[head_synth:]
    head = real + copies + synth[:head_synth]
    head = [_with_agency(d, agency_of[d.id]) if d.id in agency_of else d for d in head]
    rng.shuffle(head)
    docs = head + tail
    groups: dict[tuple[str, frozenset[str]], list[int]] = defaultdict(list)
    for d in real_titles:
        groups[(d.title, d.applicant_keys)].append(d.id)
    info = {
        "planted": planted,
        "recombined": recomb,
        "lookalikes": lookalikes,
        "synth_max_id": n_synth,
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
    ap.add_argument("--skip-full", action="store_true", help="quality only (tuning)")
    ap.add_argument(
        "--text",
        choices=("markov", "sentences"),
        default="markov",
        help="synthetic filler text (gen_corpus --text)",
    )
    ap.add_argument(
        "--rare",
        type=int,
        help="ScreeningParams.fp_rare_per_record for the whole-corpus screen (tuning)",
    )
    ap.add_argument("--dump-false", help="write the whole corpus's false flags to this CSV")
    args = ap.parse_args(argv)
    sample = min(args.sample, args.docs)
    from filings import machine  # the calibration figure the other benches print

    host = machine() | {"load_avg": [round(x, 2) for x in os.getloadavg()]}
    print(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}; "
          f"load average {host['load_avg']}")  # fmt: skip
    t0 = time.perf_counter()
    docs, info = build(args.docs, sample, args.seed, args.text)
    planted: dict[tuple[int, int], float] = info["planted"]
    print(f"corpus: {len(docs)} docs ({info['real_records']} real), {len(planted)} planted pairs "
          f"(mean edit rate {info['edit_rate_mean']:.3f}), {len(info['real_groups'])} real "
          f"duplicate groups ({time.perf_counter() - t0:.1f}s)")  # fmt: skip
    t = args.threshold
    # The benchmark's question is the detector at one threshold for every pair.
    params = ScreeningParams(jaccard_related=t, jaccard_unrelated=t, min_shingles=1,
                             min_shingles_unrelated=0, min_shingles_related_low=0,
                             edited_copies=False)  # fmt: skip

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
    production = find_near_duplicates(head, params=ScreeningParams())
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

    # The figures: at the production thresholds, recall of planted
    # copies (a pair counts when both sit in one flagged group) and precision of
    # every flagged pair against planted families, real duplicate groups and
    # exact Jaccard >= t pairs; "old" is the MinHash stage alone.
    recomb: set[tuple[int, int]] = info["recombined"]
    family: dict[int, int] = {}
    fam = _components(set(planted) | recomb | {tuple(g[:2]) for g in groups}  # type: ignore[misc]
                      | {(g[0], x) for g in groups for x in g[1:]} | set(truth))  # fmt: skip
    family.update(fam)
    lookalike_ids = set(info["lookalikes"])

    def quality(res: Any) -> dict[str, Any]:
        pairs = {(p.a, p.b) for c in res.clusters for p in c.pairs}
        comp = _components(pairs)
        want = list(planted) + list(recomb)
        found = sum(1 for a, b in want if a in comp and comp.get(a) == comp.get(b))
        good = sum(1 for a, b in pairs if a in family and family.get(a) == family.get(b))
        # Synthetic filler is itself recombined from real sentences (gen_corpus),
        # so its overlaps are real overlaps no truth lists: also reported without it.
        own = [(a, b) for a, b in pairs if a > info["synth_max_id"] and b > info["synth_max_id"]]
        good_own = sum(1 for a, b in own if a in family and family.get(a) == family.get(b))
        la = sum(1 for x in lookalike_ids if x in comp)
        return {"recall": _ratio(found, len(want)), "precision": _ratio(good, len(pairs)),
                "precision_without_filler": _ratio(good_own, len(own)),
                "flags": len(pairs), "lookalikes_flagged": la,
                "recomb_recall": _ratio(sum(1 for a, b in recomb if a in comp
                                            and comp.get(a) == comp.get(b)),
                                        len(recomb))}  # fmt: skip

    t3 = time.perf_counter()
    old_q = quality(find_near_duplicates(head, params=ScreeningParams(edited_copies=False)))
    new_q = quality(production)
    print(f"production thresholds, sample {sample}: old {old_q}; new {new_q} "
          f"({time.perf_counter() - t3:.1f}s)")  # fmt: skip

    if args.skip_full:
        quick = {"docs": len(docs), "planted_recall": new_q["recall"],
                 "flag_precision": new_q["precision"]}  # fmt: skip
        quick |= {f"new_{k}": v for k, v in new_q.items()}
        quick |= {f"old_{k}": v for k, v in old_q.items()}
        print(json.dumps(quick, ensure_ascii=False))
        return
    t2 = time.perf_counter()
    params = ScreeningParams()
    if args.rare is not None:
        params = dataclasses.replace(params, fp_rare_per_record=args.rare)
    full = find_near_duplicates(docs, params=params)
    screen_s = time.perf_counter() - t2
    if args.dump_false:
        # Flags no truth lists, with what confirmed them (to see what kind of pair
        # makes the false flags: related or not, stage, shares).
        filler_max = info["synth_max_id"]
        with open(args.dump_false, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["a", "b", "filler_both", "stage", "related", "same_applicant",
                        "jaccard", "containment", "aligned"])  # fmt: skip
            for c in full.clusters:
                for pr in c.pairs:
                    if pr.a in family and family.get(pr.a) == family.get(pr.b):
                        continue
                    w.writerow([pr.a, pr.b, int(pr.a <= filler_max and pr.b <= filler_max),
                                pr.stage, int(pr.related), int(pr.same_applicant),
                                pr.jaccard, pr.containment, pr.aligned])  # fmt: skip
    print(f"full: {full.candidate_pairs} candidates, {full.verified_pairs} verified, "
          f"{len(full.clusters)} clusters in {screen_s:.1f}s")  # fmt: skip
    # The same figures over every flag of the whole corpus (the filler beyond the
    # sample included; a flag between two filler records counts as false).
    full_q = quality(full)
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
        "planted_recall_at_threshold": _ratio(len(planted_true & detected), len(planted_true)),
        "planted_flagged_production": _ratio(len(planted.keys() & flagged), len(planted)),
        "real_dup_groups": len(groups),
        "real_dup_groups_found": groups_found,
        "candidate_pairs": full.candidate_pairs,
        "clusters": len(full.clusters),
        "planted_recall_old": old_q["recall"],
        "flag_precision_old": old_q["precision"],
        "planted_recall": new_q["recall"],
        "flag_precision": new_q["precision"],
        "flag_precision_without_filler": new_q["precision_without_filler"],
        "flag_precision_without_filler_old": old_q["precision_without_filler"],
        "recombined_recall": new_q["recomb_recall"],
        "lookalikes": len(lookalike_ids),
        "lookalikes_flagged": new_q["lookalikes_flagged"],
        "flags": new_q["flags"],
        "planted_recall_full": full_q["recall"],
        "flag_precision_full": full_q["precision"],
        "flags_full": full_q["flags"],
        "lookalikes_flagged_full": full_q["lookalikes_flagged"],
        "fp_rare_per_record": params.fp_rare_per_record,
        "screen_s": round(screen_s, 2),
        "docs_per_s": round(len(docs) / screen_s, 1),
        "machine": host,
        "load_avg_end": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
