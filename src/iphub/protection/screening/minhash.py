"""Vectorised MinHash signatures and LSH banding in numpy.

Every shingle of a batch of documents is hashed at once and the per-document
minimum is one ``np.minimum.reduceat``, rather than one document and one shingle
at a time in Python; this is what makes 10^6 documents fit in minutes on two
cores (``bench/screening.py``; measurements in docs/benchmarks.md, "MinHash").

Each of the ``num_perm`` hash functions is a multiply-shift hash
``(a * x + b) >> 32`` over 64-bit words (a odd): 2-universal, no modulus, and
the estimate ``mean(sig_a == sig_b)`` is an unbiased estimate of the Jaccard
similarity of the two shingle sets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from iphub.core.arrays import distinct

NUM_PERM = 128
# 32 bands of 4 rows: a pair at Jaccard 0.5 becomes a candidate with p ≈ 0.87, at 0.7 p ≈ 1.
BANDS = 32
ROWS = NUM_PERM // BANDS
# Shingles hashed per step. Small enough that the working arrays (8 bytes a
# shingle) stay in the CPU cache across the 128 passes, large enough that numpy's
# per-call overhead does not take over (figures in docs/benchmarks.md, "MinHash").
CHUNK_SHINGLES = 65_536
# Within a bucket bigger than this (a template shared by very many filings) each
# member is paired with its nearest MAX_BUCKET_PAIRS neighbours only, not with all:
# the chain still joins them into one cluster.
MAX_BUCKET_PAIRS = 64


def _permutations(
    num_perm: int, seed: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64 finaliser: spreads structured shingle codes over 64 bits."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def signatures(
    shingle_sets: Sequence[npt.NDArray[np.uint64]], *, num_perm: int = NUM_PERM, seed: int = 1
) -> npt.NDArray[np.uint32]:
    """One ``num_perm``-wide MinHash signature per shingle set (empty sets: all max)."""
    n = len(shingle_sets)
    out = np.full((n, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    a, b = _permutations(num_perm, seed)
    start = 0
    while start < n:
        # Take documents until the chunk holds about CHUNK_SHINGLES shingles.
        stop, total = start, 0
        while stop < n and (total == 0 or total + len(shingle_sets[stop]) <= CHUNK_SHINGLES):
            total += len(shingle_sets[stop])
            stop += 1
        batch = [s for s in shingle_sets[start:stop]]
        lengths = np.fromiter((len(s) for s in batch), dtype=np.int64, count=len(batch))
        nonempty = np.flatnonzero(lengths)
        if len(nonempty):
            x = _mix(np.concatenate([batch[i] for i in nonempty]))
            offsets = np.concatenate([[0], np.cumsum(lengths[nonempty])[:-1]])
            rows = start + nonempty
            hv = np.empty_like(x)
            shift = np.uint64(32)
            with np.errstate(over="ignore"):
                for p in range(num_perm):
                    # In place, on a chunk small enough to stay in cache.
                    np.multiply(x, a[p], out=hv)
                    hv += b[p]
                    hv >>= shift
                    out[rows, p] = np.minimum.reduceat(hv, offsets)
        start = stop
    return out


def estimate(sig_a: npt.NDArray[np.uint32], sig_b: npt.NDArray[np.uint32]) -> float:
    """The MinHash estimate of the Jaccard similarity of two signatures."""
    return float(np.mean(sig_a == sig_b))


def candidate_pairs(
    sigs: npt.NDArray[np.uint32],
    *,
    bands: int = BANDS,
    only: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int64]:
    """Row-index pairs ``(i, j)``, ``i < j``, sharing at least one LSH band.

    With ``only`` (a mask of rows), keep the pairs that touch at least one
    masked row: that is the incremental screening of newly imported records.
    """
    n, width = sigs.shape
    rows = width // bands
    found: list[npt.NDArray[np.int64]] = []
    for band in range(bands):
        part = sigs[:, band * rows : (band + 1) * rows].astype(np.uint64)
        key = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for r in range(rows):
                key = _mix(key ^ part[:, r])
        order = np.argsort(key, kind="stable").astype(np.int64)
        sorted_keys = key[order]
        # Rows sharing a key sit next to each other once sorted: pair each row with
        # the ones k places further on while the key still matches. No Python loop
        # per bucket; a bucket longer than MAX_BUCKET_PAIRS is chained instead of
        # fully paired, which union-find joins all the same.
        for k in range(1, min(n, MAX_BUCKET_PAIRS + 1)):
            same = sorted_keys[:-k] == sorted_keys[k:]
            if not same.any():
                break
            a, b = order[:-k][same], order[k:][same]
            found.append(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    if only is not None:
        pairs = pairs[only[pairs[:, 0]] | only[pairs[:, 1]]]
    # One int64 per pair: a 1-D unique is several times faster than unique(axis=0).
    codes = distinct(pairs[:, 0] * np.int64(n) + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)
