"""Keeps the tantivy index in step with the database.

Services call :func:`index_on_commit` with the ids they wrote: an outbox row per
id in the same transaction (``core.outbox``), applied to the index once it
commits and by each node's follower, so a rolled-back import leaves no ghost
documents and a crash after the commit loses nothing. ``iphub reindex`` rebuilds
everything from the database (``index_health``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from django.conf import settings

from iphub.core.outbox import outbox_record
from iphub.patents.intelligence.citations import family_key, own_numbers
from iphub.patents.models import PartyRole, Patent, PatentGrade, PatentParty
from iphub.patents.search import PatentIndex
from iphub.patents.search.index import FIELD_SORTS, IndexSchemaChanged

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_indexes: dict[Path, PatentIndex] = {}
# The directory each handle was opened on (a rebuild swaps in a new one).
_opened: dict[Path, tuple[int, int] | None] = {}


def get_index() -> PatentIndex:
    """The process's handle on the index at ``settings.SEARCH_INDEX_DIR``.

    Opened once per process and reopened when a rebuild has swapped in a new
    directory. A missing, corrupt or older-schema index is rebuilt from the
    database (``index_health.check_usable``): inline for a small corpus, else in
    the background while this raises ``IndexRebuilding`` (索引重建中，请稍后再试).
    """
    from iphub.patents import index_health

    path = Path(settings.SEARCH_INDEX_DIR)
    ident = index_health.dir_identity(path)
    with _lock:
        cached = _indexes.get(path)
        if cached is not None and ident is not None and _opened.get(path) == ident:
            return cached
    index_health.check_usable(path)
    with _lock:
        ident = index_health.dir_identity(path)
        if path not in _indexes or ident is None or _opened.get(path) != ident:
            limit = getattr(settings, "SEARCH_FACET_EXACT_LIMIT", 50_000)
            try:
                _indexes[path] = PatentIndex(path, facet_exact_limit=limit)
            except IndexSchemaChanged:
                index_health.start_background_rebuild()
                raise index_health.IndexRebuilding() from None
            _opened[path] = index_health.dir_identity(path)
        return _indexes[path]


def index_in_step() -> bool:
    """Whether the index holds as many documents as the database has patents."""
    return get_index().doc_count() == Patent.objects.count()


# The columns a document is made of, read with ``values()``: hydrating model
# instances (and a prefetch queryset per record) took ~1 ms a record, twice the
# tokenising, and a rebuild's pool of tokenisers waited on this process.
_DOC_COLUMNS = (
    "pk",
    "application_number",
    "publication_number",
    "publication_kind",
    "grant_number",
    "title",
    "abstract",
    "claims",
    "description",
    "applicants",
    "inventors",
    "ipc_codes",
    "app_date",
    "pub_date",
    "grant_date",
    "province_code",
    "city_code",
    "county_code",
    "patent_type",
    "legal_status",
    "extra",
    "grade__band",
    "grade__score",
)


def patent_document(p: Patent) -> dict[str, Any]:
    """The index document for one patent (see ``search.index`` for the schema)."""
    parties = list(p.parties.all())
    grade = _grade_of(p)
    row = {c: getattr(p, c) for c in _DOC_COLUMNS if "__" not in c}
    row["grade__band"], row["grade__score"] = (grade.band, grade.score) if grade else (None, None)
    return _document(
        row,
        [x.name for x in parties if x.role == PartyRole.APPLICANT],
        [x.name for x in parties if x.role == PartyRole.INVENTOR],
    )


def _document(row: dict[str, Any], applicants: list[str], inventors: list[str]) -> dict[str, Any]:
    """The document of one record's columns (``_DOC_COLUMNS``) and its parties' names
    in order; the record's own name lists stand in for parties it has none of."""
    pn = [
        n for n in (row["publication_number"] + row["publication_kind"], row["grant_number"]) if n
    ]
    if row["publication_number"]:
        pn.append(row["publication_number"])
    codes = [c for c in (row["province_code"], row["city_code"], row["county_code"]) if c]
    return {
        "id": row["pk"],
        "an": row["application_number"],
        "pn": list(dict.fromkeys(pn)),
        "title": row["title"],
        "abstract": row["abstract"],
        "claims": row["claims"],
        "description": row["description"],
        "applicants": applicants or list(row["applicants"]),
        "inventors": inventors or list(row["inventors"]),
        "ipc": list(row["ipc_codes"]),
        "app_date": row["app_date"],
        "pub_date": row["pub_date"],
        "grant_date": row["grant_date"],
        "region_codes": list(dict.fromkeys(codes)),
        "city": row["city_code"],
        "type": row["patent_type"],
        "status": row["legal_status"],
        "grade": row["grade__band"] or "",
        "grade_score": row["grade__score"],
        "family": family_key(
            row["extra"] or {}, own_numbers(row["publication_number"], row["application_number"])
        ),
    }


def _grade_of(p: Patent) -> PatentGrade | None:
    """The record's value grade, if it has been graded (issue 20)."""
    try:
        return p.grade
    except PatentGrade.DoesNotExist:
        return None


