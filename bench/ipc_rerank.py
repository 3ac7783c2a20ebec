"""EXPERIMENTAL, not used by production: a learned re-ranker for the IPC suggester
(``iphub.patents.intelligence.ipc_suggest``), kept for the next attempt. Measured
with the nested protocol on CV folds 1-2 only: micro-F1 0.4646 -> 0.4746, top-1
0.542 -> 0.558 (these settings, probability threshold 0.25); see
docs/benchmarks.md, "IPC suggester, third attempt". To use it, ``train`` must score
its own titles out of fold (inner folds grouped by title, so a title and its
reference answer stay together), build :func:`candidate_features` from those
scores and fit :func:`fit_classifier` on them; ``IPCModel.scores`` would then
return :meth:`Reranker.values` and :attr:`Reranker.value_threshold`.

What it does: looks again at the blend's best candidates of a title and says how
likely each is one of its subclasses. The blend (``ipc_dense.DenseHead.blended``)
adds its parts with fixed weights, the same for every title and every subclass;
how far to trust each part depends on the case (a subclass whose nearest training
titles all carry it, a rare subclass only the IPC titles know, a second subclass
that usually comes with the first). A gradient-boosted classifier over
per-candidate features (each part's score and rank, the e5 nearest neighbours'
votes, the subclass's frequency, its co-occurrence with the best candidate) learns
those cases from out-of-fold scores.

Cost per title: the neighbours (one product with the training vectors, ~0.5 ms)
and the classifier on ``CANDIDATES`` rows (~1-2 ms), beside e5's ~16 ms.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

CANDIDATES = 20  # the blend's best this many are re-ranked (0.85 of true subclasses)
NEIGHBOURS = 30
POWER = 4.0  # neighbour votes weighted by similarity^POWER
RANK_CAP = 60.0
# A second or later subclass is picked when the re-ranker's probability reaches this.
# Chosen on CV folds 1-2 (nested protocol, docs/benchmarks.md).
THRESHOLD = 0.25


@dataclass
class Memory:
    """What the re-ranker knows of the training titles: their e5 vectors, their
    subclasses and the reference classifier's answers for them, each subclass's
    frequency and how often two subclasses come together."""

    vectors: np.ndarray  # titles × 384, float16
    labels: sp.csr_matrix  # titles × subclasses, 0/1
    reference: sp.csr_matrix  # titles × subclasses, 0/1 (empty rows: no answer)
    log_prior: np.ndarray  # (subclasses,)
    together: np.ndarray  # subclasses × subclasses: P(column | row) among titles

    def __post_init__(self) -> None:
        self._vectors = self.vectors.astype(np.float32).T.copy()
        # Dense 0/1 copies: indexing them by neighbour is ~50x faster than sparse rows.
        self._truth = self.labels.toarray().astype(np.uint8)
        self._answers = self.reference.toarray().astype(np.uint8)

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: np.ndarray, reference: np.ndarray) -> Memory:
        y = labels.astype(np.float32)
        counts = y.sum(0)
        together = (y.T @ y) / np.maximum(counts, 1.0)[:, None]
        return cls(
            vectors.astype(np.float16),
            sp.csr_matrix(labels.astype(np.float32)),
            sp.csr_matrix(reference.astype(np.float32)),
            np.log((counts + 1.0) / (len(y) + 1.0)).astype(np.float32),
            together.astype(np.float32),
        )

    def arrays(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {
            "rr_vectors": self.vectors,
            "rr_prior": self.log_prior,
            "rr_together": self.together.astype(np.float16),
        }
        for name, m in (("labels", self.labels), ("reference", self.reference)):
            out |= {f"rr_{name}_indices": m.indices, f"rr_{name}_indptr": m.indptr}
        return out

    @classmethod
    def from_arrays(cls, arr: Any) -> Memory:
        n, labels = len(arr["rr_vectors"]), len(arr["rr_prior"])

        def matrix(name: str) -> sp.csr_matrix:
            indices = arr[f"rr_{name}_indices"]
            data = np.ones(len(indices), np.float32)
            return sp.csr_matrix((data, indices, arr[f"rr_{name}_indptr"]), shape=(n, labels))

        return cls(
            arr["rr_vectors"],
            matrix("labels"),
            matrix("reference"),
            arr["rr_prior"],
            arr["rr_together"].astype(np.float32),
        )

    def votes(self, vectors: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per title and subclass: the best similarity of a neighbour carrying it, the
        neighbours' similarity^POWER votes (true subclasses, reference answers) as a
        share of all votes, the nearest neighbour's labels; per title the nearest
        similarity and the neighbours' mean number of subclasses."""
        sims = vectors @ self._vectors
        k = min(NEIGHBOURS, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1)
        top = np.take_along_axis(top, order, axis=1)
        top_sims = np.clip(np.take_along_axis(top_sims, order, axis=1), 0.0, 1.0)
        weights = top_sims**POWER
        total = weights.sum(1, keepdims=True) + 1e-9
        truth = self._truth[top].astype(np.float32)  # titles × k × subclasses
        answers = self._answers[top].astype(np.float32)
        w = (weights / total)[:, :, None]
        vote = (truth * w).sum(1)
        ref_vote = (answers * w).sum(1)
        best = (truth * top_sims[:, :, None]).max(1)
        first = truth[:, 0]
        cardinality = truth.sum((1, 2)) / k
        return best, vote, ref_vote, first, top_sims[:, 0], cardinality


