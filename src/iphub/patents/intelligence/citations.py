"""Citations (引证/被引) and simple families (简单同族) of patent records.

Sources give a record's references as one text column (``引证专利``: numbers
separated by ``;``) and its simple family the same way (``同族专利``), kept by the
importer in ``Patent.extra``. Each reference becomes a :class:`PatentCitation`
row, resolved to the corpus record carrying that number when there is one; a
record imported later resolves the references already waiting for it.

Forward citations (被引次数) have ONE definition on the platform,
:func:`forward_citation_counts`: the number of distinct records *of the corpus*
that cite the record. The value grade and navigation's key-patent ranking both
read it, so the two can never disagree.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from iphub.patents.models import Patent, PatentCitation
from iphub.patents.numbers import (
    NumberFormatError,
    normalize_application_number,
    normalize_publication_number,
)

_SPLIT = re.compile(r"[;；,，|\s]+")
_FOREIGN = re.compile(r"^([A-Z]{2})(\d[\d/]*)([A-Z]\d?)?$")
# Countries whose documents are applications of an international or regional
# system rather than a national right: they count to a family's size, not as a
# foreign member.
_NOT_NATIONAL = frozenset({"WO", "EP"})
MAX_REFERENCES = 500  # a record listing more is a data error; keep the first ones


@functools.lru_cache(maxsize=65_536)  # an import meets the same cited numbers again and again
def normalise(raw: str) -> str:
    """One canonical spelling of a cited or family number, or ``""``.

    CN publication numbers lose their kind code (``CN115883397B`` ->
    ``CN115883397``: the A and B of one application are one document family
    member here); CN application numbers take their canonical form
    (``202110123456.7``); foreign numbers are upper-cased with the kind code
    dropped (``US10123456B2`` -> ``US10123456``).
    """
    text = unicodedata.normalize("NFKC", raw or "").upper().strip()
    text = re.sub(r"[\s\-_]+", "", text)
    if not text:
        return ""
    if "." in text or text.startswith("ZL"):
        try:
            return normalize_application_number(text)
        except NumberFormatError:
            return ""
    if text.startswith("CN") or text[:1].isdigit():
        try:
            return normalize_publication_number(text)[0]
        except NumberFormatError:
            try:
                return normalize_application_number(text)
            except NumberFormatError:
                return ""
    m = _FOREIGN.match(text)
    if m:
        return m.group(1) + m.group(2)
    return ""


def parse_numbers(value: Any) -> list[str]:
    """Normalised numbers of a list column (text separated by ``;`` or a JSON list),
    in source order, each once; unreadable parts are dropped."""
    parts = value if isinstance(value, list) else _SPLIT.split(str(value or ""))
    out = dict.fromkeys(n for n in (normalise(str(p)) for p in parts) if n)
    return list(out)[:MAX_REFERENCES]


def country(number: str) -> str:
    """Country code of a normalised number (an application number is Chinese)."""
    return "CN" if "." in number else number[:2]


def own_numbers(publication_number: str, application_number: str) -> list[str]:
    """The normalised numbers a record is known by (what a citation may name)."""
    return [n for n in (publication_number, application_number) if n]


@dataclass(frozen=True)
class FamilyFacts:
    """A record's simple family as its source gives it."""

    known: bool  # the source had a family column for this record
    size: int  # members including the record itself
    foreign: int  # members filed in a national office outside China
    countries: list[str] = field(default_factory=list)


_NO_FAMILY = FamilyFacts(known=False, size=1, foreign=0)


def family_members(extra: dict[str, Any], own: Sequence[str]) -> list[str]:
    """Family member numbers listed for a record, other than its own numbers."""
    mine = set(own)
    return [n for n in parse_numbers(extra.get("family")) if n not in mine]


