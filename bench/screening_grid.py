"""The threshold grid behind ``ScreeningParams``' edited-copy thresholds (issue 24).

    python bench/screening_grid.py [--docs 10000] [--seed 42]

Builds bench/screening.py's planted corpus once and screens it with each
threshold moved one step either side of the production value, the others kept,
printing planted recall, flag precision, look-alikes flagged and flags for each
(one JSON line per setting). The production values are the lowest that keep
flag precision >= 0.95 and no look-alike flagged with recall at its best; the
run behind them is written down in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "src"), str(Path(__file__).parent)]

from screening import _components, _ratio, build  # noqa: E402

from iphub.protection.screening.detect import ScreeningParams, find_near_duplicates  # noqa: E402

STEPS: dict[str, tuple[float, ...]] = {
    "containment_unrelated": (0.2, 0.3, 0.4, 0.5),
    "containment_related": (0.2, 0.3, 0.4),
    "aligned_unrelated": (0.2, 0.25, 0.3, 0.4, 0.5),
    "aligned_related": (0.1, 0.15, 0.2, 0.3),
    "aligned_longer": (0.1, 0.15, 0.2, 0.3),
    "recombined_part": (0.12, 0.17, 0.25),
    "recombined_own": (0.05, 0.1, 0.2),
    "recombined_total": (0.3, 0.4, 0.5),
    "fp_min_shared": (2, 4, 6),
    "min_shingles_related_low": (0, 40),
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="蓝天 edited-copy threshold grid")
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    docs, info = build(args.docs, args.docs, args.seed)
    planted, recomb = info["planted"], info["recombined"]
    groups = info["real_groups"]
    links = set(planted) | recomb | {(g[0], x) for g in groups for x in g[1:]}
    # Near-verbatim pairs (exact Jaccard >= 0.8) count as true: the MinHash stage's.
    verbatim = ScreeningParams(
        edited_copies=False,
        jaccard_related=0.8,
        min_shingles=1,
        min_shingles_unrelated=0,
        min_shingles_related_low=0,
    )
    exact = find_near_duplicates(docs, params=verbatim)
    links |= {(p.a, p.b) for c in exact.clusters for p in c.pairs}
    family = _components(links)
    lookalikes = set(info["lookalikes"])
    want = list(planted) + list(recomb)
    base = ScreeningParams()

    def score(params: ScreeningParams) -> dict[str, Any]:
        t = time.perf_counter()
        res = find_near_duplicates(docs, params=params)
        pairs = {(p.a, p.b) for c in res.clusters for p in c.pairs}
        comp = _components(pairs)
        found = sum(1 for a, b in want if a in comp and comp.get(a) == comp.get(b))
        good = sum(1 for a, b in pairs if a in family and family.get(a) == family.get(b))
        return {"planted_recall": _ratio(found, len(want)),
                "flag_precision": _ratio(good, len(pairs)), "flags": len(pairs),
                "lookalikes_flagged": sum(1 for x in lookalikes if x in comp),
                "s": round(time.perf_counter() - t, 2)}  # fmt: skip

    print(json.dumps({"setting": "production", **score(base)}, ensure_ascii=False), flush=True)
    for name, values in STEPS.items():
        for value in values:
            if value == getattr(base, name):
                continue
            params = dataclasses.replace(base, **{name: value})
            print(json.dumps({"setting": f"{name}={value}", **score(params)}), flush=True)


if __name__ == "__main__":
    main()
