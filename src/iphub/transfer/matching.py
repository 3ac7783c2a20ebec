"""Ranking patents (and the listings offering them) for a technology need.

score = Σ weight × part, weights from ``settings.TRANSFER_MATCH_WEIGHTS``:

* ``text``: lexical relevance — BM25 from the patent search index for the need's
  terms (normalised by the best hit of the same query) blended with the share of
  the need's terms the patent contains;
* ``dense``: cosine of multilingual-e5-small vectors (``embeddings.py``), which
  catches paraphrases the terms miss. Vectors are computed ahead (a need when
  posted or edited, a patent when listed or by staff's ``embed_patents`` run) and
  only *read* here, for every candidate: e5 never runs inside a match. A
  candidate without a current vector (or a need without one yet) is scored
  without this part — its other parts are weighted up by
  ``Σw / (Σw − w_dense)`` so that it is neither punished nor favoured for the
  gap — its explanation says so, and it is queued for embedding;
* ``ipc``: how close the need's IPC area is to the patent's codes (same group
  1.0, subclass 0.75, class 0.5, section 0.2);
* ``region``: same city 1.0, elsewhere in Hubei falling with distance, else 0.2;
* ``availability``: listed with a form the need wants 1.0, listed otherwise
  0.7, not listed 0.4, and ×0.7 when pledged. Dead patents are never proposed.

Candidates are the index's BM25 best ``BM25_POOL`` for the need's terms plus
listed patents. Every candidate carries its reasons (shared terms, IPC overlap,
distance, listing, semantic similarity), so a user sees *why*, not just a number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from iphub.core.models import Region
from iphub.patents.models import LegalEvent, PartyRole, Patent, PatentParty
from iphub.patents.names import applicant_key
from iphub.patents.search import QuerySyntaxError, query_tokens
from iphub.patents.selectors import patent_scores
from iphub.transfer import embeddings
from iphub.transfer.embeddings import need_text, passage_text, patent_text
from iphub.transfer.models import (
    CooperationForm,
    ListedPatent,
    ListingMode,
    ListingStatus,
    SupplyListing,
    TechnologyNeed,
)
from iphub.transfer.stopwords import GENERIC_TERMS, technical_terms
from iphub.transfer.workflow import EventFacts, availability_of

DEFAULT_WEIGHTS = {"text": 0.30, "dense": 0.30, "ipc": 0.20, "region": 0.10, "availability": 0.10}
BM25_POOL = 200  # lexical candidates per need
LISTED_POOL = 2000  # listed patents always considered: an offer counts even when words differ
MAX_TERMS = 24
# Generic words (need boilerplate and patent language) are neither searched
# with nor offered as shared terms: see ``stopwords.py``.
STOP_TERMS = GENERIC_TERMS
IPC_LEVELS = ((1.0, "同组"), (0.75, "同小类"), (0.5, "同大类"), (0.2, "同部"))
# A suggested code counts for less than one the user chose: the suggester is right
# about its best subclass about half the time (bench/ipc_suggest.py).
SUGGESTED_IPC_FACTOR = 0.8


def weights() -> dict[str, float]:
    return dict(getattr(settings, "TRANSFER_MATCH_WEIGHTS", DEFAULT_WEIGHTS))


def suggested_ipc(need: TechnologyNeed) -> list[str]:
    """The need's unchosen suggested subclasses the matcher uses (the suggester's
    own rule: the best one, and the others at 50% confidence or more), when
    ``TRANSFER_MATCH_SUGGESTED_IPC`` is on (off by default: bench/matching.py found
    nDCG@10 lower with them, docs/benchmarks.md). Empty when the user chose codes: the
    user's choice then speaks for the need."""
    if not getattr(settings, "TRANSFER_MATCH_SUGGESTED_IPC", False) or need.ipc_codes:
        return []
    rows = list(need.ipc_suggested or [])
    return [r["code"] for i, r in enumerate(rows) if i == 0 or r.get("confidence", 0) >= 0.5]