def family_facts(extra: dict[str, Any], own: Sequence[str]) -> FamilyFacts:
    """Size and foreign members of the simple family (``同族专利`` / ``简单同族数量``)."""
    if not extra.get("family") and not extra.get("simple_family_size"):
        return _NO_FAMILY
    members = family_members(extra, own)
    reported = str(extra.get("simple_family_size") or "").strip()
    known = bool(members) or reported.isdigit()
    size = max(len(members) + 1, int(reported) if reported.isdigit() else 0, 1)
    countries = sorted({country(m) for m in members} - {"CN"})
    foreign = sum(1 for m in members if country(m) not in ("CN", *_NOT_NATIONAL))
    return FamilyFacts(known=known, size=size, foreign=foreign, countries=countries)


def family_key(extra: dict[str, Any], own: Sequence[str]) -> str:
    """The simple family's key: the smallest publication number among the record's
    own and its listed members. Members of one simple family list the same set, so they agree
    on the key; a record without a family column has none (``""``)."""
    members = family_members(extra, own)
    if not members:
        return ""
    # Publication numbers only: members list each other by publication number,
    # and an application number (digits first) would sort ahead and differ.
    published = [n for n in (*own, *members) if "." not in n]
    return min(published) if published else ""


# -- writes -----------------------------------------------------------------------


def _resolve(numbers: Iterable[str]) -> dict[str, int]:
    """Corpus records carrying these numbers: number -> patent id."""
    wanted = set(numbers)
    pubs = [n for n in wanted if n.startswith("CN")]
    apps = [n for n in wanted if "." in n]
    found: dict[str, int] = {}
    for start in range(0, len(pubs), 1000):
        chunk = pubs[start : start + 1000]
        for pid, pn in Patent.objects.filter(publication_number__in=chunk).values_list(
            "pk", "publication_number"
        ):
            found.setdefault(pn, pid)
    for start in range(0, len(apps), 1000):
        chunk = apps[start : start + 1000]
        for pid, an in Patent.objects.filter(application_number__in=chunk).values_list(
            "pk", "application_number"
        ):
            found.setdefault(an, pid)
    return found


def citations_record(rows: Sequence[tuple[int, str, str, dict[str, Any]]]) -> set[int]:
    """Write the references of freshly written records and link waiting ones.

    ``rows`` are (patent id, publication number, application number, extra). Each
    record's references are replaced by those of ``extra["cited_patents"]``;
    references other records made to these records' numbers are linked to them.
    Returns the ids of records whose forward citations changed (the cited ones),
    so their grades can be refreshed. Call inside the writing transaction.
    """
    ids = sorted(r[0] for r in rows)
    touched: set[int] = set()
    if ids and ids[-1] - ids[0] + 1 == len(ids):
        # Consecutive ids (a fresh import's batch): a range, not thousands of parameters.
        theirs = PatentCitation.objects.filter(citing_id__gte=ids[0], citing_id__lte=ids[-1])
    else:
        theirs = PatentCitation.objects.filter(citing_id__in=ids)
    touched.update(theirs.exclude(cited=None).values_list("cited_id", flat=True))
    theirs.delete()
    refs = {pid: parse_numbers(extra.get("cited_patents")) for pid, _pn, _an, extra in rows}
    targets = _resolve({n for numbers in refs.values() for n in numbers})
    new = [
        PatentCitation(citing_id=pid, number=n[:40], cited_id=targets.get(n))
        for pid, numbers in refs.items()
        for n in numbers
        if targets.get(n) != pid
    ]
    PatentCitation.objects.bulk_create(new, batch_size=1000)
    touched.update(c.cited_id for c in new if c.cited_id)
    # References written before these records arrived now find them.
    mine = {n: pid for pid, pn, an, _extra in rows for n in own_numbers(pn, an)}
    for start in range(0, len(mine), 1000):
        chunk = list(mine)[start : start + 1000]
        waiting = PatentCitation.objects.filter(number__in=chunk, cited=None)
        for number in set(waiting.values_list("number", flat=True)):
            PatentCitation.objects.filter(number=number, cited=None).exclude(
                citing_id=mine[number]
            ).update(cited_id=mine[number])
            touched.add(mine[number])
    return touched


# -- reads ------------------------------------------------------------------------


