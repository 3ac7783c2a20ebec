"""Compute and store value grades in bulk (the write side of :mod:`.grade`).

Facts are read as columns, a chunk of ids at a time (patents, event kinds,
citation counts), graded in Python and written with one upsert per chunk. The
search index carries the band and score (facet and sort), so records whose grade
moved are reindexed when asked.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from iphub.patents.intelligence import grade as method
from iphub.patents.intelligence.citations import (
    backward_citation_counts,
    family_facts,
    forward_citation_counts,
    own_numbers,
)
from iphub.patents.models import (
    GradeWeight,
    GradeWeightKind,
    LegalEvent,
    Patent,
    PatentGrade,
)

CHUNK = 2000
_COLUMNS = (
    "pk",
    "patent_type",
    "legal_status",
    "app_date",
    "grant_date",
    "claims",
    "ipc_codes",
    "applicants",
    "inventors",
    "extra",
    "publication_number",
    "application_number",
)


def grade_weight_defaults() -> list[GradeWeight]:
    """The settings table's default rows (unsaved), as the migration writes them."""
    rows = [
        GradeWeight(
            key=key, kind=GradeWeightKind.FACTOR, label=label, points=p, position=i, note=note
        )
        for i, (key, label, p, note) in enumerate(method.DEFAULT_FACTORS)
    ]
    rows += [
        GradeWeight(
            key=f"band_{band.lower()}",
            kind=GradeWeightKind.BAND,
            label=f"{band} 档",
            points=low,
            position=i,
            note=f"价值分 ≥ {low}",
        )
        for i, (band, low) in enumerate(method.DEFAULT_BANDS)
    ]
    return rows


def grade_weight_rows() -> list[GradeWeight]:
    """The settings table as staff read it: the stored rows, with the defaults of
    any row missing (a database emptied by hand, a factor added since)."""
    stored = {w.key: w for w in GradeWeight.objects.all()}
    rows = [stored.pop(d.key, d) for d in grade_weight_defaults()]
    return rows + sorted(stored.values(), key=lambda w: (w.kind, w.position))


