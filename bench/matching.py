"""Benchmark 知慧桥 matchmaking (``iphub.transfer.matching.rank_for_need``) against plain BM25.

    python bench/matching.py --docs 100000 [--needs 72] [--seed 42] [--embed-chars C]

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
  transfer, and belongs to a bench enterprise that owns no patent. Needs are saved
  with the ORM directly (no service call), so posting them starts no background work.
* **Relevance.** Binary: the *other* patents of the source patent's class. The
  source patent itself is dropped from every ranking (it would trivially win).
* **Corpus.** The 958 real records plus N filler patents that contain **no text of
  the labelled ccf2022 records** (an earlier version recombined ccf2022 sentences,
  so unlabelled near-copies outranked the relevant records and both rankers scored
  0 at 100k). Filler structure (type, status, dates, applicants, IPC codes, city)
  comes from ``bench/gen_corpus.py`` unchanged — the real distributions; its text
  is replaced by ``filler_text``: the title is a Chinese title from
  patent_titles_4800.csv (4,465 real titles over 30 technology keywords such as
  5G, 半导体, 医疗器械; the 3 that equal a ccf2022 title are dropped); the abstract
  is that title, the Chinese titles of the filler's own IPC main group and of one
  more of its codes (from ipc_2026_01_zh.tsv, so text and codes agree), and 1-2
  sentences drawn from the abstracts of patent_30_with_claims.xlsx and
  patent_export_62col_sample.sql; the claims are 1-2 sentences of those files'
  first claims; no description. Every pooled sentence is checked not to occur in
  any ccf2022 abstract. Filler shares vocabulary with the real records (same
  fields of technology) without copying them; it is never relevant. Real
  records are granted inventions without dates or regions; filler records keep
  their generated status (lapsed ones are never proposed by the matcher, as in
  production). Region is therefore neutral.

What is measured, on one scratch SQLite database and one tantivy index under
``var/bench/matching_v2_<N>_<seed>/`` (built once with ``PatentIndex.rebuild``,
reused by later runs; delete the directory to rebuild):

* **matcher**: ``rank_for_need(need, limit=51)``, the production code path — BM25
  candidates from the index (200) plus listed patents, text/IPC/region/
  availability parts, and the dense e5 part from *stored* vectors only (the
  matcher never embeds). Run twice:
  - **cold** (``p95_cold_ms``, ``ndcg10_no_vectors``): no vector stored at all
    (a corpus nobody has embedded yet): every candidate is scored without the
    dense part and queued (the bench's task backend is the dummy one, so queued
    work does not run);
  - **warm** (``p95_ms``, ``ndcg10``, ``recall50``): the needs' vectors and
    patents' vectors are stored first (``embeddings.need_embed`` /
    ``embeddings.patents_embed``, what the background tasks and ``manage.py
    embed_patents`` run), then the same needs are matched again. e5 costs
    ~0.3 s of CPU per 160-character passage here, so embedding all 100k or 1M
    fillers (or even every need's 200 BM25 candidates: ~7k passages for 36
    needs) takes hours on this shared machine. The bench therefore embeds, for
    every need, the first ``--embed-top`` (default 50) patents of its cold
    ranking — the ones it would show, chosen without looking at the labels —
    and the rest of its candidates stay without a vector (scored as the
    matcher scores any such patent). ``vector_coverage`` is the mean share of
    a need's candidates that had a vector; ``--embed-top 0`` embeds all
    candidates (the same, for these needs, as a fully embedded corpus).
* **embedding**, timed separately: ``need_embed_ms`` (p50 per need, a query) and,
  for patents, ``embed_ms_per_passage`` / ``embed_ms_per_batch`` (batches of
  ``embeddings.BATCH``, time inside e5 only) over the passages this run had to
  compute. Vectors are also kept in ``var/bench/matching_e5_<chars>.npz`` by text
  hash and reloaded by later runs (the first 5,000 fillers are the same at every
  size), so a rerun may compute few passages: ``embedded_now`` says how many;
  ``embed_cache_*`` carry the totals of the runs that filled the cache.
* **BM25**: the same OR-of-terms query the matcher sends, ranked by the index's
  BM25 score alone, on the same index.

Latencies are wall time; the ``*_cpu_ms`` twins are the process's CPU time for
the same calls (e5 runs with its own threads, so for embedding CPU time can exceed
wall time on an idle machine and falls far below it on a busy one), reported
because this machine is shared and wall time depends on what else runs.

Both rankers report nDCG@10 and recall@50 (mean over needs). The last output line
is one JSON object.
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
    # Work the matcher queues (embedding candidates it met without a vector) must
    # not run inside the measured calls: the dummy backend keeps it queued.
    os.environ["IPHUB_TASK_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iphub.settings")
    import django

    django.setup()


def real_records() -> list[dict[str, Any]]:
    with CCF.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class FillerText:
    """Text pools for filler patents with no ccf2022 text (see the module docstring)."""

    def __init__(self) -> None:
        import csv

        import openpyxl

        ccf = real_records()
        ccf_abstracts = "\n".join(r["abstract"] for r in ccf)
        ccf_titles = {r["title"] for r in ccf}
        with (DATA / "patent_titles_4800.csv").open(encoding="utf-8") as f:
            self.titles = sorted(
                {
                    r["title"].strip()
                    for r in csv.DictReader(f)
                    if r["database"] == "中国专利" and r["title"].strip() not in ccf_titles
                }
            )
        abstracts, claims = [], []
        ws = openpyxl.load_workbook(DATA / "patent_30_with_claims.xlsx", read_only=True).active
        for row in ws.iter_rows(min_row=2, values_only=True):
            abstracts.append(str(row[5] or ""))
            claims.append(str(row[6] or ""))
        sql = (DATA / "patent_export_62col_sample.sql").read_text(encoding="utf-8")
        for line in sql.splitlines():
            if line.startswith("INSERT"):
                body = line[line.index("(") + 1 :]
                vals = re.findall(r"'((?:[^'\\]|\\.)*)'|(NULL)|(-?\d+)", body)
                row = [a or (None if b else c) for a, b, c in vals]
                abstracts.append(row[12] or "")
                claims.append(row[13] or "")

        def sentences(texts: list[str]) -> list[str]:
            out = []
            for t in texts:
                for sent in re.split(r"[。；;]", t.replace("\n", "")):
                    sent = sent.strip()
                    if len(sent) > 8 and sent not in ccf_abstracts:
                        out.append(sent)
            return sorted(set(out))

        self.abstract_sentences = sentences(abstracts)
        self.claim_sentences = sentences(claims)
        self.ipc_titles: dict[str, str] = {}
        for line in (DATA / "ipc_2026_01_zh.tsv").open(encoding="utf-8"):
            code, level, title = line.rstrip("\n").split("\t", 2)
            if level in ("main_group", "subgroup"):
                self.ipc_titles[code] = title.strip("•· ")
        leaked = [t for t in self.abstract_sentences + self.claim_sentences if t in ccf_abstracts]
        assert not leaked, leaked[:3]

    def make(self, rng: random.Random, ipc: list[str]) -> dict[str, str]:
        title = rng.choice(self.titles)
        main = ipc[0].split("/")[0] + "/00"
        topics = [self.ipc_titles.get(main) or self.ipc_titles.get(ipc[0], "")]
        if len(ipc) > 1:
            topics.append(self.ipc_titles.get(ipc[1], ""))
        parts = [f"本发明公开了{title}", *(f"涉及{t}" for t in topics if t)]
        parts += rng.sample(self.abstract_sentences, rng.randint(1, 2))
        claims = rng.sample(self.claim_sentences, rng.randint(1, 2))
        return {"title": title, "abstract": "。".join(parts) + "。",
                "claims": "1. " + "。".join(claims) + "。", "description": ""}  # fmt: skip


def filler(docs: int, seed: int) -> Iterator[dict[str, Any]]:
    """``docs`` filler patents: gen_corpus's structure, text from ``FillerText``."""
    from gen_corpus import generate

    text = FillerText()
    rng = random.Random(seed + 1)
    for d in generate(docs, seed):
        yield d | text.make(rng, d["ipc"])


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
        for d in filler(docs, seed):
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


