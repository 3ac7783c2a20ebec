"""Ranking the organisations that could use a patent (专利找企业).

score = Σ weight × part over five parts (``WEIGHTS``), each 0-1:

* ``text`` — the organisation's own patents that read like this one: the
  patent's terms are sent to the search index as one OR query (BM25, the best
  ``TEXT_POOL`` records); each hit counts for its applicants, relative to the
  best hit, and an organisation's part is its best hit plus a little of its
  next two (``TEXT_DECAY``: several close patents lift a firm slightly above
  one with a single hit of the same strength);
* ``ipc`` — how many of its patents share the patent's IPC subclasses (from the
  precomputed profile: ``OrganisationProfile`` / ``ProfileSubclass``), on a log
  scale that saturates at ``IPC_SATURATION`` patents;
* ``need`` — its open technology needs that read like the patent (shared terms
  and IPC proximity, as the forward matcher measures them);
* ``chain`` — the patent falls in an industry chain (navigation) the
  organisation works in (a chain named by its needs or its navigation projects);
* ``city`` — the organisation is in the city where the patent is offered.

Candidates are organisations reached by text, IPC or needs (a shared city alone
never makes a candidate). The patent's own holders, the organisation offering
it and organisations that muted pushes are never ranked. Every candidate carries
its reasons as data (``reasons``), read as sentences by :func:`explain`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from iphub.brokerage.models import OrganisationProfile, ProfileSubclass, PushPreference
from iphub.core.models import Organisation
from iphub.navigation.models import IndustryChain, NavigationProject
from iphub.patents.models import Patent
from iphub.patents.names import applicant_key
from iphub.patents.search import QuerySyntaxError
from iphub.patents.selectors import patent_ids_matching, patent_scores
from iphub.transfer.embeddings import passage_text
from iphub.transfer.matching import MAX_TERMS, ipc_proximity, terms_of
from iphub.transfer.models import NeedStatus, TechnologyNeed

WEIGHTS = {"text": 0.40, "ipc": 0.25, "need": 0.20, "chain": 0.05, "city": 0.10}
TEXT_POOL = 300
IPC_POOL = 200
IPC_SATURATION = 20
TARGET_KINDS = ("enterprise", "institute")
# The best hit counts whole; the next two add a little (a first version weighted
# them 1, ½, ⅓ and lost to BM25's best hit at 100k patents: firms with large
# unrelated portfolios piled up middling hits — docs/benchmarks.md).
TEXT_DECAY = (1.0, 0.15, 0.1)


@dataclass(frozen=True, slots=True)
class PatentFacts:
    """What the ranking reads of the patent it pushes."""

    pk: int
    title: str
    abstract: str
    ipc_codes: tuple[str, ...]
    applicants: tuple[str, ...]
    city: str  # the city (region path's second level) where it is offered, or ""

    @classmethod
    def of(cls, patent: Patent, *, city: str = "") -> PatentFacts:
        if not city and patent.region is not None:
            parts = patent.region.path.split("/")
            city = parts[1] if len(parts) > 1 else ""
        return cls(
            patent.pk,
            patent.title,
            patent.abstract,
            tuple(patent.ipc_codes or ()),
            tuple(patent.applicants or ()),
            city,
        )


@dataclass(slots=True)
class OrgCandidate:
    organisation_id: int
    score: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[dict[str, Any]] = field(default_factory=list)
    need_id: int | None = None


def subclasses(codes: tuple[str, ...] | list[str]) -> list[str]:
    """The IPC subclasses (4 characters) of ``codes``, in order, without repeats."""
    return list(dict.fromkeys(c[:4].upper() for c in codes if len(c) >= 4))


def _city_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) > 1 else ""


# -- the parts --------------------------------------------------------------------


def text_hits(facts: PatentFacts, terms: list[str]) -> list[tuple[int, float]]:
    """The index's best records for the patent's terms (never the patent itself)."""
    if not terms:
        return []
    expr = " OR ".join(f'"{t}"' for t in terms[:MAX_TERMS])
    try:
        hits = patent_scores(expr, limit=TEXT_POOL + 1)
    except QuerySyntaxError:
        return []
    return [(pk, s) for pk, s in hits if pk != facts.pk][:TEXT_POOL]


def _hits_by_key(hits: list[tuple[int, float]]) -> dict[str, list[tuple[float, int]]]:
    """Each applicant key's hits as (score relative to the best, patent id), best first."""
    if not hits:
        return {}
    top = hits[0][1] or 1.0
    applicants = dict(
        Patent.objects.filter(pk__in=[pk for pk, _ in hits]).values_list("pk", "applicants")
    )
    out: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for pk, score in hits:
        for name in dict.fromkeys(applicant_key(a) for a in applicants.get(pk) or []):
            if name:
                out[name].append((score / top, pk))
    return out


