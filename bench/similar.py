"""Benchmark "more like this" (``iphub.transfer.similar.similar_to_patent``, issue 20).

    python bench/similar.py --docs 100000 [--queries 72] [--repeat 3] [--seed 42] [--embed-top K]

Corpus: the scratch SQLite database and tantivy index of bench/matching.py
(``var/bench/matching_v2_<N>_<seed>/``, built by its ``prepare`` when missing and
shared with it): the 958 real records of ccf2022_patents.jsonl, each labelled with
one of 36 technology classes, plus N filler patents with no ccf2022 text (see
bench/matching.py).

Queries and relevance. ``--queries`` real records are drawn round robin over the
36 classes (seeded). Records that bench/matching.py turns into its needs (the
matcher's weights, which more-like-this reuses, were set looking at those) are
left out, so the queries are rows the method has never been tuned on; the method
itself fits nothing to the corpus (BM25 statistics, a pretrained e5, fixed
weights) and never sees the class labels. Relevant = the other records of the
query's class (binary). The record itself is excluded by the code under test
(checked: a run fails if a record is returned as similar to itself).

Measured, per query record, on the production call ``similar_to_patent(p, limit=10)``:

* latency (wall and CPU) — ``--repeat`` passes over the queries; each pass's p50
  and p95, and the median of the passes' p95 (``p95_ms``);
* nDCG@10 and precision@10 of its ranking, against BM25 alone on the same
  terms (``matching._bm25(patent_query_terms(p))``, the candidate generator);
* with ``--embed-top K`` (default 0: no vectors), the query records and the
  first K results of each query's lexical ranking get e5 vectors stored first
  (``embeddings.patents_embed``, what ``manage.py embed_patents`` runs), then
  the queries run again (``*_vectors`` keys). e5 costs 0.1-0.3 s of CPU per
  passage on this machine, so a fully embedded 100k corpus is out of reach here.

Output: the machine line (CPU, cores, ``python_ms`` of bench/filings.py), a table,
then one JSON line with ``docs, queries, p50_ms, p95_ms, p95_runs, p95_cpu_ms,
ndcg10, p10, bm25_ndcg10, bm25_p10, bm25_p95_ms`` (and the ``*_vectors`` keys).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

MATCHING_NEEDS = 72  # bench/matching.py's default needs: their sources are not queries


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000


def precision10(ranked: list[int], relevant: set[int]) -> float:
    return sum(1 for pk in ranked[:10] if pk in relevant) / 10


def choose_queries(by_label: dict[str, list[Any]], n: int, seed: int) -> list[Any]:
    """Round robin over classes, skipping bench/matching.py's need sources."""
    from matching import sample_sources

    tuned = {p.pk for p in sample_sources(by_label, MATCHING_NEEDS, seed)}
    rest = {k: [p for p in v if p.pk not in tuned] for k, v in by_label.items()}
    return sample_sources(rest, n, seed + 1)