class VectorCache:
    """Patent vectors by text hash, kept across runs in one .npz (bench only)."""

    def __init__(self, path: Path) -> None:
        import numpy as np

        self.path = path
        self.vectors: dict[str, Any] = {}
        self.meta = {"passages": 0, "embed_s": 0.0, "batches": 0}
        if path.exists():
            data = np.load(path)
            self.vectors = dict(zip(data["digests"].tolist(), data["vectors"], strict=True))
            self.meta = json.loads(str(data["meta"]))

    def save(self) -> None:
        import numpy as np

        digests = sorted(self.vectors)
        np.savez(self.path, digests=np.array(digests),
                 vectors=np.vstack([self.vectors[d] for d in digests]).astype(np.float16),
                 meta=json.dumps(self.meta))  # fmt: skip


def _candidates(need: Any) -> set[int]:
    """The patents ``rank_for_need`` reads for ``need`` (BM25 pool + listed)."""
    from iphub.transfer.matching import _active_listings, _bm25, need_text, terms_of

    return set(_bm25(terms_of(need_text(need)))) | set(_active_listings(None))


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    import datetime as dt

    import numpy as np
    from django.conf import settings
    from django.utils import timezone

    from iphub.core.models import Organisation
    from iphub.patents.models import Patent
    from iphub.transfer import embeddings
    from iphub.transfer.matching import _bm25, need_text, rank_for_need, terms_of
    from iphub.transfer.models import NeedVector, PatentVector, TechnologyNeed

    if args.embed_chars is not None:
        settings.TRANSFER_EMBED_CHARS = args.embed_chars
    org = Organisation.objects.select_related("region").get(name__startswith="知慧桥评测")
    real = list(Patent.objects.filter(source="ccf2022").only("pk", "abstract", "title", "extra"))
    by_label: dict[str, list[Patent]] = {}
    for p in real:
        by_label.setdefault(p.extra["label"], []).append(p)
    sources = sample_sources(by_label, args.needs, args.seed)
    TechnologyNeed.objects.all().delete()
    cases = []
    for src in sources:
        title, description = need_fields({"title": src.title, "abstract": src.abstract})
        need = TechnologyNeed.objects.create(
            organisation=org, region=org.region, title=title, description=description,
            ipc_codes=[], preferred_forms=["transfer"], contact_name="评测", contact_phone="-",
            deadline=dt.date.today() + dt.timedelta(days=365), confirmed_at=timezone.now(),
        )  # fmt: skip
        need = TechnologyNeed.objects.select_related("region", "organisation").get(pk=need.pk)
        relevant = {p.pk for p in by_label[src.extra["label"]] if p.pk != src.pk}
        cases.append((src.pk, need, relevant))

    cpu: dict[str, list[float]] = {"cold": [], "warm": []}

    def run_matcher(label: str) -> tuple[list[float], list[list[int]]]:
        times, rankings = [], []
        for src_pk, need, _ in cases:
            t, c = time.perf_counter(), time.process_time()
            ranked = rank_for_need(need, limit=max(51, args.embed_top + 1))
            times.append(time.perf_counter() - t)
            cpu[label].append(time.process_time() - c)
            rankings.append([c.patent.pk for c in ranked if c.patent.pk != src_pk])
        return times, rankings

    dense = embeddings.available()
    # Cold: nothing embedded yet; the matcher scores without the dense part.
    PatentVector.objects.all().delete()
    NeedVector.objects.all().delete()
    cold, cold_rankings = run_matcher("cold")

    # Embedding ahead (timed on its own): the needs, then every candidate patent.
    need_ms = []
    cpu0 = time.process_time()
    for _, need, _ in cases:
        t = time.perf_counter()
        embeddings.need_embed(need=need)
        need_ms.append(time.perf_counter() - t)
    need_cpu_s = (time.process_time() - cpu0) / len(cases)
    pool: set[int] = set()
    for (_, need, _), ranked in zip(cases, cold_rankings, strict=True):
        # The patents this need would show first (the source patent dropped), or all
        # candidates it reads with --embed-top 0.
        pool |= set(ranked[: args.embed_top]) if args.embed_top else _candidates(need)
    cache = VectorCache(ROOT / "var" / "bench" / f"matching_e5_{embeddings.clip_chars()}.npz")
    patents = list(Patent.objects.filter(pk__in=pool).only("pk", "title", "abstract"))
    digests = {p.pk: embeddings.patent_digest(p) for p in patents}
    PatentVector.objects.bulk_create(
        [PatentVector(patent_id=pk, digest=d, vector=cache.vectors[d].astype(np.float16).tobytes())
         for pk, d in digests.items() if d in cache.vectors],
        batch_size=2000,
    )  # fmt: skip
    cached = sum(d in cache.vectors for d in digests.values())
    print(f"to embed: {len(pool)} patents, {cached} vectors from the cache", flush=True)

    def progress(run: embeddings.EmbedRun, total: int) -> None:
        print(f"  embedded {run.embedded} ({run.seen}/{total} read), "
              f"{run.per_passage_ms:.0f} ms/passage, {run.total_s:.0f}s", flush=True)  # fmt: skip

    cpu0 = time.process_time()
    run = embeddings.patents_embed(patent_ids=pool, progress=progress)
    passage_cpu_s = (time.process_time() - cpu0) / run.embedded if run.embedded else 0.0
    stored = PatentVector.objects.filter(patent_id__in=pool).values_list("patent_id", "vector")
    for pid, raw in stored:
        cache.vectors.setdefault(digests[pid], np.frombuffer(bytes(raw), dtype=np.float16))
    if run.embedded:
        cache.meta = {"passages": cache.meta["passages"] + run.embedded,
                      "embed_s": cache.meta["embed_s"] + run.embed_s,
                      "batches": cache.meta["batches"] + run.batches}  # fmt: skip
        cache.save()

    warm, rankings = run_matcher("warm")
    candidates = [_candidates(need) for _, need, _ in cases]
    have = set(PatentVector.objects.values_list("patent_id", flat=True))
    coverage = statistics.fmean(len(c & have) / len(c) for c in candidates if c)
    bm25_times, bm25_rankings = [], []
    for src_pk, need, _ in cases:
        t = time.perf_counter()
        scores = _bm25(terms_of(need_text(need)))
        bm25_times.append(time.perf_counter() - t)
        order = sorted(scores, key=lambda pk: (-scores[pk], pk))
        bm25_rankings.append([pk for pk in order if pk != src_pk][:50])
    rels = [rel for _, _, rel in cases]

    def mean(metric: Any, ranked: list[list[int]]) -> float:
        return statistics.fmean(metric(r[:50], rel) for r, rel in zip(ranked, rels, strict=True))

    out = {
        "ndcg10": mean(ndcg10, rankings),
        "bm25_ndcg10": mean(ndcg10, bm25_rankings),
        "ndcg10_no_vectors": mean(ndcg10, cold_rankings),
        "recall50": mean(recall50, rankings),
        "bm25_recall50": mean(recall50, bm25_rankings),
        "recall50_no_vectors": mean(recall50, cold_rankings),
        "p50_ms": pct(warm, 50),
        "p95_ms": pct(warm, 95),
        "p95_cold_ms": pct(cold, 95),
        "bm25_p95_ms": pct(bm25_times, 95),
        "p95_cpu_ms": pct(cpu["warm"], 95),
        "p95_cold_cpu_ms": pct(cpu["cold"], 95),
        "need_embed_ms": pct(need_ms, 50),
        "need_embed_cpu_ms": need_cpu_s * 1000,
        "embed_cpu_ms_per_passage": passage_cpu_s * 1000,
        "embed_ms_per_passage": run.per_passage_ms,
        "embed_ms_per_batch": run.per_batch_ms,
        "embed_cache_ms_per_passage": (
            1000 * cache.meta["embed_s"] / cache.meta["passages"] if cache.meta["passages"] else 0.0
        ),
    }
    out = {k: round(v, 4 if "ndcg" in k or "recall" in k else 1) for k, v in out.items()}
    return out | {
        "needs": len(cases),
        "dense": dense,
        "embed_chars": embeddings.clip_chars(),
        "embed_top": args.embed_top,
        "embedded_pool": len(pool),
        "vector_coverage": round(coverage, 3),
        "embedded_now": run.embedded,
        "embed_batch": embeddings.BATCH,
        "embed_cache_passages": cache.meta["passages"],
    }


