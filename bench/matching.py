"""Benchmark 知慧桥 matchmaking (``iphub.transfer.matching.rank_for_need``) against plain BM25.

    python bench/matching.py --docs 1000000 [--needs 72] [--seed 42] [--rerank K]

Evaluation set, built from the real records in /work/shared/data/ccf2022_patents.jsonl
(958 patent abstracts, each labelled with one of 36 technology classes):

* **Needs.** ``--needs`` source patents are drawn class by class (round robin over
  the 36 classes, a random member each time, seeded), so every class is asked
  about. Each source patent becomes a technology need written from its *problem
  statement*: the abstract is split into sentences (。；!?), and the sentences that
  state a problem or an effect (解决, 问题, 提高, 降低, 避免, 克服, 缺陷, ...) are kept,
  in order, up to 160 characters; an abstract with no such sentence gives its last
  sentence (usually the effect) instead. The need's title is the first clause of
  that statement (up to 30 characters), its description "希望解决以下技术问题：" plus
  the statement. The need has no IPC codes (the ccf records carry none), wants a
  transfer, and belongs to a bench enterprise that owns no patent. Needs are
  unsaved ``TechnologyNeed`` objects, so posting them starts no background work.
* **Relevance.** Binary: the *other* patents of the source patent's class. The
  source patent itself is dropped from every ranking (it would trivially win).
* **Corpus.** The 958 real records plus N synthetic filler patents from
  ``bench/gen_corpus.py`` (sentences recombined from the same real abstracts, so
  they share vocabulary with the real ones); filler records carry no class, so
  they are never relevant. Real records are granted inventions without dates or
  regions; filler records keep their generated status (lapsed ones are never
  proposed by the matcher, as in production). Region is therefore neutral.

What is measured, on one scratch SQLite database and one tantivy index under
``var/bench/matching_<N>_<seed>/`` (built once with ``PatentIndex.rebuild``,
reused by later runs; delete the directory to rebuild):

* **matcher**: ``rank_for_need(need, limit=51)``, the production code path — BM25
  candidates from the index, listed patents, IPC/region/availability parts, and
  e5 embeddings for the first-pass best ``TRANSFER_DENSE_RERANK`` only
  (``--rerank`` overrides it);
* **BM25**: the same OR-of-terms query the matcher sends, ranked by the index's
  BM25 score alone, on the same index.

Both report nDCG@10 and recall@50 (mean over needs). Latency is wall time of
``rank_for_need`` per need, twice: **cold** (the e5 vector cache is emptied first,
so every candidate and every need is embedded during the call, the worst case) and
**warm** (the same needs again: vectors cached, as for patents that were candidates
before). ``p95_ms`` is the cold p95. The last output line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
DATA = Path(os.environ.get("IPHUB_SHARED_DATA", "/work/shared/data"))
CCF = DATA / "ccf2022_patents.jsonl"
CHUNK = 5000
PROBLEM_WORDS = re.compile(
    r"解决|问题|提高|提升|降低|减少|避免|克服|缺陷|不足|改善|有效|保证|防止|简化|难以|无法|效率"
)
PROBLEM_CHARS = 160


def problem_statement(abstract: str) -> str:
    """The sentences of ``abstract`` that state a problem or an effect (see docstring)."""
    sentences = [s.strip() for s in re.split(r"[。；;!?！？]", abstract) if len(s.strip()) > 4]
    if not sentences:
        return abstract[:PROBLEM_CHARS]
    chosen = [s for s in sentences if PROBLEM_WORDS.search(s)] or sentences[-1:]
    return "。".join(chosen)[:PROBLEM_CHARS]


def need_fields(record: dict[str, Any]) -> tuple[str, str]:
    """(title, description) of the need written from one real patent."""
    statement = problem_statement(record["abstract"])
    title = re.split(r"[，,、：:]", statement)[0][:30] or record["title"][:30]
    return title, "希望解决以下技术问题：" + statement


def configure(workdir: Path) -> None:
    """Point Django at the scratch database and index, then set it up."""
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["IPHUB_INDEX_DIR"] = str(workdir / "index")
    os.environ["IPHUB_VAR_DIR"] = str(workdir / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iphub.settings")
    import django

    django.setup()


def real_records() -> list[dict[str, Any]]:
    with CCF.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def prepare(workdir: Path, docs: int, seed: int) -> None:
    """Create the scratch database and index (once; ``ready.json`` marks completion)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from iphub.core import services as core_services
    from iphub.core.demo import demo_uscc
    from iphub.patents.models import Patent
    from iphub.patents.search import PatentIndex

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    core_services.regions_load()
    core_services.organisation_create(
        actor=None,
        data={"name": "知慧桥评测需求企业（演示）", "uscc": demo_uscc("420111", 901),
              "kind": "enterprise", "region": "420111"},
    )  # fmt: skip
    from gen_corpus import generate

    def rows() -> Iterator[tuple[Patent, dict[str, Any]]]:
        for r in real_records():
            patent = Patent(
                natural_key=f"ccf:{r['id']}",
                patent_type="invention",
                title=r["title"],
                abstract=r["abstract"],
                applicants=[r["assignee"]] if r.get("assignee") else [],
                legal_status="有权-审定授权",
                source="ccf2022",
                source_id=r["id"],
                extra={"label": r["label_id"]},
            )
            yield patent, {"title": r["title"], "abstract": r["abstract"],
                           "applicants": patent.applicants, "type": "invention",
                           "status": patent.legal_status}  # fmt: skip
        for d in generate(docs, seed):
            patent = Patent(
                natural_key=f"bench:{d['id']}",
                application_number=d["an"],
                patent_type=d["type"],
                title=d["title"][:500],
                abstract=d["abstract"],
                applicants=d["applicants"],
                ipc_main=d["ipc"][0],
                ipc_codes=d["ipc"],
                city_code=d["city"],
                app_date=d["app_date"],
                grant_date=d["grant_date"],
                legal_status=d["status"],
                source="bench",
            )
            yield patent, d

    def documents() -> Iterator[dict[str, Any]]:
        # Rows are inserted chunk by chunk as the index asks for documents, so the
        # database and the index are built in one streaming pass.
        batch: list[tuple[Patent, dict[str, Any]]] = []
        for item in rows():
            batch.append(item)
            if len(batch) >= CHUNK:
                yield from _insert(batch)
                batch = []
        yield from _insert(batch)

    def _insert(batch: list[tuple[Patent, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        if not batch:
            return
        created = Patent.objects.bulk_create([p for p, _ in batch])
        for p, d in zip(created, (d for _, d in batch), strict=True):
            yield {**d, "id": p.pk}

    def progress(done: int, total: int | None) -> None:
        if done % 100_000 < 256:
            print(f"  indexed {done}/{total} ({time.perf_counter() - t0:.0f}s)", flush=True)

    index = PatentIndex(Path(settings.SEARCH_INDEX_DIR))
    with transaction.atomic():
        n = index.rebuild(documents(), total=docs + 958, progress=progress)
    info = {"indexed": n, "prepare_s": round(time.perf_counter() - t0, 1)}
    (workdir / "ready.json").write_text(json.dumps(info))
    print(f"prepared {n} patents in {info['prepare_s']}s under {workdir}", flush=True)


def ndcg10(ranked: list[int], relevant: set[int]) -> float:
    dcg = sum(1 / _log2(i + 2) for i, pk in enumerate(ranked[:10]) if pk in relevant)
    ideal = sum(1 / _log2(i + 2) for i in range(min(10, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall50(ranked: list[int], relevant: set[int]) -> float:
    return len(set(ranked[:50]) & relevant) / len(relevant) if relevant else 0.0


def _log2(x: float) -> float:
    import math

    return math.log2(x)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000


def sample_sources(by_label: dict[str, list[Any]], needs: int, seed: int) -> list[Any]:
    """Round robin over the classes, a random unused member each time."""
    rng = random.Random(seed)
    pools = {k: rng.sample(v, len(v)) for k, v in sorted(by_label.items())}
    out: list[Any] = []
    while len(out) < needs and any(pools.values()):
        for label in sorted(pools):
            if pools[label] and len(out) < needs:
                out.append(pools[label].pop())
    return out


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings

    from iphub.core.models import Organisation
    from iphub.patents.models import Patent
    from iphub.transfer import embeddings
    from iphub.transfer.matching import _bm25, dense_window, need_text, rank_for_need, terms_of
    from iphub.transfer.models import TechnologyNeed, TextEmbedding

    if args.rerank is not None:
        settings.TRANSFER_DENSE_RERANK = args.rerank
    org = Organisation.objects.select_related("region").get(name__startswith="知慧桥评测")
    real = list(Patent.objects.filter(source="ccf2022").only("pk", "abstract", "title", "extra"))
    by_label: dict[str, list[Patent]] = {}
    for p in real:
        by_label.setdefault(p.extra["label"], []).append(p)
    sources = sample_sources(by_label, args.needs, args.seed)
    cases = []
    for src in sources:
        title, description = need_fields({"title": src.title, "abstract": src.abstract})
        need = TechnologyNeed(
            organisation=org, region=org.region, title=title, description=description,
            ipc_codes=[], preferred_forms=["transfer"],
        )  # fmt: skip
        relevant = {p.pk for p in by_label[src.extra["label"]] if p.pk != src.pk}
        cases.append((src.pk, need, relevant))

    def run_matcher() -> tuple[list[float], list[list[int]]]:
        times, rankings = [], []
        for src_pk, need, _ in cases:
            t = time.perf_counter()
            ranked = rank_for_need(need, limit=51)
            times.append(time.perf_counter() - t)
            rankings.append([c.patent.pk for c in ranked if c.patent.pk != src_pk][:50])
        return times, rankings

    dense = embeddings.available()
    TextEmbedding.objects.all().delete()  # cold: nothing embedded yet
    cold, rankings = run_matcher()
    warm, _ = run_matcher()
    bm25_times, bm25_rankings = [], []
    for src_pk, need, _ in cases:
        t = time.perf_counter()
        scores = _bm25(terms_of(need_text(need)))
        bm25_times.append(time.perf_counter() - t)
        order = sorted(scores, key=lambda pk: (-scores[pk], pk))
        bm25_rankings.append([pk for pk in order if pk != src_pk][:50])
    rels = [rel for _, _, rel in cases]
    out = {
        "ndcg10": statistics.fmean(ndcg10(r, rel) for r, rel in zip(rankings, rels, strict=True)),
        "bm25_ndcg10": statistics.fmean(
            ndcg10(r, rel) for r, rel in zip(bm25_rankings, rels, strict=True)
        ),
        "recall50": statistics.fmean(
            recall50(r, rel) for r, rel in zip(rankings, rels, strict=True)
        ),
        "bm25_recall50": statistics.fmean(
            recall50(r, rel) for r, rel in zip(bm25_rankings, rels, strict=True)
        ),
        "p50_ms": pct(cold, 50),
        "p95_ms": pct(cold, 95),
        "p95_warm_ms": pct(warm, 95),
        "bm25_p95_ms": pct(bm25_times, 95),
    }
    out = {k: round(v, 4 if "ndcg" in k or "recall" in k else 1) for k, v in out.items()}
    return out | {"needs": len(cases), "rerank": dense_window(), "dense": dense}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=100_000, help="synthetic filler patents")
    ap.add_argument("--needs", type=int, default=72, help="needs to evaluate (2 per class)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--rerank", type=int, default=None, help="override TRANSFER_DENSE_RERANK")
    args = ap.parse_args()

    workdir = ROOT / "var" / "bench" / f"matching_{args.docs}_{args.seed}"
    if not (workdir / "ready.json").exists():
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
    configure(workdir)
    if not (workdir / "ready.json").exists():
        prepare(workdir, args.docs, args.seed)
    info = json.loads((workdir / "ready.json").read_text())
    result = evaluate(args)
    print(f"\n{'':<8} {'nDCG@10':>8} {'recall@50':>10}")
    print(f"{'matcher':<8} {result['ndcg10']:>8.4f} {result['recall50']:>10.4f}")
    print(f"{'BM25':<8} {result['bm25_ndcg10']:>8.4f} {result['bm25_recall50']:>10.4f}")
    r = result
    print(f"matcher per need: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms (cold), "
          f"p95 {r['p95_warm_ms']} ms (warm); BM25 p95 {r['bm25_p95_ms']} ms")  # fmt: skip
    print(json.dumps({"docs": args.docs, "indexed": info["indexed"], **result}))


if __name__ == "__main__":
    main()