def terms_of(text: str) -> list[str]:
    """The need's or patent's meaningful terms, in order, without repeats."""
    return list(dict.fromkeys(t for t in query_tokens(text) if len(t) > 1 and t not in STOP_TERMS))


def ipc_proximity(
    need_codes: Iterable[str], patent_codes: Iterable[str]
) -> tuple[float, list[str]]:
    """Best level shared by any pair of codes, and the pairs that share it."""
    best, pairs = 0.0, []
    for a in need_codes:
        for b in patent_codes:
            score, label = _ipc_pair(a, b)
            if score > best:
                best, pairs = score, [f"{a}↔{b}（{label}）"]
            elif score == best and score > 0 and len(pairs) < 3:
                pairs.append(f"{a}↔{b}（{label}）")
    return best, pairs


def _ipc_pair(a: str, b: str) -> tuple[float, str]:
    ga, gb = a.split("/")[0], b.split("/")[0]
    if len(ga) > 4 and ga == gb:
        return IPC_LEVELS[0]
    if a[:4] == b[:4] and len(a) >= 4 and len(b) >= 4:
        return IPC_LEVELS[1]
    if a[:3] == b[:3]:
        return IPC_LEVELS[2]
    if a[:1] == b[:1]:
        return IPC_LEVELS[3]
    return 0.0, ""


def _city(region: Region | None) -> str:
    if region is None:
        return ""
    parts = region.path.split("/")
    return parts[1] if len(parts) > 1 else ""


def _km(a: Region, b: Region) -> float | None:
    coords = (a.latitude, a.longitude, b.latitude, b.longitude)
    if any(c is None for c in coords):
        return None
    lat1, lon1, lat2, lon2 = (math.radians(float(c or 0.0)) for c in coords)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def region_proximity(need_region: Region, other: Region | None) -> tuple[float, dict[str, Any]]:
    if other is None:
        return 0.2, {"same_city": False, "distance_km": None, "region": "地区不详"}
    km = _km(need_region, other)
    if _city(need_region) and _city(need_region) == _city(other):
        return 1.0, {"same_city": True, "distance_km": _round(km), "region": other.name}
    score = 0.3 + 0.5 * max(0.0, 1.0 - (km or 500.0) / 500.0)
    return score, {"same_city": False, "distance_km": _round(km), "region": other.name}


def _round(km: float | None) -> int | None:
    return None if km is None else round(km)


def forms_fit(need_forms: list[str], listing: SupplyListing) -> bool:
    """Does the listing offer a form of cooperation the need asks for?"""
    wanted = set(need_forms)
    if CooperationForm.JOINT in wanted:
        return True
    if listing.mode == ListingMode.TRANSFER:
        return bool(wanted & {CooperationForm.TRANSFER, CooperationForm.EQUITY})
    return bool(wanted & set(listing.licence_forms))


@dataclass
class Candidate:
    patent: Patent
    listing: SupplyListing | None
    score: float
    components: dict[str, float]
    reasons: dict[str, Any] = field(default_factory=dict)


def _bm25(terms: list[str]) -> dict[int, float]:
    if not terms:
        return {}
    expr = " OR ".join(f'"{t}"' for t in terms[:MAX_TERMS])
    try:
        # Ids and scores only: the candidates' rows are loaded once, later, for
        # the ones that survive ranking.
        return dict(patent_scores(expr, limit=BM25_POOL))
    except QuerySyntaxError:
        return {}


def lexical_part(terms: list[str], body: str, bm25: float, top: float) -> tuple[float, list[str]]:
    """The ``text`` part of a candidate (0-1) and the query terms its text shares, in
    the order they occur: 0.6 × BM25 relative to the best hit of the same query plus
    0.4 × the share of the query's terms (up to 12) found in the text. Also used by
    "more like this" (``similar.py``), so both rank text the same way."""
    # Substring tests, not a second segmentation: jieba over 200 abstracts per
    # query was most of the matcher's time without e5 (and Chinese words match
    # as substrings even where jieba cuts the patent's text differently).
    shared = sorted((t for t in terms if t in body), key=body.find)
    coverage = len(shared) / max(1, min(len(terms), 12))
    return 0.6 * (bm25 / top if top else 0.0) + 0.4 * min(1.0, coverage), shared


