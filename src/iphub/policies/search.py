"""The policy library's full-text index: the same engine and Chinese tokenizer as
patent search (tantivy + rjieba, :mod:`iphub.patents.search.tokenize`), in an
index of its own beside the patent index.

Kept in step through the index outbox (:mod:`iphub.core.outbox`): the service
that saves a policy records ``("policy", id)`` in its transaction; the rows are
applied when it commits and by the node's follower, and a search first applies
any row this node has not seen, so a search never misses a saved policy. The
index is derived data: a missing one, or one that fell behind the outbox's
retention, is rebuilt from the database (a library is hundreds of documents:
a second).

Fields: ``id``; ``ti`` (title) and ``tx`` (issuing body, summary, full text) as
jieba search-mode tokens with positions; ``no`` the canonical 文号 and ``no_pfx``
its prefixes, so that ``鄂知发〔2022〕`` finds the office's numbers of that year.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings

from iphub.core.outbox import (
    IndexFollower,
    OutboxState,
    file_lock,
    lock_path,
    outbox_drain,
    outbox_position,
    outbox_record,
    register_follower,
)
from iphub.patents.search.schema import ANALYZER, register_analyzers
from iphub.patents.search.tokenize import index_text, query_tokens
from iphub.policies.numbers import normalise_number

logger = logging.getLogger(__name__)
ENTITY = "policy"
_lock = threading.Lock()
_handles: dict[Path, tuple[tantivy.Index, float]] = {}


def index_dir() -> Path:
    """``POLICY_INDEX_DIR``, or ``<patent index>-policies`` beside the patent index."""
    configured = getattr(settings, "POLICY_INDEX_DIR", None)
    if configured:
        return Path(configured)
    patents = Path(settings.SEARCH_INDEX_DIR)
    return patents.with_name(patents.name + "-policies")


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("ti", tokenizer_name=ANALYZER, index_option="position")
    sb.add_text_field("tx", tokenizer_name=ANALYZER, index_option="position")
    sb.add_text_field("no", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("no_pfx", tokenizer_name="raw", index_option="basic")
    return sb.build()


def document(p: Any) -> str:
    """One policy as the JSON tantivy's ``add_json`` takes."""
    number = normalise_number(p.document_number)
    text = " ".join([p.issuing_body, number, p.summary, p.full_text])
    doc: dict[str, Any] = {"id": int(p.pk), "ti": index_text(p.title), "tx": index_text(text)}
    if number:
        doc["no"] = number
        doc["no_pfx"] = [number[:i] for i in range(2, len(number) + 1)]
    return json.dumps(doc, ensure_ascii=False)


def _open(path: Path) -> tantivy.Index:
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(build_schema(), str(path), reuse=True)
    register_analyzers(index)
    return index


def _handle() -> tantivy.Index:
    path = index_dir()
    # The directory's identity: a rebuild into a fresh directory is opened afresh.
    stamp = float(path.stat().st_ino) if path.exists() else 0.0
    with _lock:
        cached = _handles.get(path)
        if cached is None or cached[1] != stamp:
            _handles[path] = (_open(path), stamp)
        return _handles[path][0]


def _write(apply: Any) -> None:
    path = index_dir()
    with file_lock(lock_path(path, "write"), timeout=60):
        index = _handle()
        writer = index.writer(15_000_000, 1)
        try:
            apply(writer)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        index.reload()


def policy_index_apply(ids: list[int]) -> int:
    """Write the database state of ``ids`` into the index (gone ones are removed)."""
    from iphub.policies.models import Policy

    found = {p.pk: p for p in Policy.objects.filter(pk__in=ids)}

    def apply(w: tantivy.IndexWriter) -> None:
        for i in ids:
            w.delete_documents_by_term("id", int(i))
            if i in found:
                w.add_json(document(found[i]))

    _write(apply)
    return len(found)


def policy_index_rebuild() -> int:
    """Rebuild the index from the database (``manage.py reindex_policies``)."""
    from iphub.policies.models import Policy

    path = index_dir()
    with file_lock(lock_path(path, "outbox"), timeout=120):
        position = outbox_position()
        policies = list(Policy.objects.all())

        def apply(w: tantivy.IndexWriter) -> None:
            w.delete_all_documents()
            for p in policies:
                w.add_json(document(p))

        if not (path / "meta.json").exists():
            shutil.rmtree(path, ignore_errors=True)
        _write(apply)
        position.save(path)
    logger.info("政策库索引已从数据库重建：%d 条。", len(policies))
    return len(policies)


def _ensure() -> bool:
    """Whether the follower may apply rows now: a missing index, or one whose
    position fell behind the outbox's retention, is rebuilt first."""
    path = index_dir()
    state = OutboxState.load(path) if (path / "meta.json").exists() else None
    keep_days = float(getattr(settings, "INDEX_OUTBOX_RETENTION_DAYS", 7))
    if state is None or state.updated < time.time() - (keep_days - 1) * 86400:
        policy_index_rebuild()
    return True


FOLLOWER = IndexFollower(
    name="policies", directory=index_dir, appliers={ENTITY: policy_index_apply}, ensure=_ensure
)
register_follower(FOLLOWER)


def policy_index_on_commit(ids: list[int]) -> None:
    """Inside a service's transaction: the index re-reads these policies after commit."""
    outbox_record(ENTITY, ids)


@dataclass(frozen=True)
class PolicyHit:
    id: int
    score: float


def policy_index_search(text: str, *, limit: int = 200) -> tuple[list[PolicyHit], list[str]]:
    """Policies matching ``text`` (every word, in the title or the text; or the 文号),
    best first, and the words to highlight."""
    outbox_drain(FOLLOWER)  # apply what this node has not seen yet (cheap when nothing)
    index = _handle()
    index.reload()  # commits by other processes of the node
    schema = index.schema
    occ, q = tantivy.Occur, tantivy.Query
    tokens = query_tokens(text)
    clauses = []
    if tokens:
        per_token = [
            q.boolean_query(
                [
                    (occ.Should, q.boost_query(q.term_query(schema, "ti", tok), 3.0)),
                    (occ.Should, q.term_query(schema, "tx", tok)),
                ]
            )
            for tok in tokens
        ]
        clauses.append((occ.Should, q.boolean_query([(occ.Must, t) for t in per_token])))
    number = normalise_number(text)
    if number:
        clauses.append((occ.Should, q.boost_query(q.term_query(schema, "no_pfx", number), 10.0)))
    if not clauses:
        return [], []
    res = index.searcher().search(q.boolean_query(clauses), limit)
    searcher = index.searcher()
    hits = [
        PolicyHit(int(searcher.doc(addr).get_first("id") or 0), float(score))
        for score, addr in res.hits
    ]
    return hits, tokens
