"""The search index of a big load, built beside the import's writes (issue 24).

A load of most of the corpus (``imports.rebuild_index_after``) used to write every
row and then rebuild the index from the database: two passes, one after the
other, the second reading back what the first had just written. Here a process
of its own (``search.builder.IndexBuilder``) indexes each batch's documents — built
from the rows in hand, ``bulk.patents_bulk_write(documents=...)`` — into a fresh
directory beside the live index while the import validates and writes the next
batch; the machine's second core tokenises while the first writes.

The live index is not touched until the import ends:

* ``finish``: the records that were in the database before the import and that
  it did not rewrite are added (read from the database, as a rebuild would),
  the build is committed and swapped in with the outbox position taken at the
  start, so the follower then applies whatever other processes changed meanwhile.
* ``discard`` (an all-or-nothing import rejected or interrupted, which commits
  nothing): the build is stopped and its directory deleted; search keeps the
  index it had.

While the build runs it holds the rebuild lock, as ``index_health.index_rebuild``
does, so no rebuild and no follower write to the index meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from array import array
from pathlib import Path

from iphub.core.outbox import file_lock, lock_path, outbox_position
from iphub.patents.index_health import forget, index_dir, swap_in
from iphub.patents.indexing import _documents
from iphub.patents.models import Patent
from iphub.patents.search.builder import IndexBuilder, IndexBuildFailed
from iphub.patents.services.bulk import BatchDocuments

logger = logging.getLogger(__name__)

_READ_CHUNK = 2000  # documents read back from the database per query (``finish``)


class ImportIndex:
    """One import's index build; ``start`` it before the first batch is written."""

    def __init__(self, *, heap: int) -> None:
        self.path = index_dir()
        self.staging = self.path.parent / f"{self.path.name}.import"
        self._locks = contextlib.ExitStack()
        if not self._locks.enter_context(file_lock(lock_path(self.path, "rebuild"), timeout=3600)):
            raise TimeoutError("检索索引正在重建，导入未能开始建索引。")
        try:
            self._position = outbox_position()
            # The records there before the import: the ones it does not rewrite are
            # read back at the end. Ids above ``_top`` are this import's (or
            # written by someone else meanwhile, which the outbox brings).
            self._before = array("q", Patent.objects.order_by("pk").values_list("pk", flat=True))
            self._top = self._before[-1] if self._before else 0
            self._rewritten: set[int] = set()
            self.failed = False
            shutil.rmtree(self.staging, ignore_errors=True)
            self._builder = IndexBuilder(self.staging, heap=heap)
        except BaseException:
            self._locks.close()
            raise

    def add(self, batch: BatchDocuments) -> None:
        """Index a written (in skip mode: committed) batch."""
        # A record written earlier by this import and again now is replaced; one
        # from before the import is not in the build yet.
        replace = [pid for pid in batch.updated if pid > self._top]
        self._rewritten.update(pid for pid in batch.updated if pid <= self._top)
        if self.failed:
            return
        try:
            self._builder.add(batch.docs, replace=replace)
        except IndexBuildFailed:
            # The import goes on; ``finish`` raises and the caller rebuilds instead.
            logger.exception("导入时建索引的进程失败，导入完成后改为重建索引。")
            self.failed = True

    @property
    def waited_s(self) -> float:
        """How long the import waited for the builder (a full queue): the time the
        index cost the writes."""
        return self._builder.waited_s

    def finish(self) -> int:
        """Add the untouched records, commit, swap in; the documents indexed."""
        try:
            if self.failed:
                raise IndexBuildFailed("the index builder failed during the import")
            rest = [pid for pid in self._before if pid not in self._rewritten]
            for start in range(0, len(rest), _READ_CHUNK):
                self._builder.add(list(_documents(rest[start : start + _READ_CHUNK])))
            n = self._builder.commit()
            self._position.save(self.staging)
            swap_in(self.staging, self.path)
        except BaseException:
            self.discard()
            raise
        self._locks.close()
        forget(self.path)
        logger.info("导入时建成检索索引：%d 条。", n)
        return n

    def discard(self) -> None:
        """Stop the build and delete it; the live index stays as it was."""
        try:
            self._builder.abort()
            shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._locks.close()


def staging_dir() -> Path:
    """Where an import's index is built (tests look for leftovers)."""
    path = index_dir()
    return path.parent / f"{path.name}.import"
