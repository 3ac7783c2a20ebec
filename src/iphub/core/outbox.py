"""The index outbox: every change the search index must hear of, kept in the
database with the change, applied to each node's index by its follower.

**Why an outbox.** Services used to update the index after their transaction
committed, in the same process; a process killed between the commit and the
index write lost the change for good (the record was in the database, search
never found it). Now a service writes an ``IndexOutbox`` row (entity, id) in the
same transaction as the change (``outbox_record``, in bulk for imports), so the
change and the order to index it commit together or not at all.

**Why each node follows the outbox itself (and not one search node).** Search
reads a tantivy index from local disk in the web process, in milliseconds; one
search node answering the others would put a network hop and a new service in
every search, and one node's failure would take search down everywhere. The
outbox is a log every node reads: each index directory carries its own
position (``outbox-state.json`` beside the index files), so a node that was
down catches up when it comes back, and a new node rebuilds from the database
and follows from there. On a node, web processes and the worker share one index
directory: file locks make one of them the follower (``follow_forever``) and
serialise every drain, wherever it runs.

**Exactly once, in effect.** A row names the record, not its content: applying
it reads the record's current state (upsert, or delete when it is gone). The
position is saved after the index commit; a crash between the two makes the
next drain apply the same rows again, which writes the same documents over
themselves (the index deletes by id before adding), so every change is in the
index once and nothing is lost. Rows of transactions that commit out of id order
(PostgreSQL hands out ids at insert, not at commit) are not skipped: ids passed
over are remembered as gaps and looked for again until they appear or
``GAP_KEEP_SECONDS`` pass (a rolled-back transaction leaves a gap for ever).

Rows are pruned after ``INDEX_OUTBOX_RETENTION_DAYS`` (a scheduled duty); a node
whose position is older than that rebuilds its index from the database.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Max, Q
from django.utils import timezone

from iphub.core.models import IndexOutbox

logger = logging.getLogger(__name__)

STATE_FILE = "outbox-state.json"
GAP_KEEP_SECONDS = 24 * 3600
# Gaps remembered at most (the oldest are given up first).
MAX_GAPS = 500
DRAIN_BATCH = 5000


@dataclass
class OutboxState:
    """Where one index stands in the outbox: every row with id <= ``cursor`` has
    been applied, except the ids in ``gaps`` ([low, high, first seen epoch])."""

    cursor: int = 0
    gaps: list[list[float]] = field(default_factory=list)
    updated: float = 0.0

    @classmethod
    def load(cls, directory: Path) -> OutboxState | None:
        try:
            data = json.loads((directory / STATE_FILE).read_text())
            return cls(int(data["cursor"]), [list(g) for g in data["gaps"]], float(data["updated"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, directory: Path) -> None:
        """Write the state atomically (a crash leaves the old or the new file)."""
        self.updated = time.time()
        tmp = directory / f".{STATE_FILE}.tmp"
        with open(tmp, "w") as fh:
            json.dump({"cursor": self.cursor, "gaps": self.gaps, "updated": self.updated}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / STATE_FILE)


@dataclass(frozen=True)
class IndexFollower:
    """One index kept in step with the outbox: its directory, how to apply the
    rows of each entity it holds, and whether it can take writes now (not while
    it is missing, broken or being rebuilt: ``ensure`` then starts the rebuild)."""

    name: str
    directory: Callable[[], Path]
    appliers: dict[str, Callable[[list[int]], object]]
    ensure: Callable[[], bool]
    # Called before rows are recorded (a fresh install creates its empty index
    # here, so that the first import is applied row by row, not rebuilt).
    before_record: Callable[[str, list[int]], None] | None = None
    # A thorough check run once per process by its first follower round (at
    # start): a broken index is found before the first search meets it.
    startup_check: Callable[[], None] | None = None


_FOLLOWERS: dict[str, IndexFollower] = {}
# Import paths of the modules that register followers (core knows no app).
FOLLOWER_MODULES = ["iphub.patents.index_health"]


def register_follower(follower: IndexFollower) -> None:
    _FOLLOWERS[follower.name] = follower


def followers() -> list[IndexFollower]:
    from importlib import import_module

    for module in FOLLOWER_MODULES:
        import_module(module)
    return list(_FOLLOWERS.values())


# -- writing -------------------------------------------------------------------------
def outbox_record(entity: str, ids: Iterable[int]) -> int:
    """Record that the index must re-read these records, inside the caller's
    transaction, and drain the outbox once it commits (the follower catches up
    if this process dies first). One multi-row INSERT per 5,000 ids."""
    rows = [IndexOutbox(entity=entity, object_id=int(i)) for i in dict.fromkeys(ids)]
    if not rows:
        return 0
    for follower in followers():
        if follower.before_record is not None and entity in follower.appliers:
            follower.before_record(entity, [r.object_id for r in rows])
    IndexOutbox.objects.bulk_create(rows, batch_size=5000)
    if getattr(settings, "INDEX_DRAIN_ON_COMMIT", True):
        transaction.on_commit(outbox_drain_all)
    return len(rows)


# -- applying ------------------------------------------------------------------------
def lock_path(directory: Path, kind: str) -> Path:
    """Lock files live beside the index directory, which a rebuild replaces."""
    return directory.parent / f".{directory.name}.{kind}.lock"


@contextmanager
def file_lock(path: Path, *, timeout: float | None = 60.0) -> Iterator[bool]:
    """An exclusive ``flock`` on ``path``; yields False if not had within
    ``timeout`` (None: try once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        deadline = time.monotonic() + (timeout or 0)
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if timeout is None or time.monotonic() > deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def outbox_position(*, window: int = 100_000) -> OutboxState:
    """The state of an index built from the database now: the cursor at the
    highest id, and the ids missing among the last ``window`` as gaps (rows of
    transactions still open, which the build may not have seen)."""
    top = IndexOutbox.objects.aggregate(m=Max("id"))["m"] or 0
    present = IndexOutbox.objects.filter(id__gt=max(0, top - window)).values_list("id", flat=True)
    now = time.time()
    gaps: list[list[float]] = []
    expected = max(0, top - window) + 1
    for i in sorted(present):
        if i > expected:
            gaps.append([expected, i - 1, now])
        expected = i + 1
    return OutboxState(cursor=top, gaps=gaps[-MAX_GAPS:], updated=now)


def _after_index_write() -> None:
    """A point between the index commit and saving the position (tests crash here)."""


def _split_gaps(gaps: list[list[float]], seen: list[int]) -> list[list[float]]:
    """The gaps with the ``seen`` ids taken out."""
    out: list[list[float]] = []
    seen_sorted = sorted(seen)
    for lo, hi, since in gaps:
        start = int(lo)
        for i in seen_sorted:
            if i < lo or i > hi:
                continue
            if i > start:
                out.append([start, i - 1, since])
            start = i + 1
        if start <= hi:
            out.append([start, int(hi), since])
    return out


def outbox_drain(follower: IndexFollower, *, limit: int = DRAIN_BATCH) -> int:
    """Apply the outbox rows this follower's index has not seen, at most
    ``limit``; returns how many rows were read. Serialised per index by a lock."""
    if not follower.ensure():
        return 0
    directory = follower.directory()
    with file_lock(lock_path(directory, "outbox"), timeout=120) as locked:
        if not locked or not (directory / "meta.json").exists():
            return 0
        state = OutboxState.load(directory)
        if state is None:
            # An index from before the outbox (or restored without its state): it
            # was built from the database; follow from here.
            outbox_position().save(directory)
            return 0
        keep_days = float(getattr(settings, "INDEX_OUTBOX_RETENTION_DAYS", 7))
        if state.updated < time.time() - (keep_days - 1) * 86400:
            logger.warning("检索索引 %s 落后超过保留期，需从数据库重建。", directory)
            return 0
        cond = Q(id__gt=state.cursor)
        for lo, hi, _since in state.gaps:
            cond |= Q(id__gte=int(lo), id__lte=int(hi))
        rows = list(
            IndexOutbox.objects.filter(cond)
            .order_by("id")
            .values_list("id", "entity", "object_id")[:limit]
        )
        if not rows:
            return 0
        by_entity: dict[str, dict[int, None]] = {}
        for _id, entity, object_id in rows:
            by_entity.setdefault(entity, {})[object_id] = None
        for entity, ids in by_entity.items():
            apply = follower.appliers.get(entity)
            if apply is not None:
                apply(list(ids))
        _after_index_write()
        now = time.time()
        in_gaps = [r[0] for r in rows if r[0] <= state.cursor]
        above = [r[0] for r in rows if r[0] > state.cursor]
        gaps = _split_gaps(state.gaps, in_gaps)
        if above:
            # An index that started on an empty outbox (cursor 0) has no gap below
            # the first row it sees: the ids before it were used by rows pruned or
            # deleted before it existed.
            expected = state.cursor + 1 if state.cursor else above[0]
            for i in above:
                if i > expected:
                    gaps.append([expected, i - 1, now])
                expected = i + 1
            state.cursor = above[-1]
        expired = [g for g in gaps if g[2] < now - GAP_KEEP_SECONDS]
        if expired:
            logger.warning(
                "索引待办中 %d 段编号超过 %d 秒未出现，不再等待。", len(expired), GAP_KEEP_SECONDS
            )
        state.gaps = [g for g in gaps if g[2] >= now - GAP_KEEP_SECONDS][-MAX_GAPS:]
        state.save(directory)
        return len(rows)


def outbox_drain_all() -> int:
    """Drain every follower until nothing is left (after a commit, and by the follower)."""
    total = 0
    for follower in followers():
        while True:
            n = outbox_drain(follower)
            total += n
            if n < DRAIN_BATCH:
                break
    return total


def outbox_pending(follower: IndexFollower) -> int:
    """Rows the follower's index has not applied yet (the index lag)."""
    state = OutboxState.load(follower.directory())
    if state is None:
        return 0
    return IndexOutbox.objects.filter(id__gt=state.cursor).count()


_checked_in: set[tuple[int, str]] = set()


def outbox_follow_once() -> int:
    """One round of following: each index checked (thoroughly on the process's
    first round; a missing or broken one is rebuilt) and drained."""
    try:
        for follower in followers():
            key = (os.getpid(), follower.name)
            if follower.startup_check is not None and key not in _checked_in:
                _checked_in.add(key)
                follower.startup_check()
        return outbox_drain_all()
    except Exception:
        logger.exception("index follower round failed")
        return 0


_follower_thread: threading.Thread | None = None
_follower_pid = 0


def follow_forever(stop: threading.Event | None = None) -> None:
    """Be this node's follower while this process holds the node's follower
    lock (other processes wait for it and take over if this one dies)."""
    every = float(getattr(settings, "INDEX_FOLLOW_SECONDS", 1.0))
    stop = stop or threading.Event()
    directory = Path(settings.SEARCH_INDEX_DIR)
    while not stop.is_set():
        with file_lock(lock_path(directory, "follower"), timeout=None) as leader:
            while leader and not stop.is_set():
                close_old_connections()
                outbox_follow_once()
                stop.wait(every)
        close_old_connections()
        stop.wait(5.0)


def start_follower() -> None:
    """Start this process's follower thread once (web processes call it on their
    first request; forked processes start their own)."""
    global _follower_thread, _follower_pid
    if not getattr(settings, "INDEX_FOLLOWER_ENABLED", True):
        return
    if _follower_pid == os.getpid() and _follower_thread is not None:
        return
    _follower_pid = os.getpid()
    _follower_thread = threading.Thread(
        target=follow_forever, name="iphub-index-follower", daemon=True
    )
    _follower_thread.start()


class IndexFollowerMiddleware:
    """Starts the web process's index follower on its first request (after any
    fork, so each gunicorn worker may take the node's follower lock)."""

    def __init__(self, get_response: Callable[..., object]) -> None:
        self.get_response = get_response

    def __call__(self, request: object) -> object:
        if _follower_pid != os.getpid():
            start_follower()
        return self.get_response(request)


def outbox_prune(*, now: dt.datetime | None = None) -> int:
    """Delete outbox rows older than the retention (``INDEX_OUTBOX_RETENTION_DAYS``)."""
    days = float(getattr(settings, "INDEX_OUTBOX_RETENTION_DAYS", 7))
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = IndexOutbox.objects.filter(created_at__lt=cutoff).delete()
    return deleted
