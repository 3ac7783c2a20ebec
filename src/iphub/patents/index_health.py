"""The patent index's health: a missing or broken index is seen, rebuilt from
the database in the background, and search says so meanwhile.

What is checked, and when:

* **At start** (the first ``get_index`` of a process, and the node's follower on
  its first round): the directory must hold ``meta.json`` and open in tantivy,
  which checks every segment file's footer — a deleted directory, a corrupted
  ``meta.json`` and a truncated segment are all caught here. An index of an
  older schema counts as broken too (it is derived data).
* **On an error**: a search that raises ``ValueError``/``OSError`` (tantivy's
  errors) while the index no longer opens (``index_broken_after``), and every
  follower round (``ensure_writable``: the directory is still there).

A broken index is rebuilt by ``index_rebuild`` into a fresh directory beside the
live one, which is swapped in when complete (so ``manage.py reindex`` recovers
from any corruption: it never opens the broken index). The rebuild holds a lock
file beside the index; any process of the node that finds the index broken and
that lock free starts the rebuild in a background thread (a rebuilder killed
mid-way frees the lock, and the next process to look takes over). Until the new
index is in place, search raises ``IndexRebuilding``: HTTP 503 with
``Retry-After`` on the API, a page saying 索引重建中，请稍后再试 on the web — not a
500, and not a silent empty result. A healthy index being rebuilt (``reindex``)
keeps serving until the swap.

An empty index is created silently only when the database holds no patents
(a fresh install); otherwise a missing index is rebuilt. A small corpus (up to
``INDEX_SYNC_REBUILD_LIMIT`` patents, 2,000) is rebuilt inline before answering,
which takes a second or two; a province's million records take minutes, in the
background.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connections

from iphub.core.errors import ApplicationError
from iphub.core.outbox import (
    IndexFollower,
    file_lock,
    lock_path,
    outbox_position,
    register_follower,
)
from iphub.patents.models import Patent
from iphub.patents.search.schema import build_schema

logger = logging.getLogger(__name__)

REBUILDING_MESSAGE = "索引重建中，请稍后再试"
RETRY_AFTER_SECONDS = 30


class IndexRebuilding(ApplicationError):
    """Search cannot answer: the index is being rebuilt from the database."""

    status = 503
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self) -> None:
        super().__init__(
            f"{REBUILDING_MESSAGE}（检索索引正在从数据库重建，完成后自动恢复）。",
            code="index_rebuilding",
        )


def index_dir() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def rebuild_running(path: Path | None = None) -> bool:
    """Whether a process of this node is rebuilding the index now."""
    with file_lock(lock_path(path or index_dir(), "rebuild"), timeout=None) as free:
        return not free


def index_problem(path: Path | None = None) -> str | None:
    """What is wrong with the index on disk: "missing", "schema" (an older
    layout), "corrupt", or None when it opens (every segment's footer checked)."""
    path = path or index_dir()
    if not (path / "meta.json").exists():
        return "missing"
    try:
        tantivy.Index(build_schema(), str(path), reuse=True)
    except ValueError as exc:
        return "schema" if "schema does not match" in str(exc) else "corrupt"
    except OSError:
        return "corrupt"
    return None


def dir_identity(path: Path) -> tuple[int, int] | None:
    """Identifies the directory now at ``path`` (a rebuild swaps in a new one)."""
    try:
        st = os.stat(path / "meta.json")
        return (os.stat(path).st_ino, st.st_dev)
    except OSError:
        return None


def sync_rebuild_limit() -> int:
    """Up to this many patents a broken index is rebuilt inline, before answering
    (seconds of work); above it in the background while search says so."""
    return int(getattr(settings, "INDEX_SYNC_REBUILD_LIMIT", 2000))


def check_usable(path: Path) -> None:
    """Return when the index at ``path`` opens (or may be created empty: no
    patents yet, a fresh install). Otherwise rebuild it: inline for a small
    corpus, else in the background, raising ``IndexRebuilding`` meanwhile."""
    problem = index_problem(path)
    if problem is None:
        return
    if rebuild_running(path):
        raise IndexRebuilding()
    count = Patent.objects.count()
    if problem == "missing" and count == 0:
        create_empty(path)
        return
    logger.warning("检索索引 %s 不可用（%s），从数据库重建（%d 条）。", path, problem, count)
    if count <= sync_rebuild_limit():
        index_rebuild(wait=True)
        return
    start_background_rebuild()
    raise IndexRebuilding()


def create_empty(path: Path) -> None:
    """A fresh install's empty index, following the outbox from its current end."""
    from iphub.patents.search import PatentIndex

    with file_lock(lock_path(path, "outbox"), timeout=60):
        if (path / "meta.json").exists():
            return
        PatentIndex(path)
        outbox_position().save(path)


def index_broken_after(exc: BaseException) -> bool:
    """After a search raised ``exc``: whether the index is broken (and is now
    being rebuilt), so the request should answer 索引重建中 instead of 500."""
    if isinstance(exc, IndexRebuilding):
        return True
    if not isinstance(exc, ValueError | OSError):
        return False
    path = index_dir()
    if rebuild_running(path):
        return True
    if index_problem(path) is None:
        return False
    logger.warning("检索出错（%s），索引已损坏：从数据库重建。", exc)
    forget(path)
    try:
        check_usable(path)
    except IndexRebuilding:
        return True
    return True


def forget(path: Path) -> None:
    """Drop this process's handle on the index at ``path`` (reopened on next use)."""
    from iphub.patents import indexing

    with indexing._lock:
        indexing._indexes.pop(path, None)


# -- rebuilding ----------------------------------------------------------------------
def swap_in(staging: Path, path: Path) -> None:
    """Put a freshly built index directory in the place of the live one: under the
    outbox lock (no follower writes meanwhile), two renames, then the old copy is
    removed. Readers holding the old directory keep reading it until they reopen."""
    with file_lock(lock_path(path, "outbox"), timeout=600):
        old = None
        if path.exists():
            old = path.parent / f"{path.name}.old-{os.getpid()}-{int(time.time())}"
            os.rename(path, old)
        os.rename(staging, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def index_rebuild(
    *,
    progress: Callable[[int, int | None], None] | None = None,
    wait: bool = True,
    heap: int | None = None,
) -> int | None:
    """Rebuild the index from the database into a fresh directory and swap it in.

    ``heap`` is the writer's indexing memory (``search.index.REBUILD_HEAP`` when
    None); a bulk import passes a smaller one to stay within its memory budget.

    Returns the number of patents indexed, or None when ``wait`` is False and
    another process is already rebuilding. The outbox position is taken before
    the database is read, so changes committed during the build are applied
    after the swap by the follower (applying one twice is harmless).
    """
    from iphub.patents.indexing import _documents
    from iphub.patents.search import PatentIndex

    path = index_dir()
    with file_lock(lock_path(path, "rebuild"), timeout=3600 if wait else None) as got:
        if not got:
            return None
        position = outbox_position()
        staging = path.parent / f"{path.name}.rebuild"
        shutil.rmtree(staging, ignore_errors=True)
        limit = getattr(settings, "SEARCH_FACET_EXACT_LIMIT", 50_000)
        fresh = PatentIndex(staging, facet_exact_limit=limit)
        total = Patent.objects.count()
        # A small corpus is faster in this process than through a process pool.
        workers = 1 if total <= 20_000 else None
        fresh.rebuild(
            _documents(None),
            total=total,
            progress=progress,
            workers=workers,
            **({"heap": heap} if heap else {}),
        )
        del fresh
        position.save(staging)
        swap_in(staging, path)
    forget(path)
    logger.info("检索索引已从数据库重建：%d 条。", total)
    return total


_rebuild_thread: threading.Thread | None = None


def start_background_rebuild() -> None:
    """Rebuild in a thread of this process unless one is running (here or in
    another process of the node)."""
    global _rebuild_thread
    if _rebuild_thread is not None and _rebuild_thread.is_alive():
        return
    if rebuild_running():
        return

    def run() -> None:
        try:
            index_rebuild(wait=False)
        except Exception:
            logger.exception("background index rebuild failed")
        finally:
            connections.close_all()

    _rebuild_thread = threading.Thread(target=run, name="iphub-index-rebuild", daemon=True)
    _rebuild_thread.start()


def wait_for_rebuild(timeout: float = 120.0) -> bool:
    """Wait for this process's background rebuild (tests, commands)."""
    thread = _rebuild_thread
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


# -- following the outbox --------------------------------------------------------------
def ensure_writable() -> bool:
    """Whether the follower may write to the index now. A missing directory
    (deleted while running) starts a rebuild; an empty database gets an empty
    index. Cheap: a stat and a lock probe, as it runs on every drain."""
    path = index_dir()
    if rebuild_running(path):
        return False
    if (path / "meta.json").exists():
        return True
    try:
        check_usable(path)
    except IndexRebuilding:
        return False
    return (path / "meta.json").exists()


def create_if_fresh(entity: str, ids: list[int]) -> None:
    """Before the first patents of a fresh install are recorded: create the empty
    index (following the outbox from here), so that the import is applied as it
    commits instead of found missing and rebuilt. Only when no other patent
    exists: a missing index of a populated database is rebuilt."""
    path = index_dir()
    if (path / "meta.json").exists() or rebuild_running(path):
        return
    if Patent.objects.exclude(pk__in=ids).exists():
        return
    create_empty(path)


def startup_check() -> None:
    """At a process's start: open the index with every footer checked; a broken
    one starts its rebuild (search then answers 索引重建中 until it is done)."""
    with contextlib.suppress(IndexRebuilding):
        check_usable(index_dir())


def index_status() -> dict[str, object]:
    """The index as an operator sees it: "ok", "rebuilding" or what is wrong,
    and how many outbox rows it has not applied yet (its lag)."""
    from iphub.core.outbox import outbox_pending

    path = index_dir()
    state = "rebuilding" if rebuild_running(path) else index_problem(path) or "ok"
    follower = IndexFollower(name="patents", directory=index_dir, appliers={}, ensure=lambda: True)
    return {"state": state, "pending": outbox_pending(follower) if state == "ok" else None}


def _apply_patents(ids: list[int]) -> object:
    from iphub.patents.indexing import index_patents

    return index_patents(ids)


register_follower(
    IndexFollower(
        name="patents",
        directory=index_dir,
        appliers={"patent": _apply_patents},
        ensure=ensure_writable,
        before_record=create_if_fresh,
        startup_check=startup_check,
    )
)