def _documents(ids: Iterable[int] | None, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """The documents of ``ids`` (every record, in id order, when None), read
    ``chunk`` records at a time with their parties in one query a chunk."""
    qs = Patent.objects.order_by("pk").values(*_DOC_COLUMNS)
    if ids is None:
        last = 0
        while True:
            batch = list(qs.filter(pk__gt=last)[:chunk])
            if not batch:
                return
            yield from _with_parties(batch)
            last = batch[-1]["pk"]
    else:
        id_list = list(ids)
        for start in range(0, len(id_list), chunk):
            yield from _with_parties(list(qs.filter(pk__in=id_list[start : start + chunk])))


def _with_parties(batch: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    if not batch:
        return
    names: dict[tuple[int, str], list[str]] = {}
    parties = (
        PatentParty.objects.filter(patent_id__gte=batch[0]["pk"], patent_id__lte=batch[-1]["pk"])
        .order_by("patent_id", "role", "position")
        .values_list("patent_id", "role", "name")
    )
    if len(batch) < batch[-1]["pk"] - batch[0]["pk"] + 1:
        # Scattered ids (an outbox drain): ask for these, not the whole range.
        parties = parties.filter(patent_id__in=[r["pk"] for r in batch])
    for pid, role, name in parties:
        names.setdefault((pid, role), []).append(name)
    for row in batch:
        yield _document(
            row,
            names.get((row["pk"], PartyRole.APPLICANT), []),
            names.get((row["pk"], PartyRole.INVENTOR), []),
        )


def index_patents(ids: Iterable[int]) -> int:
    """Write the current database state of ``ids`` into the index; gone ids are removed."""
    id_list = list(ids)
    index = get_index()
    n = index.upsert(_documents(id_list))
    existing = set(Patent.objects.filter(pk__in=id_list).values_list("pk", flat=True))
    gone = [i for i in id_list if i not in existing]
    if gone:
        index.delete(gone)
    return n


def index_on_commit(ids: Iterable[int]) -> None:
    """Have ``ids`` re-read into the index: an outbox row each, written in the
    caller's transaction and applied once it commits (``core.outbox``), so a
    process that dies between the commit and the index write loses nothing."""
    outbox_record("patent", ids)


def index_delete_on_commit(ids: Iterable[int]) -> None:
    """Have ``ids`` removed from the index once the deletion commits (the
    applier finds them gone from the database and deletes their documents)."""
    outbox_record("patent", ids)


def reindex_all(progress: Callable[[int, int | None], None] | None = None) -> int:
    """Rebuild the whole index from the database into a fresh directory and swap
    it in (never opening the old one, so a corrupt index is recovered too)."""
    from iphub.patents.index_health import index_rebuild

    return index_rebuild(progress=progress, wait=True) or 0


def matching_ids(
    query: str,
    *,
    among: set[int] | None = None,
    limit: int | None = None,
    order: Literal["relevance", "id"] | str = "relevance",
) -> list[int]:
    """Database ids of every document matching ``query``, best first, or in
    ascending id order with ``order="id"``, or in one of the search's date orders
    (``order="grant_date_desc"`` ..., see ``search.index.DATE_SORTS``).

    ``among`` restricts the match to those ids (a term-set filter inside the
    index, so an alert check after an import does not rank the whole corpus).
    Used by exports and saved-search alerts, which need ids but no snippets,
    and by navigation analyses, which need a set: ``order="id"`` skips BM25
    scoring and reads the id as the sort key itself (with ``limit``, the lowest
    ids are kept, not the best).
    """
    import tantivy

    index = get_index()
    q, _terms = index._compile(query)
    if among is not None:
        if not among:
            return []
        id_filter = tantivy.Query.term_set_query(index.schema, "id", sorted(among))
        q = tantivy.Query.boolean_query([(tantivy.Occur.Must, q), (tantivy.Occur.Must, id_filter)])
    searcher = index._index.searcher()
    # tantivy's stubs omit SearchResult.count, which the runtime object has.
    total = int(getattr(searcher.search(q, 1, count=True), "count", 0) or 0)
    wanted = min(total, limit) if limit else total
    if wanted == 0:
        return []
    if order == "id":
        # Sorting on the id fast field needs no scores and hands back the id as
        # each hit's key: at 400k hits this saves the scoring and the second
        # pass over the fast field below.
        by_id = searcher.search(
            q, wanted, count=False, order_by_field="id", order=tantivy.Order.Asc
        )
        return [int(key) for key, _addr in by_id.hits]
    if order in FIELD_SORTS:
        field_name, descending = FIELD_SORTS[order]
        by_date = searcher.search(
            q,
            wanted,
            count=False,
            order_by_field=field_name,
            order=tantivy.Order.Desc if descending else tantivy.Order.Asc,
        )
        dated = searcher.fast_field_values("id", [addr for _key, addr in by_date.hits])
        return [int(i or 0) for i in dated]
    res = searcher.search(q, wanted, count=False)
    # The id is a fast (columnar) field: reading it for 200k hits takes
    # milliseconds, where loading each hit's stored document (``searcher.doc``)
    # decompresses a docstore block per hit and took seconds.
    ids = searcher.fast_field_values("id", [addr for _score, addr in res.hits])
    return [int(i or 0) for i in ids]


def scored_ids(query: str, *, limit: int) -> list[tuple[int, float]]:
    """The best ``limit`` (database id, BM25 score) pairs for ``query``, best first.

    For callers that rank candidates themselves (matchmaking): no total count,
    so tantivy can skip non-competitive documents (block-max WAND), and no
    stored documents or snippets — ids come from the fast field. Raises
    ``QuerySyntaxError`` for a malformed query.
    """
    index = get_index()
    q, _terms = index._compile(query)
    searcher = index._index.searcher()
    res = searcher.search(q, limit, count=False)
    ids = searcher.fast_field_values("id", [addr for _score, addr in res.hits])
    return [(int(i or 0), float(score)) for i, (score, _addr) in zip(ids, res.hits, strict=True)]