def blended(parts: dict[str, float], w: dict[str, float], *, dense: bool) -> float:
    """Σ weight × part; without the dense part the others are weighted up by
    ``Σw / (Σw − w_dense)`` (see the module docstring). Only the weights of the
    parts present count, so callers scoring fewer parts (similar patents: text,
    dense, IPC) blend on the same scale."""
    used = {k: w.get(k, 0.0) for k in parts}
    total = sum(used.values())
    if dense:
        return sum(used[k] * v for k, v in parts.items())
    lexical = total - used.get("dense", 0.0)
    score = sum(used[k] * v for k, v in parts.items() if k != "dense")
    return score * (total / lexical) if lexical > 0 else score


def _active_listings(patent_ids: set[int] | None) -> dict[int, SupplyListing]:
    qs = ListedPatent.objects.filter(listing__status=ListingStatus.ACTIVE).select_related(
        "listing__region"
    )
    if patent_ids is not None:
        qs = qs.filter(patent_id__in=patent_ids)
    out: dict[int, SupplyListing] = {}
    for item in qs.order_by("-listing__created_at")[:LISTED_POOL]:
        out.setdefault(item.patent_id, item.listing)
    return out


# What the ranking reads of a candidate patent: columns, not model instances. Building
# 200 ``Patent`` objects with their JSON fields and prefetched legal events was two
# thirds of a match's time at 1M patents; only the ``limit`` winners become objects.
_FACT_COLUMNS = (
    "pk",
    "title",
    "abstract",
    "ipc_codes",
    "legal_status",
    "patent_type",
    "app_date",
    "grant_date",
    "region_id",
)


@dataclass(slots=True)
class _Draft:
    """A candidate while it is being scored: the patent's id and text, no instance."""

    pk: int
    text: str
    listing: SupplyListing | None
    components: dict[str, float]
    reasons: dict[str, Any]
    score: float = 0.0


def _legal_events(ids: set[int]) -> dict[int, list[EventFacts]]:
    """The legal events of ``ids`` as plain facts, by patent id (one query)."""
    out: dict[int, list[EventFacts]] = {}
    rows = LegalEvent.objects.filter(patent_id__in=ids).values_list(
        "patent_id", "kind", "date", "detail", "pk"
    )
    for pid, kind, date, detail, pk in rows:
        out.setdefault(pid, []).append((kind, date, detail, pk))
    return out


