"""More like this (相似专利) and 以文搜专利: patents close to a record or to a pasted
paragraph, ranked the way matchmaking ranks them (``matching.py``).

Candidates are the index's BM25 best ``matching.BM25_POOL`` for the query's
terms (title, abstract and the opening of the claims of a record; the pasted
text), the record itself excluded. Each is scored with matchmaking's parts that
apply without a need — ``text`` (``matching.lexical_part``: BM25 relative to the
best hit plus the share of the query's terms the patent contains), ``dense``
(cosine of stored e5 vectors, rescaled as in matching) and ``ipc``
(``matching.ipc_proximity``) — blended with matchmaking's weights
(``matching.blended``). Region and availability are a need's concerns and are
left out.

Vectors are only *read*: a record's own stored vector is the query (passage to
passage); a candidate or a record without a current vector is scored on the
other parts (re-weighted, as in matching), the answer says so, and the missing
vectors are queued for the background (``embeddings.queue_missing``). A pasted
paragraph has no stored vector: it is embedded once as an e5 *query* when
``SIMILAR_TEXT_EMBED`` is on and the model loads (a few hundred ms on this
machine), else the search is lexical and says so.

Lapsed, expired and invalidated patents (``rules.availability_of``) are marked
and kept unless the caller asks for live patents only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from iphub.patents.models import Patent
from iphub.transfer import embeddings, matching
from iphub.transfer.embeddings import passage_text
from iphub.transfer.stopwords import technical_terms
from iphub.transfer.workflow import availability_of

PARTS = ("text", "dense", "ipc")
CLAIM_CHARS = 300  # the opening of the claims: the first claim's preamble and features
TEXT_MIN = 4
TEXT_MAX = 5000


@dataclass
class SimilarPatent:
    """One similar patent with the parts of its score and why it is similar."""

    patent: Patent
    score: float
    components: dict[str, float]
    shared_terms: list[str]
    ipc_overlap: list[str]
    cosine: float | None
    lapsed: bool
    lapsed_reason: str = ""

    @property
    def without_vector(self) -> bool:
        return self.cosine is None

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    def as_dict(self) -> dict[str, Any]:
        p = self.patent
        return {
            "id": p.pk,
            "title": p.title,
            "application_number": p.application_number,
            "legal_status": p.legal_status,
            "ipc_codes": list(p.ipc_codes or []),
            "score": self.score,
            "components": self.components,
            "shared_terms": self.shared_terms,
            "ipc_overlap": self.ipc_overlap,
            "cosine": self.cosine,
            "without_vector": self.without_vector,
            "lapsed": self.lapsed,
        }


@dataclass
class SimilarResult:
    """The ranked patents and how they were found."""

    items: list[SimilarPatent] = field(default_factory=list)
    # The query itself had no vector: every result was found without one.
    query_vector: bool = False
    # Results scored without a vector (the query's or their own).
    without_vectors: int = 0
    live_only: bool = False
    terms: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        """What the page says about vectors, or "" when every result had one."""
        if not self.items or not self.without_vectors:
            return ""
        if not embeddings.available():
            return "语义模型不可用：结果按检索词和分类号计算，未使用语义向量。"
        if not self.query_vector:
            return "本次查询没有语义向量：结果按检索词和分类号计算（专利的向量在后台生成）。"
        return (
            f"其中 {self.without_vectors} 件专利尚无语义向量（已排队生成），"
            "按检索词和分类号计算，已标注“未用向量”。"
        )


def _weights() -> dict[str, float]:
    w = matching.weights()
    return {k: w.get(k, 0.0) for k in PARTS}


def _rank(
    *,
    terms: list[str],
    codes: list[str],
    query_vec: np.ndarray | None,
    exclude: int | None,
    limit: int,
    live_only: bool,
) -> SimilarResult:
    bm25 = matching._bm25(terms)
    if exclude is not None:
        bm25.pop(exclude, None)
    top = max(bm25.values(), default=0.0)
    rows = list(
        Patent.objects.filter(pk__in=list(bm25)).values_list(*matching._FACT_COLUMNS, named=True)
    )
    events = matching._legal_events({r.pk for r in rows})
    today = timezone.localdate()
    drafts: list[tuple[Any, str, dict[str, float], list[str], list[str], Any]] = []
    for r in rows:
        avail = availability_of(
            legal_status=r.legal_status,
            patent_type=r.patent_type,
            app_date=r.app_date,
            grant_date=r.grant_date,
            events=events.get(r.pk, []),
            today=today,
        )
        if live_only and not avail.alive:
            continue
        body = passage_text(r.title, r.abstract)
        text, shared = matching.lexical_part(terms, body, bm25.get(r.pk, 0.0), top)
        ipc, pairs = matching.ipc_proximity(codes, r.ipc_codes or [])
        parts = {"text": round(text, 4), "dense": 0.0, "ipc": ipc}
        drafts.append((r, body, parts, shared, pairs, avail))
    vecs = (
        embeddings.passage_vectors({d[0].pk: d[1] for d in drafts}) if query_vec is not None else {}
    )
    w = _weights()
    scored: list[SimilarPatent] = []
    missing: list[int] = []
    for r, _body, parts, shared, pairs, avail in drafts:
        vec = vecs.get(r.pk)
        cosine: float | None = None
        if vec is not None and query_vec is not None:
            cosine = float(vec @ query_vec)
            parts["dense"] = round(embeddings.rescale(cosine), 4)
        elif query_vec is not None:
            missing.append(r.pk)
        score = round(matching.blended(parts, w, dense=cosine is not None), 4)
        item = SimilarPatent(
            patent=Patent(pk=r.pk),  # replaced by the loaded row below
            score=score,
            components=parts,
            shared_terms=technical_terms(shared)[:8],
            ipc_overlap=pairs,
            cosine=None if cosine is None else round(cosine, 3),
            lapsed=not avail.alive,
            lapsed_reason=avail.dead_reason if not avail.alive else "",
        )
        scored.append(item)
    scored.sort(key=lambda i: (-i.score, i.patent.pk))
    best = scored[:limit]
    loaded = (
        Patent.objects.defer("claims", "description")
        .select_related("region")
        .in_bulk([i.patent.pk for i in best])
    )
    items = [i for i in best if i.patent.pk in loaded]
    for i in items:
        i.patent = loaded[i.patent.pk]
    if missing:
        embeddings.queue_missing(missing)
    return SimilarResult(
        items=items,
        query_vector=query_vec is not None,
        without_vectors=sum(1 for i in items if i.without_vector),
        live_only=live_only,
        terms=terms,
    )


def patent_query_terms(patent: Patent) -> list[str]:
    """The record's terms: title first, then abstract, then the opening of the claims."""
    return matching.terms_of(f"{patent.title}。{patent.abstract}。{patent.claims[:CLAIM_CHARS]}")