def forward_citation_counts(
    ids: Iterable[int] | None = None, *, id_range: tuple[int, int] | None = None
) -> dict[int, int]:
    """被引次数, the platform's one definition: distinct corpus records citing each
    record. ``ids`` limits the answer to those records (absent ones have 0);
    ``id_range`` (lowest, highest id) to the records in it; neither answers for
    every cited record of the corpus."""
    qs = PatentCitation.objects.exclude(cited=None)
    out: dict[int, int] = {}
    if id_range is not None:
        qs = qs.filter(cited_id__gte=id_range[0], cited_id__lte=id_range[1])
        rows = qs.values("cited_id").annotate(n=Count("citing_id", distinct=True))
        return {r["cited_id"]: r["n"] for r in rows}
    if ids is None:
        rows = qs.values("cited_id").annotate(n=Count("citing_id", distinct=True))
        return {r["cited_id"]: r["n"] for r in rows}
    id_list = list(ids)
    for start in range(0, len(id_list), 2000):
        chunk = id_list[start : start + 2000]
        rows = (
            qs.filter(cited_id__in=chunk)
            .values("cited_id")
            .annotate(n=Count("citing_id", distinct=True))
        )
        out.update((r["cited_id"], r["n"]) for r in rows)
    return out


def backward_citation_counts(
    ids: Iterable[int], *, id_range: tuple[int, int] | None = None
) -> dict[int, int]:
    """引证数: references each record lists (in the corpus or not); ``id_range``
    (lowest, highest id) instead of ``ids`` reads a run of records."""
    out: dict[int, int] = {}
    if id_range is not None:
        rows = (
            PatentCitation.objects.filter(citing_id__gte=id_range[0], citing_id__lte=id_range[1])
            .values("citing_id")
            .annotate(n=Count("id"))
        )
        return {r["citing_id"]: r["n"] for r in rows}
    id_list = list(ids)
    for start in range(0, len(id_list), 2000):
        chunk = id_list[start : start + 2000]
        rows = (
            PatentCitation.objects.filter(citing_id__in=chunk)
            .values("citing_id")
            .annotate(n=Count("id"))
        )
        out.update((r["citing_id"], r["n"]) for r in rows)
    return out


@dataclass
class CitationView:
    """What the record page shows: linked corpus records both ways, and the rest counted."""

    cites: list[Patent]
    cites_elsewhere: list[str]
    cited_by: list[Patent]
    cited_by_total: int
    family: list[Patent]
    family_elsewhere: list[str]
    family_facts: FamilyFacts

    @property
    def cites_total(self) -> int:
        return len(self.cites) + len(self.cites_elsewhere)


CITED_BY_SHOWN = 50


def patent_citations(patent: Patent) -> CitationView:
    """The record's references (linked where the corpus has them, numbers otherwise),
    the corpus records citing it (the first ``CITED_BY_SHOWN``, with the total),
    and its simple family members (linked where present)."""
    refs = list(
        PatentCitation.objects.filter(citing=patent).order_by("pk").values_list("number", "cited")
    )
    linked_ids = [c for _n, c in refs if c]
    cited_by_qs = (
        Patent.objects.filter(references__cited=patent)
        .distinct()
        .only("pk", "title", "app_date", "application_number", "publication_number")
        .order_by("-app_date", "pk")
    )
    own = own_numbers(patent.publication_number, patent.application_number)
    members = family_members(patent.extra or {}, own)
    resolved = _resolve(members)
    found = Patent.objects.in_bulk(
        [*linked_ids, *resolved.values()],
    )
    return CitationView(
        cites=[found[c] for c in linked_ids if c in found],
        cites_elsewhere=[n for n, c in refs if not c],
        cited_by=list(cited_by_qs[:CITED_BY_SHOWN]),
        cited_by_total=forward_citation_counts([patent.pk]).get(patent.pk, 0),
        family=[found[resolved[m]] for m in members if m in resolved and resolved[m] in found],
        family_elsewhere=[m for m in members if m not in resolved],
        family_facts=family_facts(patent.extra or {}, own),
    )