def rank_for_need(
    need: TechnologyNeed, *, limit: int = 20, among: set[int] | None = None
) -> list[Candidate]:
    """The best ``limit`` patents for ``need`` (only those in ``among``, if given)."""
    w = weights()
    terms = terms_of(need_text(need))
    suggested = suggested_ipc(need)
    bm25 = _bm25(terms)
    top = max(bm25.values(), default=0.0)
    listed = _active_listings(among)
    ids = set(bm25) | set(listed)
    if among is not None:
        ids &= among
    # The enterprise's own patents are not an answer to its own need.
    own = PatentParty.objects.filter(
        role=PartyRole.APPLICANT, key=applicant_key(need.organisation.name), patent_id__in=ids
    ).values_list("patent_id", flat=True)
    ids -= set(own)
    rows = list(Patent.objects.filter(pk__in=ids).values_list(*_FACT_COLUMNS, named=True))
    events = _legal_events(ids)
    regions = Region.objects.in_bulk({r.region_id for r in rows if r.region_id})
    today = timezone.localdate()
    drafts = []
    for r in rows:
        avail = availability_of(
            legal_status=r.legal_status,
            patent_type=r.patent_type,
            app_date=r.app_date,
            grant_date=r.grant_date,
            events=events.get(r.pk, []),
            today=today,
        )
        if not avail.alive:
            continue
        listing = listed.get(r.pk)
        body = passage_text(r.title, r.abstract)
        text, shared = lexical_part(terms, body, bm25.get(r.pk, 0.0), top)
        ipc, ipc_pairs = ipc_proximity(need.ipc_codes, r.ipc_codes or [])
        ipc_by_suggestion = False
        if suggested:
            s_ipc, s_pairs = ipc_proximity(suggested, r.ipc_codes or [])
            if s_ipc * SUGGESTED_IPC_FACTOR > ipc:
                ipc, ipc_pairs = round(s_ipc * SUGGESTED_IPC_FACTOR, 4), s_pairs
                ipc_by_suggestion = True
        where_region = listing.region if listing else regions.get(r.region_id or "")
        region_score, where = region_proximity(need.region, where_region)
        if listing is None:
            availability, offer = 0.4, "未挂牌（可联系专利权人洽谈）"
        elif forms_fit(need.preferred_forms, listing):
            availability, offer = 1.0, f"已挂牌：{listing.get_mode_display()}"
        else:
            availability, offer = 0.7, f"已挂牌：{listing.get_mode_display()}（与期望合作方式不同）"
        if avail.pledged:
            availability *= 0.7
        parts = {
            "text": round(text, 4),
            "dense": 0.0,
            "ipc": ipc,
            "region": round(region_score, 4),
            "availability": round(availability, 4),
        }
        reasons = {
            "shared_terms": shared[:8],
            "ipc_overlap": ipc_pairs,
            "ipc_suggested": ipc_by_suggestion,
            **where,
            "offer": offer,
            "flags": avail.notes,
            "cosine": None,
        }
        drafts.append(_Draft(r.pk, body, listing, parts, reasons))
    _score(need, drafts, w)
    drafts.sort(key=lambda d: (-d.score, d.pk))
    best = drafts[:limit]
    patents = (
        Patent.objects.defer("claims", "description")
        .select_related("region")
        .in_bulk([d.pk for d in best])
    )
    return [Candidate(patents[d.pk], d.listing, d.score, d.components, d.reasons) for d in best]


def _score(need: TechnologyNeed, found: list[_Draft], w: dict[str, float]) -> None:
    """Add the dense part from stored vectors and total each candidate's score.

    Candidates without a current vector are scored on the other parts, re-weighted
    (see the module docstring), told so, and queued for embedding."""
    q = embeddings.need_vector(need) if found else None
    vecs = embeddings.passage_vectors({d.pk: d.text for d in found}) if q is not None else {}
    if q is None and found and need.pk and embeddings.available():
        embeddings.queue_need(need.pk)
    missing = []
    for c in found:
        vec = vecs.get(c.pk)
        if vec is not None and q is not None:
            cos = float(vec @ q)
            c.components["dense"] = round(embeddings.rescale(cos), 4)
            c.reasons["cosine"] = round(cos, 3)
            c.score = blended(c.components, w, dense=True)
        else:
            c.score = blended(c.components, w, dense=False)
            c.reasons["notes"] = [_no_vector_note(need_has_vector=q is not None)]
            if q is not None:
                missing.append(c.pk)
        c.reasons["summary"] = explain(c.reasons)
        c.score = round(c.score, 4)
    if missing:
        embeddings.queue_missing(missing)


def _no_vector_note(*, need_has_vector: bool) -> str:
    if not embeddings.available():
        return "语义模型不可用，本次按检索词、分类号、地域和挂牌情况匹配"
    if not need_has_vector:
        return "需求的语义向量正在后台生成，本次按检索词、分类号、地域和挂牌情况匹配"
    return "该专利的语义向量尚未生成（已排队），本次按检索词、分类号、地域和挂牌情况匹配"