def _text_part(rel: list[tuple[float, int]]) -> float:
    rel = sorted(rel, reverse=True)[: len(TEXT_DECAY)]
    return min(1.0, sum(w * s for w, (s, _) in zip(TEXT_DECAY, rel, strict=False)))


_need_cache: dict[int, tuple[dt.datetime, list[str]]] = {}


def _open_needs() -> list[tuple[int, int, str, list[str], list[str], str]]:
    """Open needs as (id, organisation, title, terms, ipc codes, chain); their terms
    are kept per process until the need changes (segmenting is the costly part)."""
    today = timezone.localdate()
    rows = TechnologyNeed.objects.filter(status=NeedStatus.OPEN, deadline__gte=today).values_list(
        "pk", "organisation_id", "title", "description", "industry_chain", "ipc_codes", "updated_at"
    )[:5000]
    out = []
    for pk, org, title, description, chain, codes, updated in rows:
        cached = _need_cache.get(pk)
        if cached is None or cached[0] != updated:
            cached = (updated, terms_of(f"{title}。{description} {chain}"))
            _need_cache[pk] = cached
        out.append((pk, org, title, cached[1], list(codes or []), chain))
    return out


def _chains_of_patent(facts: PatentFacts) -> dict[str, str]:
    """Industry chains (name → name) whose query the patent matches."""
    found = {}
    for name, query in IndustryChain.objects.values_list("name", "query"):
        try:
            if patent_ids_matching(query, among={facts.pk}, limit=1):
                found[name] = name
        except QuerySyntaxError:
            continue
    return found