def evaluate_suggested_ipc(args: argparse.Namespace) -> dict[str, Any]:
    """nDCG@10 and recall@50 of the matcher without and with the needs' suggested IPC
    (``--suggested-ipc``; issue 20). Same needs as :func:`evaluate`; no vectors
    stored (both arms identical apart from the IPC term). The suggester is built
    the production way (``ipc_model_build``: ipc_titles_5876.csv, the IPC titles,
    and the scratch database's own records with IPC codes, i.e. fillers); the
    needs come from ccf2022 records, which are not among its training rows
    (``needs_in_training`` counts any whose source title is in the CSV). Each
    need's ``ipc_suggested`` is what ``need_create`` would store
    (``need_ipc_suggested``); the arm "with" turns ``TRANSFER_MATCH_SUGGESTED_IPC`` on."""
    import csv
    import datetime as dt

    from django.conf import settings
    from django.test import override_settings
    from django.utils import timezone

    from iphub.core.models import Organisation
    from iphub.patents.models import Patent
    from iphub.patents.services.ipc_suggestions import ipc_model_build
    from iphub.transfer.matching import rank_for_need
    from iphub.transfer.models import NeedVector, PatentVector, TechnologyNeed
    from iphub.transfer.services.needs import need_ipc_suggested

    t = time.perf_counter()
    ipc_model_build(csv_path=DATA / "ipc_titles_5876.csv", only_if_missing=True)
    print(f"IPC suggester ready in {time.perf_counter() - t:.1f}s "
          f"({settings.IPC_MODEL_DIR})", flush=True)  # fmt: skip
    with (DATA / "ipc_titles_5876.csv").open(encoding="utf-8") as f:
        trained_titles = {r["title"].strip() for r in csv.DictReader(f)}
    org = Organisation.objects.select_related("region").get(name__startswith="知慧桥评测")
    real = list(Patent.objects.filter(source="ccf2022").only("pk", "abstract", "title", "extra"))
    by_label: dict[str, list[Patent]] = {}
    for p in real:
        by_label.setdefault(p.extra["label"], []).append(p)
    sources = sample_sources(by_label, args.needs, args.seed)
    TechnologyNeed.objects.all().delete()
    PatentVector.objects.all().delete()
    NeedVector.objects.all().delete()
    cases = []
    for src in sources:
        title, description = need_fields({"title": src.title, "abstract": src.abstract})
        need = TechnologyNeed.objects.create(
            organisation=org, region=org.region, title=title, description=description,
            ipc_codes=[], preferred_forms=["transfer"], contact_name="评测", contact_phone="-",
            deadline=dt.date.today() + dt.timedelta(days=365), confirmed_at=timezone.now(),
            ipc_suggested=need_ipc_suggested(title=title, description=description, chosen=[]),
        )  # fmt: skip
        need = TechnologyNeed.objects.select_related("region", "organisation").get(pk=need.pk)
        relevant = {p.pk for p in by_label[src.extra["label"]] if p.pk != src.pk}
        cases.append((src.pk, need, relevant))
    out: dict[str, Any] = {
        "needs": len(cases),
        "needs_in_training": sum(src.title.strip() in trained_titles for src in sources),
        "needs_with_suggestion": sum(bool(n.ipc_suggested) for _, n, _ in cases),
    }

    def arms(suffix: str) -> None:
        for arm, on in (("without", False), ("with", True)):
            run_arm(arm + suffix, on)

    def run_arm(arm: str, on: bool) -> None:
        with override_settings(TRANSFER_MATCH_SUGGESTED_IPC=on):
            nd, rc, times, ipc_hits = [], [], [], 0
            for src_pk, need, rel in cases:
                t = time.perf_counter()
                ranked = rank_for_need(need, limit=51)
                times.append(time.perf_counter() - t)
                ipc_hits += sum(1 for c in ranked[:10] if c.components.get("ipc", 0) > 0)
                pks = [c.patent.pk for c in ranked if c.patent.pk != src_pk]
                nd.append(ndcg10(pks, rel))
                rc.append(recall50(pks, rel))
        out[f"ndcg10_{arm}"] = round(statistics.fmean(nd), 4)
        out[f"recall50_{arm}"] = round(statistics.fmean(rc), 4)
        out[f"p95_ms_{arm}"] = round(pct(times, 95), 1)
        out[f"top10_with_ipc_term_{arm}"] = ipc_hits

    arms("")
    # The ccf2022 records carry no IPC (the dataset has none), so only fillers can
    # match a need's codes. Second pair of arms: the real records classified by the
    # suggester's best subclass (a stand-in for imports that carry IPC codes),
    # restored afterwards.
    from iphub.patents.services.ipc_suggestions import ipc_suggest_quiet

    for p in real:
        best = ipc_suggest_quiet(p.title, p.abstract)
        Patent.objects.filter(pk=p.pk).update(ipc_codes=[best[0].code[:4]] if best else [])
    try:
        arms("_corpus_classified")
    finally:
        Patent.objects.filter(source="ccf2022").update(ipc_codes=[])
    return out