def _offer_text(offer: str) -> str:
    # Stored in Chinese when the match was scored; read in the reader's language.
    listed = re.fullmatch(r"已挂牌：(.+?)(（与期望合作方式不同）)?", offer)
    if listed is None:
        return gettext(offer) if offer else ""
    mode = listed.group(1)
    with translation.override("zh-hans"):
        modes = {str(m.label): m for m in ListingMode}
    text = gettext("已挂牌：%(mode)s") % {"mode": modes[mode].label if mode in modes else mode}
    return text + (gettext("（与期望合作方式不同）") if listed.group(2) else "")


def explain(reasons: dict[str, Any]) -> str:
    """One sentence a user reads under a match, in the reader's language."""
    bits = []
    # Filtered here too, so reasons stored before a word joined the stop list
    # read right without matching again.
    shared = technical_terms(list(reasons.get("shared_terms") or []))
    if shared:
        bits.append(gettext("共同技术词：%(terms)s") % {"terms": gettext("、").join(shared[:5])})
    if reasons.get("ipc_overlap") and reasons.get("ipc_suggested"):
        bits.append(
            gettext("分类号相近（系统推荐分类，需求方未选）：%(ipc)s")
            % {"ipc": reasons["ipc_overlap"][0]}
        )
    elif reasons.get("ipc_overlap"):
        bits.append(gettext("分类号相近：%(ipc)s") % {"ipc": reasons["ipc_overlap"][0]})
    if reasons.get("same_city"):
        bits.append(gettext("同城（%(region)s）") % {"region": reasons.get("region")})
    elif reasons.get("distance_km") is not None:
        bits.append(
            gettext("相距约 %(km)s 公里（%(region)s）")
            % {"km": reasons["distance_km"], "region": reasons.get("region")}
        )
    if reasons.get("cosine") is not None:
        label = gettext("语义高度相关") if reasons["cosine"] >= 0.9 else gettext("语义相似度")
        cosine = gettext("%(label)s（余弦 %(cos).2f）")
        bits.append(cosine % {"label": label, "cos": reasons["cosine"]})
    bits.append(_offer_text(reasons.get("offer", "")))
    bits.extend(gettext(flag) for flag in reasons.get("flags") or [])
    return gettext("；").join(b for b in bits if b)


def open_needs_for_listing(listing: SupplyListing, *, pool: int = 50) -> list[TechnologyNeed]:
    """Open needs worth scoring against ``listing``: IPC or term overlap, or the
    nearest by embedding — a cheap filter before the full score."""
    today = timezone.localdate()
    needs = list(
        TechnologyNeed.objects.filter(status="open", deadline__gte=today)
        .select_related("region", "organisation")
        .order_by("-confirmed_at")[:1000]
    )
    if not needs:
        return []
    patents = list(listing.patents.all())
    listing_terms = set(terms_of(listing.title + " " + " ".join(patent_text(p) for p in patents)))
    codes = [c for p in patents for c in p.ipc_codes] + list(listing.ipc_codes or [])
    keep: dict[int, TechnologyNeed] = {}
    for n in needs:
        if (
            ipc_proximity(n.ipc_codes or suggested_ipc(n), codes)[0] >= 0.75
            or len(listing_terms & set(terms_of(need_text(n)))) >= 2
        ):
            keep[n.pk] = n
    # Nearest needs by stored vectors: the best of the listing's patents for each need.
    pvecs = embeddings.patent_vectors(patents)
    nvecs = embeddings.need_vectors(needs)
    if pvecs and nvecs:
        with_vec = [n for n in needs if n.pk in nvecs]
        sims = (np.vstack([nvecs[n.pk] for n in with_vec]) @ np.vstack(list(pvecs.values())).T).max(
            axis=1
        )
        for i in sims.argsort()[::-1][:pool]:
            keep.setdefault(with_vec[int(i)].pk, with_vec[int(i)])
    return list(keep.values())