def _org_chains(org_ids: set[int], needs: list[tuple[Any, ...]]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for _pk, org, _title, _terms, _codes, chain in needs:
        if chain and org in org_ids:
            out[org].add(chain)
    rows = NavigationProject.objects.filter(client_id__in=org_ids, chain__isnull=False)
    for org, chain in rows.values_list("client_id", "chain__name"):
        out[org].add(chain)
    return out


# -- the ranking --------------------------------------------------------------------


def rank_organisations(
    facts: PatentFacts,
    *,
    limit: int = 10,
    exclude: set[int] | None = None,
    bm25_only: bool = False,
) -> list[OrgCandidate]:
    """The best ``limit`` organisations for the patent, best first, with reasons.

    ``exclude``: organisations never to rank (the one offering the patent).
    ``bm25_only`` ranks by the best text hit alone (the benchmark's baseline)."""
    terms = terms_of(passage_text(facts.title, facts.abstract))
    hits = text_hits(facts, terms)
    by_key = _hits_by_key(hits)
    holders = {applicant_key(a) for a in facts.applicants}
    profiles = {
        key: (org, count)
        for org, key, count in OrganisationProfile.objects.filter(
            applicant_key__in=list(by_key)
        ).values_list("organisation_id", "applicant_key", "patent_count")
    }
    cands: dict[int, OrgCandidate] = {}
    best_hit: dict[int, float] = {}

    def cand(org: int) -> OrgCandidate:
        return cands.setdefault(org, OrgCandidate(org))

    for key, rel in by_key.items():
        if key in profiles and key not in holders:
            c = cand(profiles[key][0])
            c.parts["text"] = round(_text_part(rel), 4)
            best_hit[c.organisation_id] = max(s for s, _ in rel)
            c.reasons.append({"kind": "text", "patents": len(rel), "best": rel[0][1]})
    if bm25_only:
        for c in cands.values():
            c.score = round(best_hit[c.organisation_id], 4)
        return _finish(cands, facts, exclude, holders, limit)

    subs = subclasses(facts.ipc_codes)
    if subs:
        rows = list(
            ProfileSubclass.objects.filter(subclass__in=subs)
            .order_by("-patents")
            .values_list("profile_id", "subclass", "patents")[:IPC_POOL]
        )
        known = set(cands) - {r[0] for r in rows}
        if known:
            rows += list(
                ProfileSubclass.objects.filter(subclass__in=subs, profile_id__in=known).values_list(
                    "profile_id", "subclass", "patents"
                )
            )
        best: dict[int, tuple[int, str]] = {}
        for org, sub, n in rows:
            if n > best.get(org, (0, ""))[0]:
                best[org] = (n, sub)
        for org, (n, sub) in best.items():
            c = cand(org)
            c.parts["ipc"] = round(min(1.0, math.log1p(n) / math.log1p(IPC_SATURATION)), 4)
            c.reasons.append({"kind": "ipc", "patents": n, "subclass": sub})

    needs = _open_needs()
    patent_terms = set(terms)
    for pk, org, title, need_terms, codes, _chain in needs:
        shared = [t for t in need_terms if t in patent_terms]
        coverage = len(shared) / max(1, min(len(need_terms), 8))
        ipc, _pairs = ipc_proximity(codes, facts.ipc_codes)
        part = round(0.6 * min(1.0, coverage) + 0.4 * ipc, 4)
        if len(shared) < 2 and ipc < 0.75:
            continue
        c = cand(org)
        if part > c.parts.get("need", 0.0):
            c.parts["need"] = part
            c.need_id = pk
            c.reasons = [r for r in c.reasons if r["kind"] != "need"]
            c.reasons.append({"kind": "need", "need": pk, "title": title, "terms": shared[:4]})

    orgs = dict(
        Organisation.objects.filter(pk__in=list(cands), kind__in=TARGET_KINDS).values_list(
            "pk", "region__path"
        )
    )
    cands = {k: v for k, v in cands.items() if k in orgs}
    chains = _chains_of_patent(facts) if cands else {}
    org_chains = _org_chains(set(cands), needs) if chains else {}
    for org, c in cands.items():
        shared_chain = sorted(org_chains.get(org, set()) & set(chains))
        if shared_chain:
            c.parts["chain"] = 1.0
            c.reasons.append({"kind": "chain", "chain": shared_chain[0]})
        city = _city_of(orgs[org])
        if facts.city and city == facts.city:
            c.parts["city"] = 1.0
            c.reasons.append({"kind": "city", "city": city})
        c.score = round(sum(WEIGHTS[k] * v for k, v in c.parts.items()), 4)
    return _finish(cands, facts, exclude, holders, limit)


def _finish(
    cands: dict[int, OrgCandidate],
    facts: PatentFacts,
    exclude: set[int] | None,
    holders: set[str],
    limit: int,
) -> list[OrgCandidate]:
    drop = set(exclude or ())
    drop |= set(
        PushPreference.objects.filter(organisation_id__in=list(cands), muted=True).values_list(
            "organisation_id", flat=True
        )
    )
    if holders:
        drop |= set(
            OrganisationProfile.objects.filter(
                applicant_key__in=list(holders), organisation_id__in=list(cands)
            ).values_list("organisation_id", flat=True)
        )
    kept = [c for c in cands.values() if c.organisation_id not in drop and c.score > 0]
    kept.sort(key=lambda c: (-c.score, c.organisation_id))
    for c in kept:
        order = ("need", "ipc", "text", "chain", "city")
        c.reasons.sort(key=lambda r: order.index(r["kind"]))
    return kept[:limit]


# -- the reasons in words -----------------------------------------------------------


def explain(reasons: list[dict[str, Any]]) -> list[str]:
    """The reasons as sentences for the organisation reached, in its language."""
    out = []
    for r in reasons:
        kind = r.get("kind")
        if kind == "need":
            text = gettext("贵单位的需求『%(title)s』与本专利相近") % {"title": r["title"]}
            if r.get("terms"):
                text += gettext("（共同技术词：%(terms)s）") % {
                    "terms": gettext("、").join(r["terms"])
                }
            out.append(text)
        elif kind == "ipc":
            out.append(
                gettext("贵单位有 %(n)s 件 %(sub)s 专利")
                % {"n": r["patents"], "sub": r["subclass"]}
            )
        elif kind == "text":
            out.append(gettext("贵单位有 %(n)s 件专利的技术内容与本专利相近") % {"n": r["patents"]})
        elif kind == "chain":
            out.append(gettext("同属产业链：%(chain)s") % {"chain": r["chain"]})
        elif kind == "city":
            out.append(gettext("与专利所在地同城"))
    return out
