"""On-disk tantivy index of patents: writes, bulk rebuild and faceted search.

Concurrency: tantivy allows one ``IndexWriter`` per index directory and fails
(``LockBusy``) rather than waits when a second one is opened, from this or any
other process. Django runs several worker processes, so every write here first
takes an exclusive ``fcntl.flock`` on ``<path>/.iphub-write.lock`` (blocking, with
a timeout), then opens a writer, commits and closes it before releasing the lock.
Writers therefore live for one batch only and concurrent writers queue instead
of failing. Readers never lock: each search takes a fresh searcher from the
reader. Tantivy's own watcher reloads it when ``meta.json`` changes, but polls the
file twice a second and on a busy machine lagged a second or more behind another
process's commit (the cross-node drill of issue 19); so every searcher is taken
after a ``stat`` of ``meta.json`` and an explicit reload when it changed (a
commit by the node's follower in another process is seen by the next search).
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tantivy

from .compile import Compiler
from .highlight import highlight
from .nodes import Node
from .query import parse
from .schema import SHARDS, build_schema, register_analyzers, to_json

__all__ = ["DATE_SORTS", "Hit", "IndexSchemaChanged", "PatentIndex", "SearchResult"]

Sort = Literal[
    "relevance",
    "app_date_desc",
    "app_date_asc",
    "pub_date_desc",
    "pub_date_asc",
    "grant_date_desc",
    "grant_date_asc",
    "date_desc",
    "date_asc",
    "grade_desc",
]
# Date orders: (fast field, descending). Records without the date come last in
# either direction (tantivy puts missing values after the present ones), so an
# ungranted application never heads a list sorted by grant date. ``date_desc`` and
# ``date_asc`` are the older names of the application-date orders, kept for links
# and API clients that still send them.
DATE_SORTS: dict[str, tuple[str, bool]] = {
    "app_date_desc": ("app_date", True),
    "app_date_asc": ("app_date", False),
    "pub_date_desc": ("pub_date", True),
    "pub_date_asc": ("pub_date", False),
    "grant_date_desc": ("grant_date", True),
    "grant_date_asc": ("grant_date", False),
    "date_desc": ("app_date", True),
    "date_asc": ("app_date", False),
}
# Every order by a fast field: the dates, and the value grade's score (issue 20).
FIELD_SORTS: dict[str, tuple[str, bool]] = {**DATE_SORTS, "grade_desc": ("grade_score", True)}
FacetValue = str | int

# (facet name, fast field, buckets). Applicants are capped at 10 as the UI shows.
FACETS: list[tuple[str, str, int]] = [
    ("type", "type", 10),
    ("status", "status", 20),
    ("year", "year", 100),
    ("ipc_subclass", "ipc_sub", 20),
    ("city", "city", 30),
    ("applicant", "pa_raw", 10),
    ("grade", "grade", 4),
]
# Indexing memory of a full rebuild, shared by the writer threads. Each thread
# writes a segment whenever its share fills, and searches pay a cost per
# segment; 1 GB is the heap whose 1M build was measured inside the 10-minute
# budget and fits a small server (docs/benchmarks.md, "Search index settings").
REBUILD_HEAP = 1_000_000_000
# Deep pagination costs a top-(offset+limit) heap in Rust; beyond this the user
# should refine the query rather than page.
MAX_RESULT_WINDOW = 100_000
# Above this many matches facets are counted on a hash sample of about this many
# documents and scaled up: exact facets over most of a 1M corpus are what made
# broad queries slow (docs/benchmarks.md); the page labels those counts 约.
FACET_EXACT_LIMIT = 50_000
# Broad queries: the facets of the first SPECULATIVE_BUCKETS of the SHARDS hash
# buckets (1/8 of the matches) are counted on a second thread while the search
# counts the matches, and kept when that sample holds at least a quarter of
# FACET_EXACT_LIMIT documents. tantivy releases the GIL, so on two cores a broad
# query costs about max(search, facets) instead of their sum; below the threshold
# the speculative result is dropped and the facets counted as before.
SPECULATIVE_BUCKETS = 8
_speculation: ThreadPoolExecutor | None = None


def _speculation_pool() -> ThreadPoolExecutor:
    global _speculation
    if _speculation is None:
        _speculation = ThreadPoolExecutor(
            max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="iphub-facets"
        )
    return _speculation


def _forget_pool_after_fork() -> None:
    # A forked worker (gunicorn with --preload, multiprocessing "fork") inherits
    # the pool object but none of its threads: work submitted to it would wait
    # forever. The child starts a pool of its own on first use.
    global _speculation
    _speculation = None


os.register_at_fork(after_in_child=_forget_pool_after_fork)


class IndexSchemaChanged(Exception):
    """The directory holds an index written with an older schema; rebuild it."""


@dataclass(frozen=True)
class Hit:
    """One result: database id, score (0.0 when sorted by date) and HTML snippets."""

    id: int
    score: float
    title_html: str
    abstract_html: str
    # With ``collapse``: how many records of this hit's simple family matched (1 alone).
    family_hits: int = 1


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, the total match count and facet counts over all matches."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[FacetValue, int]]] = field(default_factory=dict)
    page: int = 1
    page_size: int = 20
    # Share of the matches the facets were counted on: 1.0 exact, below it the
    # counts are scaled estimates.
    facet_sample: float = 1.0
    # With ``collapse``: records folded into a family's first hit among those
    # examined, and whether every match was examined (else the figure is a floor).
    collapsed: int = 0
    collapsed_exact: bool = True


def _count(res: tantivy.SearchResult) -> int:
    # The bundled type stub omits SearchResult.count, which exists at runtime.
    return int(getattr(res, "count", 0) or 0)


def _json_batch(batch: list[dict[str, Any]]) -> list[str]:
    return [to_json(d) for d in batch]


def _chunks(docs: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class PatentIndex:
    """A tantivy patent index stored in directory ``path`` (created if missing)."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = 120.0,
        facet_exact_limit: int = FACET_EXACT_LIMIT,
    ) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.lock_timeout = lock_timeout
        self.facet_exact_limit = facet_exact_limit
        try:
            self._index = tantivy.Index(build_schema(), str(self.path), reuse=True)
        except ValueError as exc:
            if "schema does not match" in str(exc):
                raise IndexSchemaChanged(str(self.path)) from exc
            raise
        register_analyzers(self._index)
        self.schema = self._index.schema
        self._meta_seen = self._meta_stamp()

    def _meta_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path / "meta.json")
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _searcher(self) -> tantivy.Searcher:
        """A searcher that sees every commit made so far, by any process."""
        stamp = self._meta_stamp()
        if stamp != self._meta_seen:
            # Read the stamp before reloading: a commit landing during the reload
            # changes it again and is picked up by the next search.
            self._meta_seen = stamp
            self._index.reload()
        return self._index.searcher()

    # -- writing -----------------------------------------------------------------
    @contextmanager
    def _writer(self, heap: int = 64_000_000, threads: int = 1) -> Iterator[tantivy.IndexWriter]:
        with open(self.path / ".iphub-write.lock", "a+") as lock:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"index {self.path} is busy (write lock)") from None
                    time.sleep(0.05)
            try:
                writer = self._index.writer(heap, threads)
                try:
                    yield writer
                    writer.commit()
                    writer.wait_merging_threads()
                except BaseException:
                    writer.rollback()
                    raise
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        self._index.reload()

    def upsert(self, docs: Iterable[dict[str, Any]]) -> int:
        """Replace (or add) documents by ``id`` in one commit; returns how many."""
        n = 0
        with self._writer() as w:
            for d in docs:
                w.delete_documents_by_term("id", int(d["id"]))
                w.add_json(to_json(d))
                n += 1
        return n

    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by database id (missing ids are ignored)."""
        with self._writer() as w:
            for i in ids:
                w.delete_documents_by_term("id", int(i))

    def rebuild(
        self,
        docs: Iterable[dict[str, Any]],
        total: int | None = None,
        progress: Callable[[int, int | None], None] | None = None,
        *,
        workers: int | None = None,
        heap: int = REBUILD_HEAP,
        batch_size: int = 256,
    ) -> int:
        """Replace the whole index with ``docs`` in a single commit.

        jieba segmentation dominates the cost, so it runs in a process pool
        (``workers``, default all cores) while this process builds documents and
        tantivy's writer threads index them. Searches see the old index until the
        final commit. Returns the number of documents indexed. Workers use the
        ``spawn`` start method, so a calling script needs the usual
        ``if __name__ == "__main__":`` guard (manage.py and pytest have one).
        """
        if workers is None:
            workers = os.cpu_count() or 1
        n = 0
        with self._writer(heap=heap, threads=max(1, min(workers, 4))) as w:
            w.delete_all_documents()
            for prepared in self._prepared(docs, workers, batch_size):
                for js in prepared:
                    w.add_json(js)
                n += len(prepared)
                if progress is not None:
                    progress(n, total)
        return n

    def _prepared(
        self, docs: Iterable[dict[str, Any]], workers: int, batch_size: int
    ) -> Iterator[list[str]]:
        if workers <= 1:
            for batch in _chunks(docs, batch_size):
                yield _json_batch(batch)
            return
        # spawn, not fork: the caller may be a threaded Django process. A bounded
        # window of in-flight batches keeps memory flat for million-doc streams
        # (Pool.imap would read the whole input ahead).
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(workers) as pool:
            pending: deque[Any] = deque()
            for batch in _chunks(docs, batch_size):
                pending.append(pool.apply_async(_json_batch, (batch,)))
                if len(pending) >= workers * 4:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()

    # -- reading -----------------------------------------------------------------
    def doc_count(self) -> int:
        """Number of live documents."""
        return int(self._searcher().num_docs)

    def count(self, query: str | Node) -> int:
        """Number of documents matching ``query`` (string or parsed AST)."""
        q, _ = self._compile(query)
        return _count(self._searcher().search(q, 1, count=True))

    def _compile(self, query: str | Node) -> tuple[tantivy.Query, list[str]]:
        node = parse(query) if isinstance(query, str) else query
        compiler = Compiler(self.schema)
        return compiler.compile(node), compiler.highlight

    def search(
        self,
        query: str | Node,
        *,
        sort: Sort = "relevance",
        page: int = 1,
        page_size: int = 20,
        facets: bool = True,
        collapse: bool = False,
    ) -> SearchResult:
        """Run ``query``; raises ``QuerySyntaxError`` for malformed strings.

        ``collapse`` shows one result per simple family (the best-ranked member,
        with the number of members that matched): the top hits up to a window
        of a few pages beyond the requested one are grouped by the ``family``
        fast field, so pages far down a broad result may still repeat a family.

        Pagination collects the top ``page * page_size`` (a bounded heap in Rust,
        scores or date fast-field values only) and loads stored fields for the
        requested page alone, so page 1,000 costs milliseconds, not a scan of
        stored documents.
        """
        if page < 1 or page_size < 1:
            raise ValueError("page and page_size must be positive")
        offset = (page - 1) * page_size
        if offset + page_size > MAX_RESULT_WINDOW:
            raise ValueError(f"results beyond {MAX_RESULT_WINDOW} are not served; refine the query")
        q, terms = self._compile(query)
        searcher = self._searcher()
        speculative: Future[Any] | None = None
        if facets and searcher.num_docs >= self._speculation_threshold():
            # Only the Rust call runs on the other thread; its result is read
            # here, after the search, so the two threads do not take turns on
            # the GIL (a Python thread waiting for it stalls up to the 5 ms
            # switch interval, which cost ~10 ms a query when both did Python).
            speculative = _speculation_pool().submit(
                searcher.aggregate, *self._facet_request(q, SPECULATIVE_BUCKETS)
            )
        collect, skip = (page_size, offset)
        if collapse:
            collect, skip = (min(MAX_RESULT_WINDOW, (offset + page_size) * 4 + 200), 0)
        if sort == "relevance":
            res = searcher.search(q, collect, count=True, offset=skip)
        elif sort in FIELD_SORTS:
            field_name, descending = FIELD_SORTS[sort]
            order = tantivy.Order.Desc if descending else tantivy.Order.Asc
            res = searcher.search(
                q, collect, count=True, offset=skip, order_by_field=field_name, order=order
            )
        else:
            raise ValueError(f"unknown sort order {sort!r}")
        total = _count(res)
        # Collected even when it is not used, so an error on the other thread
        # surfaces here instead of vanishing.
        guessed = speculative.result() if speculative is not None else None
        facet_counts: dict[str, list[tuple[FacetValue, int]]] = {}
        sample = 1.0
        if guessed is not None and total >= self._speculation_threshold():
            facet_counts = self._facet_counts(guessed, SPECULATIVE_BUCKETS)
            sample = SPECULATIVE_BUCKETS / SHARDS
        elif facets and total:
            facet_counts, sample = self._facets(searcher, q, total)
        chosen: list[tuple[Any, Any, int]] = [(key, addr, 1) for key, addr in res.hits]
        folded = 0
        if collapse:
            chosen, folded = self._collapse(searcher, res.hits)
            chosen = chosen[offset : offset + page_size]
        hits = []
        for key, addr, members in chosen:
            stored = searcher.doc(addr)
            title = bytes(stored.get_first("title_st") or b"").decode()
            abstract = bytes(stored.get_first("abstract_st") or b"").decode()
            hits.append(
                Hit(
                    id=int(stored.get_first("id") or 0),
                    score=float(key) if sort == "relevance" else 0.0,
                    title_html=highlight(title, terms),
                    abstract_html=highlight(abstract, terms, fragment=200),
                    family_hits=members,
                )
            )
        if collapse:
            exact = len(res.hits) >= total
            return SearchResult(total, hits, facet_counts, page, page_size, sample, folded, exact)
        return SearchResult(total, hits, facet_counts, page, page_size, sample)

    @staticmethod
    def _collapse(
        searcher: tantivy.Searcher, hits: list[tuple[Any, Any]]
    ) -> tuple[list[tuple[Any, Any, int]], int]:
        """The hits with each simple family's later members folded into its first,
        and how many were folded."""
        families = searcher.fast_field_values("family", [addr for _key, addr in hits])
        first: dict[int | float, int] = {}
        out: list[list[Any]] = []
        for (key, addr), fam in zip(hits, families, strict=True):
            if fam and fam in first:
                out[first[fam]][2] += 1
                continue
            if fam:
                first[fam] = len(out)
            out.append([key, addr, 1])
        return [(k, a, n) for k, a, n in out], len(hits) - len(out)

    def _speculation_threshold(self) -> int:
        """Matches from which the speculative sample (SPECULATIVE_BUCKETS of SHARDS)
        holds at least a quarter of ``facet_exact_limit`` documents."""
        return self.facet_exact_limit * SHARDS // (SPECULATIVE_BUCKETS * 4)

    def _facets(
        self, searcher: tantivy.Searcher, q: tantivy.Query, total: int
    ) -> tuple[dict[str, list[tuple[FacetValue, int]]], float]:
        """Facet counts over the matches of ``q`` and the share they were counted on.

        Large result sets are aggregated on the first ``k`` of ``SHARDS`` hash
        buckets (a fast-field range on ``shard``, intersected with the query) and
        the counts multiplied by ``SHARDS / k``; small ones are counted exactly.
        """
        buckets_used = SHARDS
        if total > self.facet_exact_limit:
            buckets_used = max(1, min(SHARDS, -(-SHARDS * self.facet_exact_limit // total)))
        raw = searcher.aggregate(*self._facet_request(q, buckets_used))
        return self._facet_counts(raw, buckets_used), buckets_used / SHARDS

    def _facet_request(self, q: tantivy.Query, buckets_used: int) -> tuple[tantivy.Query, Any]:
        """The aggregation (query, spec) of the facets over the matches of ``q`` in
        the first ``buckets_used`` hash buckets."""
        if buckets_used < SHARDS:
            in_sample = tantivy.Query.range_query(
                self.schema, "shard", tantivy.FieldType.Integer, 0, buckets_used - 1
            )
            q = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, q), (tantivy.Occur.Must, in_sample)]
            )
        return q, {name: {"terms": {"field": f, "size": size}} for name, f, size in FACETS}

    @staticmethod
    def _facet_counts(raw: Any, buckets_used: int) -> dict[str, list[tuple[FacetValue, int]]]:
        """The buckets of an aggregation result, scaled by ``SHARDS / buckets_used``."""
        if isinstance(raw, str):  # some builds return JSON text
            raw = json.loads(raw)
        scale = SHARDS / buckets_used
        out: dict[str, list[tuple[FacetValue, int]]] = {}
        for name, _, _ in FACETS:
            buckets = raw.get(name, {}).get("buckets", [])
            out[name] = [(b["key"], round(int(b["doc_count"]) * scale)) for b in buckets]
        out["year"] = sorted(
            ((int(k), c) for k, c in out["year"]), key=lambda kc: kc[0], reverse=True
        )
        return out