# -- the other direction: patents pushed to organisations (--reverse) ---------------


def graded_ndcg10(ranked: list[int], gains: dict[int, int]) -> float:
    """nDCG@10 with graded gains (linear gain, log2 discount)."""
    dcg = sum(gains.get(o, 0) / _log2(i + 2) for i, o in enumerate(ranked[:10]))
    ideal = sum(g / _log2(i + 2) for i, g in enumerate(sorted(gains.values(), reverse=True)[:10]))
    return dcg / ideal if ideal else 0.0


def prepare_reverse(workdir: Path, orgs: int) -> None:
    """Organisations for the reverse benchmark, once per database: one per distinct
    applicant of the corpus (the ccf2022 assignees and the fillers' applicants),
    then padding organisations without patents up to ``orgs`` (they make the
    profile tables the size a province has; they are never candidates)."""
    from collections import Counter

    from iphub.core.models import Organisation, Region
    from iphub.patents.models import Patent

    marker = workdir / f"reverse_orgs_{orgs}.json"
    if marker.exists():
        return
    t0 = time.perf_counter()
    Organisation.objects.filter(name__startswith="评测").delete()
    Organisation.objects.filter(address="bench-reverse").delete()
    names: Counter[str] = Counter()
    for applicants in Patent.objects.values_list("applicants", flat=True).iterator(chunk_size=5000):
        names.update(a for a in applicants or [] if a)
    region = Region.objects.get(code="420000")
    chosen = [n for n, _ in names.most_common()][: max(0, orgs)]
    padding = [f"评测企业{i:06d}" for i in range(max(0, orgs - len(chosen)))]
    Organisation.objects.bulk_create(
        [Organisation(name=n[:200], kind="enterprise", region=region, address="bench-reverse")
         for n in chosen + padding],
        batch_size=5000,
    )  # fmt: skip
    info = {"with_patents": len(chosen), "padding": len(padding),
            "s": round(time.perf_counter() - t0, 1)}  # fmt: skip
    marker.write_text(json.dumps(info))


