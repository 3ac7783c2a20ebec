"""An index built in a process of its own while the caller produces its documents.

A big import writes rows on one core in Python; tokenising (jieba) and tantivy's
indexing are the other half of the work. ``IndexBuilder`` starts one process
(``spawn``: the caller is a Django process with open connections and threads)
that owns a tantivy writer on a fresh directory; the caller hands it batches of
documents through a bounded queue (so memory stays flat: at most ``depth``
batches wait) and goes on with its next batch while this one is tokenised.

Nothing is visible until ``commit``; ``abort`` (or the caller's death) leaves an
uncommitted directory that the caller deletes. Pure Python, no Django: the child
imports only the search package.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["IndexBuildFailed", "IndexBuilder"]

# How long the child waits for a message before checking that its parent lives.
_POLL_S = 2.0


class IndexBuildFailed(RuntimeError):
    """The builder process failed or died; the directory it wrote is not usable."""


class _Abort(Exception):
    pass


def _build(
    path: str, heap: int, threads: int, inbox: Any, outbox: Any, parent: int
) -> None:  # pragma: no cover - runs in the child process (coverage of spawn children is off)
    from .index import PatentIndex
    from .schema import to_json

    n = 0
    try:
        index = PatentIndex(Path(path))
        with index._writer(heap=heap, threads=threads) as w:
            while True:
                try:
                    msg = inbox.get(timeout=_POLL_S)
                except queue.Empty:
                    if os.getppid() != parent:
                        raise _Abort from None  # the importer died: commit nothing
                    continue
                if msg[0] == "docs":
                    for pid in msg[1]:
                        w.delete_documents_by_term("id", int(pid))
                    for doc in msg[2]:
                        w.add_json(to_json(doc))
                    n += len(msg[2])
                elif msg[0] == "commit":
                    break  # the writer commits and waits for its merges on leaving
                else:
                    raise _Abort
        outbox.put(("ok", n))
    except _Abort:
        outbox.put(("aborted", n))
    except BaseException as exc:
        outbox.put(("error", f"{type(exc).__name__}: {exc}"))


class IndexBuilder:
    """A tantivy index at ``path`` (new or empty) filled by a child process.

    ``heap`` is the writer's memory (one segment is written whenever it fills),
    ``threads`` tantivy's indexing threads beside the child's tokenising one.
    """

    def __init__(self, path: Path, *, heap: int, threads: int = 1, depth: int = 2) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._inbox = ctx.Queue(maxsize=depth)
        self._outbox = ctx.Queue()
        self._proc = ctx.Process(
            target=_build,
            args=(str(path), heap, threads, self._inbox, self._outbox, os.getpid()),
            name="iphub-index-builder",
            daemon=True,
        )
        self._proc.start()
        self._closed = False
        self.sent = 0
        self.waited_s = 0.0  # time the caller spent blocked on a full queue

    def add(self, docs: list[dict[str, Any]], *, replace: Iterable[int] = ()) -> None:
        """Queue ``docs`` for indexing, after removing the documents of ``replace``
        (ids indexed earlier in this build). Blocks while the queue is full."""
        self._put(("docs", list(replace), docs))
        self.sent += len(docs)

    def commit(self, timeout: float = 3600.0) -> int:
        """Commit everything queued and wait for it; the number of documents indexed."""
        self._put(("commit",))
        status, value = self._result(timeout)
        if status != "ok":
            raise IndexBuildFailed(str(value))
        return int(value)

    def abort(self) -> None:
        """Stop without committing (the directory is left for the caller to delete)."""
        if self._proc.is_alive():
            try:
                self._inbox.put(("abort",), timeout=5)
                self._proc.join(30)
            except (queue.Full, OSError, ValueError):
                pass
        if self._proc.is_alive():
            self._proc.kill()
        self._close()

    def _put(self, msg: tuple[Any, ...]) -> None:
        started = time.perf_counter()
        try:
            self._put_waiting(msg)
        finally:
            self.waited_s += time.perf_counter() - started

    def _put_waiting(self, msg: tuple[Any, ...]) -> None:
        while True:
            if not self._proc.is_alive():
                status, value = self._result(1.0)
                raise IndexBuildFailed(f"the index builder stopped ({status}: {value})")
            try:
                self._inbox.put(msg, timeout=_POLL_S)
                return
            except queue.Full:
                continue

    def _result(self, timeout: float) -> tuple[str, Any]:
        try:
            status, value = self._outbox.get(timeout=timeout)
        except queue.Empty:
            status, value = "error", f"no answer (exit code {self._proc.exitcode})"
        self._proc.join(30)
        if self._proc.is_alive():
            self._proc.kill()
        self._close()
        return status, value

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._proc.join(5)
        for q in (self._inbox, self._outbox):
            q.close()
            q.cancel_join_thread()