def _ranks(scores: np.ndarray) -> np.ndarray:
    ranks = np.empty_like(scores, dtype=np.float32)
    order = np.argsort(-scores, axis=1)
    np.put_along_axis(ranks, order, np.arange(scores.shape[1], dtype=np.float32)[None], axis=1)
    return np.minimum(ranks, RANK_CAP)


def candidate_features(
    *,
    blended: np.ndarray,
    sparse: np.ndarray,
    svm: np.ndarray,
    cosine: np.ndarray,
    vectors: np.ndarray,
    memory: Memory,
) -> tuple[np.ndarray, np.ndarray]:
    """The blend's best ``CANDIDATES`` subclass indices per title (titles × K) and
    their features (titles × K × features). Inputs are titles × subclasses."""
    k = min(CANDIDATES, blended.shape[1])
    cand = np.argsort(-blended, axis=1)[:, :k]
    best, vote, ref_vote, first, nearest, cardinality = memory.votes(vectors)
    top1 = cand[:, 0]
    per_label = [
        blended,
        blended - blended.max(1, keepdims=True),
        sparse,
        svm,
        cosine,
        _ranks(sparse),
        _ranks(svm),
        _ranks(cosine),
        np.broadcast_to(memory.log_prior, blended.shape),
        best,
        vote,
        ref_vote,
        first,
        memory.together[top1],
    ]
    feats = [np.take_along_axis(f, cand, axis=1) for f in per_label]
    feats.append(np.broadcast_to(np.arange(k, dtype=np.float32), cand.shape))
    for row_value in (nearest, cardinality, blended.max(1)):
        feats.append(np.broadcast_to(row_value[:, None], cand.shape))
    return cand, np.stack(feats, axis=2).astype(np.float32)


def fit_classifier(features: np.ndarray, targets: np.ndarray) -> Any:
    """A gradient-boosted classifier over (candidate, features) rows."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.08, max_leaf_nodes=31, early_stopping=False, random_state=0
    )
    model.fit(features.reshape(-1, features.shape[2]), targets.ravel())
    return model


def probabilities(classifier: Any, features: np.ndarray) -> np.ndarray:
    """P(candidate is one of the title's subclasses), titles × K."""
    flat = features.reshape(-1, features.shape[2])
    return np.asarray(classifier.predict_proba(flat)[:, 1]).reshape(features.shape[:2])


def _logit(p: np.ndarray | float) -> Any:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


@dataclass
class Reranker:
    """The memory and the classifier; :meth:`values` turns the base scores of some
    titles into re-ranked decision values."""

    memory: Memory
    classifier: Any
    threshold: float = THRESHOLD

    @property
    def value_threshold(self) -> float:
        """:attr:`threshold` on the scale of :meth:`values`."""
        return float(_logit(self.threshold)) / 4.0

    def values(
        self,
        *,
        blended: np.ndarray,
        sparse: np.ndarray,
        svm: np.ndarray,
        cosine: np.ndarray,
        vectors: np.ndarray,
    ) -> np.ndarray:
        """Titles × subclasses: a candidate's log-odds / 4 (so that the suggester's
        logistic confidence, ``1 / (1 + exp(−4 (value − threshold)))``, is the
        re-ranker's odds against the threshold's); below every candidate for the rest,
        in the blend's order."""
        cand, feats = candidate_features(
            blended=blended,
            sparse=sparse,
            svm=svm,
            cosine=cosine,
            vectors=vectors,
            memory=self.memory,
        )
        scored = _logit(probabilities(self.classifier, feats)) / 4.0
        floor = scored.min(1, keepdims=True) - 1.0
        out = (floor + np.tanh(blended) / 2.0 - 0.5).astype(np.float32)
        np.put_along_axis(out, cand, scored.astype(np.float32), axis=1)
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        return self.memory.arrays() | {
            "rr_classifier": np.frombuffer(pickle.dumps(self.classifier), dtype=np.uint8)
        }

    @classmethod
    def from_arrays(cls, arr: Any, meta: dict[str, float]) -> Reranker:
        # The classifier is the model directory's own, written by ``build_ipc_model``.
        classifier = pickle.loads(arr["rr_classifier"].tobytes())
        return cls(Memory.from_arrays(arr), classifier, float(meta["threshold"]))

    def meta(self) -> dict[str, float]:
        return {"threshold": self.threshold}