def evaluate_reverse(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """nDCG@10 and latency of ``brokerage.ranking.rank_organisations`` (see
    docs/benchmarks.md, "Patents pushed to firms"): held-out ccf2022 patents,
    their applicants hidden, ranked against every organisation."""
    from collections import defaultdict

    from iphub.brokerage.models import OrganisationProfile
    from iphub.brokerage.ranking import PatentFacts, rank_organisations
    from iphub.brokerage.services import profiles_rebuild
    from iphub.core.models import Organisation
    from iphub.patents.models import Patent
    from iphub.patents.names import applicant_key

    prepare_reverse(workdir, args.orgs)
    real = list(Patent.objects.filter(source="ccf2022").values_list("pk", "extra", "applicants"))
    by_label: dict[str, list[Any]] = defaultdict(list)
    for row in real:
        by_label[str(row[1]["label"])].append(row)
    held = sample_sources(by_label, args.patents, args.seed)
    held_ids = {pk for pk, _, _ in held}
    truth_applicants = {pk: list(applicants) for pk, _, applicants in held}
    org_of = {applicant_key(n): pk for pk, n in Organisation.objects.values_list("pk", "name")}
    # The held-out patents' applicants are hidden from the ranker: their own rows
    # say nothing about who holds them, and the profiles are built without them.
    Patent.objects.filter(pk__in=held_ids).update(applicants=[])
    try:
        t0 = time.perf_counter()
        profiles_rebuild()
        profile_s = time.perf_counter() - t0
        # Ground truth: an organisation's gain for a held-out patent of class L is the
        # number of its (profile) ccf2022 patents in class L, plus 1 if it is the
        # held-out patent's own (hidden) applicant.
        class_count: dict[tuple[int, str], int] = defaultdict(int)
        for pk, extra, applicants in real:
            if pk in held_ids:
                continue
            for a in {applicant_key(x) for x in applicants}:
                if a in org_of:
                    class_count[(org_of[a], str(extra["label"]))] += 1
        by_class: dict[str, dict[int, int]] = defaultdict(dict)
        for (org, label), n in class_count.items():
            by_class[label][org] = n
        patents = Patent.objects.in_bulk(list(held_ids))
        rows = []
        for pk, extra, _ in held:
            gains = dict(by_class.get(str(extra["label"]), {}))
            for a in truth_applicants[pk]:
                if applicant_key(a) in org_of:
                    o = org_of[applicant_key(a)]
                    gains[o] = gains.get(o, 0) + 1
            if gains:
                rows.append((patents[pk], gains))
        ours, bm25, times, bm_times, cpu = [], [], [], [], []
        for patent, gains in rows:
            facts = PatentFacts.of(patent)
            t, c = time.perf_counter(), time.process_time()
            found = rank_organisations(facts, limit=10)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            ours.append(graded_ndcg10([x.organisation_id for x in found], gains))
            t = time.perf_counter()
            base = rank_organisations(facts, limit=10, bm25_only=True)
            bm_times.append(time.perf_counter() - t)
            bm25.append(graded_ndcg10([x.organisation_id for x in base], gains))
    finally:
        for pk, applicants in truth_applicants.items():
            Patent.objects.filter(pk=pk).update(applicants=applicants)
    return {
        "reverse_ndcg10": round(statistics.mean(ours), 4),
        "reverse_bm25_ndcg10": round(statistics.mean(bm25), 4),
        "reverse_p50_ms": round(pct(times, 50), 1),
        "reverse_p95_ms": round(pct(times, 95), 1),
        "reverse_p95_cpu_ms": round(pct(cpu, 95), 1),
        "reverse_bm25_p95_ms": round(pct(bm_times, 95), 1),
        "patents_evaluated": len(rows),
        "relevant_per_patent": round(statistics.mean(len(g) for _, g in rows), 1),
        "orgs": Organisation.objects.count(),
        "orgs_with_profile_patents": OrganisationProfile.objects.filter(patent_count__gt=0).count(),
        "profile_rebuild_s": round(profile_s, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--docs", type=int, default=100_000, help="synthetic filler patents")
    ap.add_argument("--needs", type=int, default=72, help="needs to evaluate (2 per class)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--embed-top", type=int, default=50, help="embed each need's first K candidates (0: all)"
    )
    ap.add_argument("--embed-chars", type=int, default=None, help="override TRANSFER_EMBED_CHARS")
    ap.add_argument("--suggested-ipc", action="store_true",
                    help="nDCG without and with the needs' suggested IPC (no vectors)")  # fmt: skip
    ap.add_argument(
        "--reverse",
        action="store_true",
        help="patents pushed to organisations: rank organisations per patent",
    )
    ap.add_argument("--orgs", type=int, default=100_000, help="organisations (--reverse)")
    ap.add_argument("--patents", type=int, default=72, help="held-out patents (--reverse)")
    args = ap.parse_args()
    started = time.perf_counter()

    workdir = ROOT / "var" / "bench" / f"matching_v2_{args.docs}_{args.seed}"
    if not (workdir / "ready.json").exists():
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
    configure(workdir)
    if not (workdir / "ready.json").exists():
        prepare(workdir, args.docs, args.seed)
    info = json.loads((workdir / "ready.json").read_text())
    if args.reverse:
        from filings import machine

        host = machine()
        print(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}")
        r = evaluate_reverse(args, workdir)
        print(f"\n{'organisations for a patent':<28} {'nDCG@10':>8} {'p95 ms':>8}")
        print(f"{'rank_organisations':<28} {r['reverse_ndcg10']:>8.4f} {r['reverse_p95_ms']:>8.1f}")
        print(f"{'BM25 only (best hit)':<28} {r['reverse_bm25_ndcg10']:>8.4f} "
              f"{r['reverse_bm25_p95_ms']:>8.1f}")  # fmt: skip
        print(f"{r['patents_evaluated']} held-out patents, {r['relevant_per_patent']} relevant "
              f"organisations each; {r['orgs']} organisations "
              f"({r['orgs_with_profile_patents']} with patents); profiles rebuilt in "
              f"{r['profile_rebuild_s']} s; p50 {r['reverse_p50_ms']} ms, CPU p95 "
              f"{r['reverse_p95_cpu_ms']} ms")  # fmt: skip
        print(
            json.dumps(
                {**r, "docs": args.docs, "indexed": info["indexed"], "machine": host},
                ensure_ascii=False,
            )
        )
        return
    if args.suggested_ipc:
        from filings import machine

        host = machine()
        print(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}")
        s = evaluate_suggested_ipc(args)
        print(f"\n{'needs IPC':<44} {'nDCG@10':>8} {'recall@50':>10} {'p95 ms':>8}")
        for arm in ("without", "with", "without_corpus_classified", "with_corpus_classified"):
            print(f"{arm + ' suggested codes':<44} {s['ndcg10_' + arm]:>8.4f} "
                  f"{s['recall50_' + arm]:>10.4f} {s['p95_ms_' + arm]:>8.1f}")  # fmt: skip
        print(f"needs with a suggestion {s['needs_with_suggestion']}/{s['needs']}; "
              f"source titles in training: {s['needs_in_training']}")  # fmt: skip
        print(json.dumps({"docs": args.docs, **s, "machine": host}, ensure_ascii=False))
        return
    r = evaluate(args)
    print(f"\n{'':<22} {'nDCG@10':>8} {'recall@50':>10}")
    print(f"{'matcher':<22} {r['ndcg10']:>8.4f} {r['recall50']:>10.4f}")
    bare = "matcher, no vectors"
    print(f"{bare:<22} {r['ndcg10_no_vectors']:>8.4f} {r['recall50_no_vectors']:>10.4f}")
    print(f"{'BM25':<22} {r['bm25_ndcg10']:>8.4f} {r['bm25_recall50']:>10.4f}")
    print(
        f"matcher per need: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms (vectors stored), "
        f"p95 {r['p95_cold_ms']} ms (none stored); BM25 p95 {r['bm25_p95_ms']} ms"
    )
    print(f"CPU time per need: p95 {r['p95_cpu_ms']} ms (vectors stored), "
          f"{r['p95_cold_cpu_ms']} ms (none stored)")  # fmt: skip
    print(f"embedding: need p50 {r['need_embed_ms']} ms; {r['embedded_now']} passages now at "
          f"{r['embed_ms_per_passage']} ms/passage, {r['embed_ms_per_batch']} ms/batch of "
          f"{r['embed_batch']}; cache {r['embed_cache_passages']} passages at "
          f"{r['embed_cache_ms_per_passage']} ms/passage")  # fmt: skip
    total_s = round(time.perf_counter() - started, 1)
    print(json.dumps({"docs": args.docs, "indexed": info["indexed"], **r,
                      "prepare_s": info["prepare_s"], "total_s": total_s}))  # fmt: skip


if __name__ == "__main__":
    main()
