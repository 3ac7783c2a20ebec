"""The trademark index: the same Chinese search as the patents (rjieba search-mode
words in a tantivy index, ``patents.search.tokenize``), in a directory of its own
beside the patent index.

Why a parallel index rather than trademarks inside the patent index: a mark has
five short fields (name, number, Nice classes, owner, type) and none of the
patent's long texts; in one schema every patent query would have to exclude
marks and every facet would count both. The tokenizer, the analyzer and the
outbox machinery are shared, so a word is found the same way in both.

Kept in step the way the patent index is (``core.outbox``): the trademark import
(``patents.services.trademarks``) writes an outbox row per mark in its
transaction; this module registers a follower that applies those rows (upsert,
or delete when the mark is gone). A missing index is built from the database
before the first search or drain (a province's marks are short texts: seconds),
recording the outbox position first so that nothing committed meanwhile is lost.

Query: every field is a form field, not a query language. The name and owner
are split into their finest cover of search-mode words (``query_tokens``) and
all must occur (``楚天光电`` finds 楚天光电科技 but not every mark with 光电);
the registration number, Nice class, type and city are exact terms.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings

from iphub.core.outbox import (
    IndexFollower,
    file_lock,
    lock_path,
    outbox_position,
    register_follower,
)
from iphub.patents.index_health import swap_in
from iphub.patents.models import Trademark
from iphub.patents.search.schema import ANALYZER, register_analyzers
from iphub.patents.search.tokenize import index_text, query_tokens

ENTITY = "trademark"
MAX_WINDOW = 10_000


def index_dir() -> Path:
    """``TRADEMARK_INDEX_DIR``, or ``<patent index>-trademarks`` beside the patent index."""
    configured = getattr(settings, "TRADEMARK_INDEX_DIR", None)
    if configured:
        return Path(configured)
    patents = Path(settings.SEARCH_INDEX_DIR)
    return patents.parent / f"{patents.name}-trademarks"


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("nm", tokenizer_name=ANALYZER, index_option="position")
    sb.add_text_field("ow", tokenizer_name=ANALYZER, index_option="freq")
    for raw in ("nm_raw", "rn", "region"):
        sb.add_text_field(raw, tokenizer_name="raw", index_option="basic")
    for raw_fast in ("type", "city"):
        sb.add_text_field(raw_fast, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("cls", indexed=True, fast=True)
    return sb.build()


def clean_number(number: str) -> str:
    """A registration number as stored: no spaces, upper case (``g123`` -> ``G123``)."""
    return "".join(number.split()).upper()


def trademark_document(mark: Trademark) -> dict[str, Any]:
    """The index document of one mark (JSON for tantivy's ``add_json``)."""
    path = mark.region.path.split("/") if mark.region_id and mark.region else []
    doc: dict[str, Any] = {
        "id": mark.pk,
        "nm": index_text(mark.name),
        "nm_raw": mark.name.strip().lower(),
        "ow": index_text(mark.owner),
        "rn": clean_number(mark.registration_number),
        "cls": [int(c) for c in mark.nice_classes or []],
        "type": mark.mark_type,
        "region": path,
        "city": path[1] if len(path) > 1 else "",
    }
    return {k: v for k, v in doc.items() if v not in ("", [])}


@dataclass(frozen=True)
class TrademarkQuery:
    """What the search form asks: each part optional, all given parts must hold."""

    name: str = ""
    number: str = ""
    nice_class: int | None = None
    owner: str = ""
    mark_type: str = ""
    city: str = ""

    @property
    def empty(self) -> bool:
        return not (
            self.name.strip()
            or self.number.strip()
            or self.nice_class
            or self.owner.strip()
            or self.mark_type
            or self.city
        )


class TrademarkIndex:
    """The tantivy index of trademarks in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(build_schema(), str(self.path), reuse=True)
        register_analyzers(self._index)
        self.schema = self._index.schema
        self._stamp = self._meta_stamp()

    def _meta_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path / "meta.json")
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _searcher(self) -> tantivy.Searcher:
        # Another process's commit is seen by the next search (see patents.search.index).
        stamp = self._meta_stamp()
        if stamp != self._stamp:
            self._stamp = stamp
            self._index.reload()
        return self._index.searcher()

    def write(self, docs: Iterable[dict[str, Any]], *, delete: Iterable[int] = ()) -> int:
        """Replace documents by id and delete ``delete`` in one commit."""
        n = 0
        with file_lock(lock_path(self.path, "write"), timeout=120):
            writer = self._index.writer(32_000_000, 1)
            try:
                for doc in docs:
                    writer.delete_documents_by_term("id", int(doc["id"]))
                    writer.add_json(json.dumps(doc, ensure_ascii=False))
                    n += 1
                for pk in delete:
                    writer.delete_documents_by_term("id", int(pk))
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
        self._index.reload()
        return n

    def doc_count(self) -> int:
        return int(self._searcher().num_docs)

    def _term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _words(self, field: str, text: str) -> list[tantivy.Query] | None:
        """All of ``text``'s words on ``field``; None when it holds no word at all."""
        tokens = query_tokens(text)
        if not tokens:
            return None
        return [self._term(field, t) for t in tokens]

    def compile(self, query: TrademarkQuery) -> tuple[tantivy.Query | None, bool]:
        """The tantivy query (None: nothing can match) and whether it ranks by words."""
        must: list[tantivy.Query] = []
        should: list[tantivy.Query] = []
        ranked = False
        if query.name.strip():
            words = self._words("nm", query.name)
            if words is None:
                return None, False
            must += words
            # The exact name first among the marks that contain its words.
            exact = self._term("nm_raw", query.name.strip().lower())
            should.append(tantivy.Query.boost_query(exact, 5.0))
            ranked = True
        if query.owner.strip():
            words = self._words("ow", query.owner)
            if words is None:
                return None, False
            must += words
            ranked = True
        if query.number.strip():
            must.append(self._term("rn", clean_number(query.number)))
        if query.nice_class:
            must.append(self._term("cls", int(query.nice_class)))
        if query.mark_type:
            must.append(self._term("type", query.mark_type))
        if query.city:
            must.append(self._term("region", query.city))
        if not must:
            must.append(tantivy.Query.all_query())
        clauses = [(tantivy.Occur.Must, q) for q in must]
        clauses += [(tantivy.Occur.Should, q) for q in should]
        return tantivy.Query.boolean_query(clauses), ranked

    def search(self, query: TrademarkQuery, *, offset: int, limit: int) -> tuple[int, list[int]]:
        """(number of matches, the ids of matches ``offset`` .. ``offset + limit``):
        best first when words were asked, else newest record first."""
        compiled, ranked = self.compile(query)
        if compiled is None:
            return 0, []
        if offset + limit > MAX_WINDOW:
            offset = max(0, MAX_WINDOW - limit)
        searcher = self._searcher()
        if ranked:
            res = searcher.search(compiled, limit, count=True, offset=offset)
        else:
            res = searcher.search(
                compiled,
                limit,
                count=True,
                offset=offset,
                order_by_field="id",
                order=tantivy.Order.Desc,
            )
        total = int(getattr(res, "count", 0) or 0)
        ids = searcher.fast_field_values("id", [addr for _key, addr in res.hits])
        return total, [int(i or 0) for i in ids]


# -- the process's handle, building and following ------------------------------------
_lock = threading.Lock()
_handles: dict[Path, tuple[int, TrademarkIndex]] = {}


def _identity(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino if (path / "meta.json").exists() else None
    except OSError:
        return None


def _documents(ids: Iterable[int] | None, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    qs = Trademark.objects.select_related("region").order_by("pk")
    if ids is None:
        last = 0
        while batch := list(qs.filter(pk__gt=last)[:chunk]):
            yield from (trademark_document(t) for t in batch)
            last = batch[-1].pk
        return
    id_list = list(ids)
    for start in range(0, len(id_list), chunk):
        yield from (trademark_document(t) for t in qs.filter(pk__in=id_list[start : start + chunk]))


def rebuild() -> int:
    """Build the index from the database into a fresh directory and swap it in.
    The outbox position is taken before the database is read, so marks committed
    during the build are applied afterwards by the follower (twice is harmless)."""
    path = index_dir()
    with file_lock(lock_path(path, "rebuild"), timeout=600):
        position = outbox_position()
        staging = path.parent / f"{path.name}.rebuild"
        shutil.rmtree(staging, ignore_errors=True)
        fresh = TrademarkIndex(staging)
        n = fresh.write(_documents(None))
        del fresh
        position.save(staging)
        swap_in(staging, path)
    with _lock:
        _handles.pop(path, None)
    return n


def get_index() -> TrademarkIndex:
    """This process's handle on the trademark index, built first if missing."""
    path = index_dir()
    if _identity(path) is None:
        rebuild()
    ident = _identity(path)
    with _lock:
        cached = _handles.get(path)
        if cached is None or cached[0] != ident:
            cached = (ident or 0, TrademarkIndex(path))
            _handles[path] = cached
        return cached[1]


def apply_trademarks(ids: list[int]) -> int:
    """Write the database state of ``ids`` into the index (gone ids are removed)."""
    existing = set(Trademark.objects.filter(pk__in=ids).values_list("pk", flat=True))
    return get_index().write(_documents(sorted(existing)), delete=set(ids) - existing)


def ensure_ready() -> bool:
    """The follower writes only to a built index; a missing one is built first."""
    if _identity(index_dir()) is None:
        rebuild()
    return True


def index_status() -> dict[str, int]:
    """Documents in the index against marks in the database (in step when equal)."""
    return {"indexed": get_index().doc_count(), "records": Trademark.objects.count()}


def register() -> None:
    """Put the trademark index among the outbox's followers (``BrandsConfig.ready``)."""
    register_follower(
        IndexFollower(
            name="trademarks",
            directory=index_dir,
            appliers={ENTITY: apply_trademarks},
            ensure=ensure_ready,
        )
    )