def run_queries(queries: list[Any]) -> tuple[list[float], list[float], list[list[int]]]:
    from iphub.transfer.similar import similar_to_patent

    wall, cpu, rankings = [], [], []
    for p in queries:
        t, c = time.perf_counter(), time.process_time()
        result = similar_to_patent(p, limit=10)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        ranked = [i.patent.pk for i in result.items]
        assert p.pk not in ranked, f"record {p.pk} returned as similar to itself"
        rankings.append(ranked)
    return wall, cpu, rankings


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    from filings import machine
    from matching import ndcg10

    from iphub.patents.models import Patent
    from iphub.transfer import embeddings, matching
    from iphub.transfer.models import PatentVector
    from iphub.transfer.similar import patent_query_terms

    host = machine()
    print(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}")
    real = list(Patent.objects.filter(source="ccf2022").order_by("pk"))
    by_label: dict[str, list[Patent]] = {}
    for p in real:
        by_label.setdefault(p.extra["label"], []).append(p)
    queries = choose_queries(by_label, args.queries, args.seed)
    rels = [{q.pk for q in by_label[p.extra["label"]] if q.pk != p.pk} for p in queries]

    def mean(metric: Any, rankings: list[list[int]]) -> float:
        return statistics.fmean(metric(r, rel) for r, rel in zip(rankings, rels, strict=True))

    PatentVector.objects.all().delete()  # lexical runs: no vector anywhere
    passes = []
    rankings: list[list[int]] = []
    for i in range(args.repeat):
        wall, cpu, rankings = run_queries(queries)
        passes.append((pct(wall, 50), pct(wall, 95), pct(cpu, 95)))
        print(f"pass {i + 1}: p50 {passes[-1][0]:.1f} ms, p95 {passes[-1][1]:.1f} ms "
              f"(CPU p95 {passes[-1][2]:.1f} ms)", flush=True)  # fmt: skip
    bm25_times, bm25_rankings = [], []
    for p in queries:
        t = time.perf_counter()
        scores = matching._bm25(patent_query_terms(p))
        bm25_times.append(time.perf_counter() - t)
        scores.pop(p.pk, None)
        bm25_rankings.append(sorted(scores, key=lambda pk: (-scores[pk], pk))[:10])
    out: dict[str, Any] = {
        "docs": args.docs,
        "queries": len(queries),
        "p50_ms": round(statistics.median(x[0] for x in passes), 1),
        "p95_ms": round(statistics.median(x[1] for x in passes), 1),
        "p95_runs": [round(x[1], 1) for x in passes],
        "p95_cpu_ms": round(statistics.median(x[2] for x in passes), 1),
        "ndcg10": round(mean(ndcg10, rankings), 4),
        "p10": round(mean(precision10, rankings), 4),
        "bm25_ndcg10": round(mean(ndcg10, bm25_rankings), 4),
        "bm25_p10": round(mean(precision10, bm25_rankings), 4),
        "bm25_p95_ms": round(pct(bm25_times, 95), 1),
    }
    if args.embed_top:
        pool = {p.pk for p in queries}
        for r in rankings:
            pool |= set(r[: args.embed_top])
        print(f"embedding {len(pool)} patents (queries + first {args.embed_top} results)...",
              flush=True)  # fmt: skip
        run = embeddings.patents_embed(patent_ids=pool)
        vpasses = []
        for _ in range(args.repeat):
            wall, cpu, vrank = run_queries(queries)
            vpasses.append((pct(wall, 50), pct(wall, 95)))
        out |= {
            "embedded": run.embedded,
            "embed_ms_per_passage": round(run.per_passage_ms, 1),
            "p95_ms_vectors": round(statistics.median(x[1] for x in vpasses), 1),
            "p95_runs_vectors": [round(x[1], 1) for x in vpasses],
            "ndcg10_vectors": round(mean(ndcg10, vrank), 4),
            "p10_vectors": round(mean(precision10, vrank), 4),
        }
    out["machine"] = host
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=100_000, help="synthetic filler patents")
    ap.add_argument("--queries", type=int, default=72)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--embed-top", type=int, default=0, help="vectors for queries + first K")
    args = ap.parse_args()
    started = time.perf_counter()

    import matching as mb

    workdir = ROOT / "var" / "bench" / f"matching_v2_{args.docs}_{args.seed}"
    if not (workdir / "ready.json").exists():
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
    mb.configure(workdir)
    if not (workdir / "ready.json").exists():
        mb.prepare(workdir, args.docs, args.seed)
    info = json.loads((workdir / "ready.json").read_text())
    random.seed(args.seed)
    r = evaluate(args)
    print(f"\n{'':<26} {'nDCG@10':>8} {'P@10':>7} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'more like this (lexical)':<26} {r['ndcg10']:>8.4f} {r['p10']:>7.4f} "
          f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}")  # fmt: skip
    if "ndcg10_vectors" in r:
        print(f"{'more like this (+e5)':<26} {r['ndcg10_vectors']:>8.4f} "
              f"{r['p10_vectors']:>7.4f} {'':>8} {r['p95_ms_vectors']:>8.1f}")  # fmt: skip
    print(f"{'BM25 alone':<26} {r['bm25_ndcg10']:>8.4f} {r['bm25_p10']:>7.4f} "
          f"{'':>8} {r['bm25_p95_ms']:>8.1f}")  # fmt: skip
    print(f"p95 per pass: {r['p95_runs']} ms; CPU p95 {r['p95_cpu_ms']} ms; "
          f"indexed {info['indexed']}")  # fmt: skip
    r["indexed"] = info["indexed"]
    r["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