def grade_settings() -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Factor weights and band bounds from the settings table (defaults if it is empty)."""
    weights: dict[str, int] = {}
    bands: list[tuple[str, int]] = []
    for key, kind, points in GradeWeight.objects.values_list("key", "kind", "points"):
        if kind == GradeWeightKind.FACTOR:
            weights[key] = int(points)
        else:
            bands.append((key.removeprefix("band_").upper(), int(points)))
    if not weights:
        weights = {k: p for k, _label, p, _note in method.DEFAULT_FACTORS}
    if not bands:
        bands = list(method.DEFAULT_BANDS)
    return weights, bands


def _facts(rows: list[tuple[Any, ...]], *, whole_range: bool) -> dict[int, method.GradeFacts]:
    """Facts of ``rows``; ``whole_range`` says they are every record between the
    first and last id, so the side tables are read by id range (an IN list of
    2,000 ids cost Django more to compile than the database to answer)."""
    ids = [r[0] for r in rows]
    span = (ids[0], ids[-1]) if whole_range else None
    events = LegalEvent.objects.exclude(kind__in=("filed", "published", "granted", "status"))
    if span:
        events = events.filter(patent_id__gte=span[0], patent_id__lte=span[1])
    else:
        events = events.filter(patent_id__in=ids)
    kinds: dict[int, set[str]] = defaultdict(set)
    for pid, kind in events.values_list("patent_id", "kind"):
        kinds[pid].add(kind)
    forward = forward_citation_counts(ids, id_range=span)
    backward = backward_citation_counts(ids, id_range=span)
    out: dict[int, method.GradeFacts] = {}
    for pid, ptype, status, app, grant, claims, ipc, applicants, inventors, extra, pn, an in rows:
        extra = extra or {}
        fam = family_facts(extra, own_numbers(pn, an))
        out[pid] = method.GradeFacts(
            patent_type=ptype or "",
            legal_status=status or "",
            app_date=app,
            grant_date=grant,
            claims=claims or "",
            ipc_codes=list(ipc or []),
            applicants=list(applicants or []),
            applicant_type=str(extra.get("applicant_type") or ""),
            inventors=len(inventors or []),
            event_kinds=kinds.get(pid, set()),
            family_known=fam.known,
            family_size=fam.size,
            family_foreign=fam.foreign,
            references_known=bool(extra.get("cited_patents")) or pid in backward,
            backward=backward.get(pid, 0),
            forward=forward.get(pid, 0),
        )
    return out


def _chunks_all() -> Iterator[list[tuple[Any, ...]]]:
    last = 0
    while True:
        rows = list(
            Patent.objects.filter(pk__gt=last).order_by("pk").values_list(*_COLUMNS)[:CHUNK]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _consecutive(ids: list[int]) -> bool:
    """Whether sorted, distinct ``ids`` are every integer from the first to the last."""
    return bool(ids) and ids[-1] - ids[0] + 1 == len(ids)


def _chunks_of(ids: list[int]) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        qs = Patent.objects.order_by("pk").values_list(*_COLUMNS)
        if _consecutive(chunk):
            # An id range costs one parameter pair, not Django's preparation of 2,000.
            yield list(qs.filter(pk__gte=chunk[0], pk__lte=chunk[-1]))
        else:
            yield list(qs.filter(pk__in=chunk))


def grades_compute(
    ids: Iterable[int] | None = None,
    *,
    today: dt.date | None = None,
    reindex: bool = True,
    progress: Callable[[int], None] | None = None,
    grades: dict[int, tuple[str, int]] | None = None,
) -> dict[str, int]:
    """Grade ``ids`` (every record when ``None``) and store the grades.

    Returns how many were graded (``graded``) and how many changed score or band
    (``changed``). With ``reindex``, records whose score or band moved are
    rewritten in the search index after the commit (an import passes ``False``:
    it indexes its records itself, after grading them, and passes ``grades`` to
    be given each record's (band, score)).
    """
    today = today or timezone.localdate()
    weights, bands = grade_settings()
    now = timezone.now()
    graded = 0
    changed: list[int] = []
    whole = ids is None
    chunks = _chunks_all() if whole else _chunks_of(sorted(set(ids or [])))
    for rows in chunks:
        # A chunk of consecutive ids (a fresh import's batch) is every record of its
        # range too: the side tables are read by range, not by a list of ids.
        facts = _facts(rows, whole_range=whole or _consecutive([r[0] for r in rows]))
        before: dict[int, tuple[int, str]] = {}
        if reindex:
            before = {
                pid: (score, band)
                for pid, score, band in PatentGrade.objects.filter(
                    patent_id__in=list(facts)
                ).values_list("patent_id", "score", "band")
            }
        values = []
        for pid, f in facts.items():
            g = method.grade(f, weights=weights, bands=bands, today=today)
            values.append(
                (pid, g.score, g.band, json.dumps(g.factors, ensure_ascii=False), f.forward)
            )
            if not reindex or before.get(pid) != (g.score, g.band):
                changed.append(pid)
            if grades is not None:
                grades[pid] = (g.band, g.score)
        _upsert(values, now)
        graded += len(values)
        if progress is not None:
            progress(graded)
    if reindex and changed:
        from iphub.patents.indexing import index_on_commit

        index_on_commit(changed)
    return {"graded": graded, "changed": len(changed)}


def _upsert(values: list[tuple[Any, ...]], now: Any) -> None:
    """Insert or replace grades in one statement per chunk (INSERT ... ON CONFLICT,
    which SQLite and PostgreSQL both speak): Django's bulk upsert spent more time
    compiling the statement than the database took to run it."""
    table = PatentGrade._meta.db_table
    jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
    sql = (
        f"INSERT INTO {table} (patent_id, score, band, factors, forward_citations, "
        f"method_version, computed_at) VALUES (%s, %s, %s, %s{jsonb}, %s, %s, %s) "
        "ON CONFLICT (patent_id) DO UPDATE SET score = excluded.score, band = excluded.band, "
        "factors = excluded.factors, forward_citations = excluded.forward_citations, "
        "method_version = excluded.method_version, computed_at = excluded.computed_at"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    rows = [(*v, method.METHOD_VERSION, stamp) for v in values]
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(sql, rows)


def grade_refresh_on_commit(ids: Iterable[int]) -> None:
    """Queue a background regrade of ``ids`` once the surrounding transaction commits."""
    id_list = sorted({int(i) for i in ids})
    if not id_list:
        return

    def enqueue() -> None:
        from iphub.patents.tasks import grades_refresh

        grades_refresh.enqueue(id_list)

    transaction.on_commit(enqueue)