def similar_to_patent(patent: Patent, *, limit: int = 10, live_only: bool = False) -> SimilarResult:
    """Patents similar to ``patent`` (never itself), best first."""
    vec = embeddings.patent_vectors([patent]).get(patent.pk)
    if vec is None:
        embeddings.queue_missing([patent.pk])
    return _rank(
        terms=patent_query_terms(patent),
        codes=list(patent.ipc_codes or []),
        query_vec=vec,
        exclude=patent.pk,
        limit=limit,
        live_only=live_only,
    )


def text_clean(text: str) -> str:
    """The pasted paragraph, checked; raises ``ApplicationError`` with what to fix."""
    from iphub.core.errors import ApplicationError

    cleaned = " ".join((text or "").split())
    if len(cleaned) < TEXT_MIN:
        msg = f"请粘贴至少 {TEXT_MIN} 个字的技术描述（如一段摘要或技术方案）。"
        raise ApplicationError(msg, fields={"text": msg})
    if len(cleaned) > TEXT_MAX:
        msg = f"文字最多 {TEXT_MAX} 个字，请删减后再检索。"
        raise ApplicationError(msg, fields={"text": msg})
    if not matching.terms_of(cleaned):
        msg = "这段文字中没有可检索的技术词，请换一段更具体的技术描述。"
        raise ApplicationError(msg, fields={"text": msg})
    return cleaned


def similar_to_text(
    text: str, *, codes: list[str] | None = None, limit: int = 20, live_only: bool = False
) -> SimilarResult:
    """Patents similar to a pasted paragraph (以文搜专利); ``codes`` are IPC codes
    the user gave or accepted, used for the ``ipc`` part."""
    cleaned = text_clean(text)
    vec = None
    if getattr(settings, "SIMILAR_TEXT_EMBED", True) and embeddings.available():
        out = embeddings.encode([cleaned], kind="query")
        vec = out[0] if out is not None and len(out) else None
    return _rank(
        terms=matching.terms_of(cleaned),
        codes=list(codes or []),
        query_vec=vec,
        exclude=None,
        limit=limit,
        live_only=live_only,
    )
