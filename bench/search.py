"""Benchmark the patent search index against SQLite FTS5 and PostgreSQL pg_trgm.

    python bench/search.py --docs 100000 [--seed 42] [--baseline-queries 60]
                           [--no-baselines | --baselines-only] [--keep-baselines]
                           [--reuse-baselines]

Builds (or reuses) the synthetic corpus under var/bench/, times a full index
rebuild, runs a fixed mix of >= 200 queries with facets and reports p50/p95, then
runs the same mix (or an evenly spaced subset of it, --baseline-queries) on the
two SQL baselines. The last output line is one JSON object.

At 1M documents each baseline takes tens of minutes to load. ``--baselines-only
--keep-baselines`` loads them (and runs their queries) without the tantivy part,
keeping the stores; a later ``--reuse-baselines`` run on a quiet machine measures
tantivy and the baselines' queries on the kept stores and reports the load times
measured when they were built (``baseline_*_load_reused: true``).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

import rjieba  # noqa: E402
from baselines import PostgresBaseline, SQLiteBaseline  # noqa: E402
from gen_corpus import generate  # noqa: E402

from iphub.patents.search import PatentIndex  # noqa: E402

STOP = {"一种", "方法", "装置", "系统", "及其", "基于", "用于", "设备", "以及", "应用"}
HUBEI_CITIES = ["420100", "420500", "420600", "420300", "421000", "420900"]


def corpus(n: int, seed: int) -> Path:
    """Path of the cached corpus, generated on first use."""
    path = ROOT / "var" / "bench" / f"corpus_{n}_{seed}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for d in generate(n, seed):
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        tmp.rename(path)
    return path


def read(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def to_query(spec: dict[str, Any]) -> str:
    """Render a structured spec in the iphub query language."""
    parts: list[str] = []
    field = "TI=" if spec.get("title_only") else ""
    parts += [f"{field}{w}" for w in spec.get("must", [])]
    if spec.get("should"):
        parts.append("(" + " OR ".join(f"{field}{w}" for w in spec["should"]) + ")")
    if spec.get("years"):
        parts.append(f"AD=[{spec['years'][0]}-01-01 TO {spec['years'][1]}-12-31]")
    if spec.get("ipc"):
        parts.append(f"IPC={spec['ipc']}*")
    if spec.get("city"):
        parts.append(f"RG={spec['city']}")
    if spec.get("pa"):
        parts.append(f"PA={spec['pa']}*")
    if spec.get("type"):
        parts.append("TYPE=发明")
    q = " AND ".join(parts)
    for w in spec.get("not", []):
        q += f" NOT {field}{w}"
    return q


def query_mix(path: Path, seed: int) -> list[dict[str, Any]]:
    """210 query specs drawn from the corpus vocabulary (deterministic)."""
    rng = random.Random(seed)
    words: Counter[str] = Counter()
    subclasses: list[str] = []
    applicants: list[str] = []
    for i, d in enumerate(read(path)):
        if i >= 3000:
            break
        words.update(w for w in rjieba.cut(d["title"]) if len(w) >= 2 and w not in STOP)
        subclasses.append(d["ipc"][0][:4])
        applicants += d["applicants"]
    vocab = [w for w, c in words.most_common(400) if w.isalnum()]
    w = lambda: rng.choice(vocab)  # noqa: E731
    specs: list[dict[str, Any]] = []
    specs += [{"kind": "plain", "must": [w()]} for _ in range(40)]
    specs += [{"kind": "plain", "must": [w(), w()]} for _ in range(20)]
    for _ in range(40):
        y = rng.randint(2017, 2023)
        specs.append({"kind": "field_date", "must": [w()], "title_only": True, "years": (y, y + 2)})
    specs += [
        {"kind": "ipc_city", "ipc": rng.choice(subclasses), "city": rng.choice(HUBEI_CITIES)}
        for _ in range(40)
    ]
    specs += [
        {"kind": "pa_prefix", "pa": a[: rng.randint(2, 4)]}
        for a in (rng.choice(applicants) for _ in range(30))
    ]
    specs += [{"kind": "not", "should": [w(), w()], "not": [w()]} for _ in range(30)]
    broad = [{"must": ["方法"]}, {"must": ["系统"]}, {"must": ["数据"]}, {"type": True}]
    specs += [{"kind": "page50", "page": 50, **rng.choice(broad)} for _ in range(10)]
    return specs


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000


def run_baseline(
    base: Any, path: Path, specs: list[dict[str, Any]], budget: float
) -> dict[str, Any]:
    reused = base.loaded_s is not None
    if reused:
        load_s = base.loaded_s
    else:
        t0 = time.perf_counter()
        base.load(read(path))
        load_s = time.perf_counter() - t0
        base.mark_loaded(load_s)
    print(f"  {base.name}: {'reused store loaded in' if reused else 'loaded in'} {load_s:.0f}s",
          flush=True)  # fmt: skip
    times = [base.run(s, budget) for s in specs]
    over = sum(t >= budget for t in times)
    return {"load_s": load_s, "p50": pct(times, 50), "p95": pct(times, 95), "timeouts": over,
            "reused": reused}  # fmt: skip


def run_tantivy(
    args: argparse.Namespace, path: Path, specs: list[dict[str, Any]]
) -> tuple[dict[str, Any], float]:
    """Build the index from ``path``, run ``specs``; the figures and the p95 in ms."""
    index_dir = ROOT / "var" / "bench" / f"index_{args.docs}_{args.seed}"
    built = index_dir / "bench-build.json"
    reused_build = args.reuse_index and built.exists()
    if reused_build:
        # The build was measured when this index was written; reported as such.
        meta = json.loads(built.read_text())
        index = PatentIndex(index_dir)
        n, build_s = int(meta["docs"]), float(meta["build_s"])
        print(f"index: reusing the one built in {build_s:.1f}s on {meta['when']}")
    else:
        shutil.rmtree(index_dir, ignore_errors=True)
        index = PatentIndex(index_dir)

        def progress(done: int, total: int | None) -> None:
            if done % 100_000 < 256:
                print(f"  indexed {done}/{total} ({time.perf_counter() - t1:.0f}s)", flush=True)

        t1 = time.perf_counter()
        n = index.rebuild(read(path), total=args.docs, progress=progress)
        build_s = time.perf_counter() - t1
        when = time.strftime("%Y-%m-%d %H:%M")
        built.write_text(json.dumps({"docs": n, "build_s": build_s, "when": when}))
    size_mb = sum(f.stat().st_size for f in index_dir.iterdir()) / 1e6
    print(f"index: {n} docs in {build_s:.1f}s = {n / build_s:.0f} docs/s, {size_mb:.0f} MB")

    for s in specs[:20]:  # warm the page cache / searcher like a running server
        index.search(to_query(s), page=s.get("page", 1))
    by_kind: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for s in specs:
        t = time.perf_counter()
        res = index.search(to_query(s), page=s.get("page", 1), facets=True)
        by_kind.setdefault(s["kind"], []).append(time.perf_counter() - t)
        totals[s["kind"]] = totals.get(s["kind"], 0) + res.total
    all_t = [t for ts in by_kind.values() for t in ts]
    print(f"\n{'query kind':<12} {'n':>4} {'avg hits':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, ts in by_kind.items():
        print(f"{kind:<12} {len(ts):>4} {totals[kind] / len(ts):>9.0f} "
              f"{pct(ts, 50):>8.1f} {pct(ts, 95):>8.1f}")  # fmt: skip
    p50, p95 = pct(all_t, 50), pct(all_t, 95)
    print(f"{'ALL tantivy':<12} {len(all_t):>4} {'':>9} {p50:>8.1f} {p95:>8.1f}")

    result = {
        "docs": n, "build_s": round(build_s, 1), "docs_per_s": round(n / build_s),
        "index_mb": round(size_mb), "queries": len(all_t), "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2), "build_reused": reused_build,
    }  # fmt: skip
    return result, p95


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--baseline-queries", type=int, default=60)
    ap.add_argument("--budget", type=float, default=20.0, help="baseline per-query cap (s)")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--baselines-only", action="store_true", help="skip the tantivy part")
    ap.add_argument("--keep-baselines", action="store_true", help="keep the loaded stores")
    ap.add_argument("--reuse-baselines", action="store_true", help="reuse kept stores")
    ap.add_argument("--reuse-index", action="store_true", help="reuse a built index")
    ap.add_argument("--prepare-baselines", choices=("both", "sqlite", "pg"),
                    help="only load and keep these baseline stores, then stop")  # fmt: skip
    args = ap.parse_args()
    key = f"{args.docs}_{args.seed}"
    fts5_path = ROOT / "var" / "bench" / f"fts5_{key}.db"

    t0 = time.perf_counter()
    path = corpus(args.docs, args.seed)
    print(f"corpus: {path} ({time.perf_counter() - t0:.1f}s)", flush=True)
    if args.prepare_baselines:
        stores: list[Any] = []
        if args.prepare_baselines in ("both", "sqlite"):
            stores.append(SQLiteBaseline(fts5_path, key=key, reuse=True))
        if args.prepare_baselines in ("both", "pg"):
            stores.append(PostgresBaseline(key=key, reuse=True, keep=True))
        for store in stores:
            if store.loaded_s is None:
                t0 = time.perf_counter()
                store.load(read(path))
                store.mark_loaded(time.perf_counter() - t0)
            print(f"{store.name}: loaded in {store.loaded_s:.0f}s", flush=True)
        return
    result: dict[str, Any] = {"docs": args.docs}
    specs = query_mix(path, args.seed)
    p95 = 0.0
    if not args.baselines_only:
        result, p95 = run_tantivy(args, path, specs)
    if not args.no_baselines:
        step = max(1, len(specs) // args.baseline_queries)
        subset = specs[::step]
        print(f"\nbaselines on {len(subset)} of the {len(specs)} queries (every {step}th), "
              f"budget {args.budget:.0f}s/query", flush=True)  # fmt: skip
        lite_store = SQLiteBaseline(fts5_path, key=key, reuse=args.reuse_baselines)
        lite = run_baseline(lite_store, path, subset, args.budget)
        print(f"sqlite fts5 trigram: load {lite['load_s']:.0f}s p50 {lite['p50']:.0f} ms "
              f"p95 {lite['p95']:.0f} ms timeouts {lite['timeouts']}", flush=True)  # fmt: skip
        pg = PostgresBaseline(
            key=key, reuse=args.reuse_baselines, keep=args.keep_baselines or args.reuse_baselines
        )
        try:
            pgr = run_baseline(pg, path, subset, args.budget)
        finally:
            pg.close()
        print(f"postgres pg_trgm:    load {pgr['load_s']:.0f}s p50 {pgr['p50']:.0f} ms "
              f"p95 {pgr['p95']:.0f} ms timeouts {pgr['timeouts']}")  # fmt: skip
        best = min(lite["p95"], pgr["p95"])
        result.update(
            baseline_queries=len(subset),
            baseline_sqlite_p50_ms=round(lite["p50"], 1),
            baseline_sqlite_p95_ms=round(lite["p95"], 1),
            baseline_sqlite_load_s=round(lite["load_s"]),
            baseline_sqlite_timeouts=lite["timeouts"],
            baseline_pg_p50_ms=round(pgr["p50"], 1),
            baseline_pg_p95_ms=round(pgr["p95"], 1),
            baseline_pg_load_s=round(pgr["load_s"]),
            baseline_pg_timeouts=pgr["timeouts"],
            baseline_best_p95_ms=round(best, 1),
            baseline_sqlite_load_reused=lite["reused"],
            baseline_pg_load_reused=pgr["reused"],
        )
        if p95:
            result["speedup_vs_best_p95"] = round(best / p95, 1)
            print(f"\ntantivy p95 {p95:.1f} ms vs best baseline p95 {best:.0f} ms: "
                  f"{best / p95:.0f}x faster")  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
