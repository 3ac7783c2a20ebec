"""Reads of the value grade for other pages and apps (issue 20): the grade mix
of a set of records, their grades by id. Citation counts have their one
definition in :func:`iphub.patents.intelligence.citations.forward_citation_counts`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet

from iphub.patents.models import PatentGrade

BANDS = ("A", "B", "C", "D")
_CHUNK = 5000


def grade_mix_rows(ids: Iterable[int] | QuerySet[Any]) -> list[dict[str, Any]]:
    """:func:`grade_mix` as the rows ``patents/_grade_mix.html`` draws."""
    return [{"band": b, "count": n, "pct": pct} for b, n, pct in grade_mix(ids)]


def grade_mix(ids: Iterable[int] | QuerySet[Any]) -> list[tuple[str, int, int]]:
    """(band, records, per cent) for A-D over ``ids`` (a list, or a queryset of
    patent ids counted in SQL); records not yet graded are not counted."""
    counts: Counter[str] = Counter()
    if isinstance(ids, QuerySet):
        rows = PatentGrade.objects.filter(patent_id__in=ids).values_list("band")
        counts.update(dict(rows.annotate(n=Count("pk")).values_list("band", "n")))
    else:
        id_list = list(ids)
        for start in range(0, len(id_list), _CHUNK):
            chunk = id_list[start : start + _CHUNK]
            rows = PatentGrade.objects.filter(patent_id__in=chunk).values_list("band")
            counts.update(dict(rows.annotate(n=Count("pk")).values_list("band", "n")))
    return band_mix(counts)


def band_mix(counts: Counter[str] | dict[str, int]) -> list[tuple[str, int, int]]:
    """(band, records, per cent) for A-D from the graded records' counts by band."""
    total = sum(counts.values())
    return [
        (b, counts.get(b, 0), round(100 * counts.get(b, 0) / total) if total else 0) for b in BANDS
    ]


def grades_of(ids: Iterable[int]) -> dict[int, PatentGrade]:
    """The stored grades of ``ids`` (ungraded ones absent), in one query per 5,000."""
    id_list = list(ids)
    out: dict[int, PatentGrade] = {}
    for start in range(0, len(id_list), _CHUNK):
        chunk = id_list[start : start + _CHUNK]
        out.update((g.patent_id, g) for g in PatentGrade.objects.filter(patent_id__in=chunk))
    return out


def grade_mix_of_query(query: str) -> list[tuple[str, int, int]]:
    """(band, records, per cent) over the records matching a search ``query``,
    counted by the index's grade facet (ms at 1M records, where counting a
    400k-id list in SQL took seconds); above the index's exact-facet limit the
    counts are its sampled estimates."""
    from iphub.patents.indexing import get_index

    facets = get_index().search(query, page_size=1, facets=True).facets
    counts = {str(band): int(n) for band, n in facets.get("grade", [])}
    total = sum(counts.values())
    return [
        (b, counts.get(b, 0), round(100 * counts.get(b, 0) / total) if total else 0) for b in BANDS
    ]
