"""The patent import: stream a file, validate every row, write in batches.

Two modes, the user's choice:

* ``all`` (all-or-nothing): the whole file is written in one transaction. The
  first bad row stops the writing but not the reading, so the report still lists
  every bad row; then the transaction rolls back and nothing is committed.
* ``skip``: good rows are written batch by batch, bad rows are skipped and
  reported.

Either way the report lists each bad row with its line and reason, and unknown
columns are reported rather than silently dropped. Memory stays bounded: rows
are read one at a time and written a batch at a time, so a 1M-row file does not
sit in memory; the report's rows go to its CSV file as they are found (the job
keeps the first ``REPORT_LIMIT``), the written ids are a packed array, and with
``DEBUG`` on Django's query log is emptied after each batch (it would otherwise
hold up to 9,000 statements, each batch's bulk inserts spelled out in full).
bench/import_patents.py measures it.
"""

from __future__ import annotations

import logging
import time
import uuid
from array import array
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from iphub.core.audit import audit_record
from iphub.core.errors import ApplicationError
from iphub.core.exports import SafeCsvWriter
from iphub.core.id_ranges import IdRanges
from iphub.core.permissions import require_roles
from iphub.patents.audit_actions import Action
from iphub.patents.events import patents_imported
from iphub.patents.importers import (
    ImportReport,
    PatentIn,
    RowError,
    UnsupportedFileError,
    map_columns,
    read_file,
    validate_row,
)
from iphub.patents.importers.columns import field_label
from iphub.patents.importers.readers import XLSX_MAX_UNPACKED, detect_format
from iphub.patents.indexing import index_on_commit
from iphub.patents.ipc import get_table
from iphub.patents.models import ImportJob, ImportMode, JobStatus, Patent
from iphub.patents.services import bulk
from iphub.patents.services.import_index import ImportIndex

logger = logging.getLogger(__name__)

REBUILD_MIN_ROWS = 20_000  # IMPORT_REBUILD_MIN_ROWS: see rebuild_index_after
# The index writer's memory during a big load (IMPORT_INDEX_HEAP), in the indexer
# process beside the import's own ~250 MB: the import's budget is 1 GB in all
# (the writer's process holds the tokeniser and mapped segments too); the price
# of a small heap is more segments to merge.
IMPORT_INDEX_HEAP = 250_000_000
# SQLite's page cache for an import's connection, in MB (``_sqlite_import_cache``).
IMPORT_SQLITE_CACHE_MB = 128
# Pages the WAL may grow to before SQLite copies it into the database
# (``_sqlite_import_cache``): the default 1,000 copies the same hot index pages
# back after every few batches.
IMPORT_WAL_PAGES = 50_000
REPORT_LIMIT = 5000  # bad rows kept on the job; the full list goes to a CSV beside it
IMPORT_ROLES = ("window", "supervisor")
MAX_UPLOAD_BYTES = 512 * 1024 * 1024

Progress = Callable[[int, int], None]


class _Rollback(Exception):
    """Raised inside the atomic block to discard an all-or-nothing import."""


def estimate_rows(path: Path) -> int:
    """A cheap row estimate for the progress bar (lines for text, max_row for Excel)."""
    fmt = detect_format(path)
    if fmt == "xlsx":
        from iphub.core.workbooks import EXCEL_MAX_ROWS, open_workbook

        try:
            wb = open_workbook(path, max_unpacked=XLSX_MAX_UNPACKED)
        except ApplicationError:
            return 0  # the reader says why when the import reads it
        try:
            # The declared dimension, which a forged file may inflate.
            return max(0, min(wb.worksheets[0].max_row or 1, EXCEL_MAX_ROWS) - 1)
        finally:
            wb.close()
    count = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            count += block.count(b"\n")
    if fmt == "sql":
        return count
    return max(0, count - (1 if fmt == "csv" else 0))


def _report_json(report: ImportReport) -> dict[str, Any]:
    bad = [
        {
            "line": errs[0].line_no if errs else 0,
            "errors": [{"field": e.field, "message": e.message_zh} for e in errs],
        }
        for errs in report.bad_rows
    ]
    warnings = [
        {"line": w.line_no, "field": w.field, "message": w.message_zh} for w in report.warnings
    ]
    return {
        "bad_rows": bad,
        "bad_rows_truncated": report.bad > REPORT_LIMIT,
        "warnings": warnings,
        "warning_count": report.warning_count,
        "unknown_columns": report.unknown_columns,
    }


def _full_report_open(job: ImportJob) -> IO[str]:
    """The job's full report (every bad row and warning), a CSV beside the uploads."""
    out = Path(settings.VAR_DIR) / "imports" / f"report-{job.pk}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    fh = open(out, "w", newline="", encoding="utf-8-sig")  # noqa: SIM115 - import_job_run closes it
    SafeCsvWriter(fh).writerow(["行号", "字段", "问题", "级别"])
    return fh


def _full_report_sink(fh: IO[str]) -> Callable[[list[RowError]], None]:
    # The messages quote the rejected values, which may read as formulas.
    writer = SafeCsvWriter(fh)

    def sink(errors: list[RowError]) -> None:
        writer.writerows(
            [
                e.line_no,
                field_label(e.field),
                e.message_zh,
                "错误" if e.severity == "error" else "提示",
            ]
            for e in errors
        )

    return sink


def import_job_create(*, actor: Any, path: Path, file_name: str, mode: str) -> ImportJob:
    """Register an import of a stored file; the caller enqueues ``import_job_run``.

    ``actor=None`` is the system itself (the ``iphub import`` command and the demo
    loader, run by whoever has a shell on the server); web users need a staff role.
    The size cap guards the upload page (request size, disk under var/imports); the
    command line has no cap, since the importer streams and a 1M-row export is
    close to 1 GB.
    """
    if actor is not None:
        require_roles(actor, *IMPORT_ROLES)
    if mode not in ImportMode.values:
        raise ApplicationError(
            "请选择导入模式：全部成功才导入，或跳过错误行。", fields={"mode": "请选择导入模式。"}
        )
    try:
        detect_format(path)
    except UnsupportedFileError as exc:
        # Name the file as the user knows it, never the stored copy's internal name.
        msg = f"文件“{file_name}”无法导入：{exc}"
        raise ApplicationError(msg, fields={"file": msg}) from None
    if actor is not None and path.stat().st_size > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            "文件超过 512 MB，请拆分后分批导入。",
            fields={"file": "文件超过 512 MB，请拆分后分批导入。"},
        )
    return ImportJob.objects.create(
        file_name=file_name[:255],
        file_path=str(path),
        mode=mode,
        started_by=actor if actor and actor.is_authenticated else None,
    )


def import_job_upload(*, actor: Any, upload: Any, mode: str) -> ImportJob:
    """Store an uploaded file under var/imports and register its import.

    The file's type is judged by its content in ``import_job_create``; a refused
    file is deleted again, so nothing is left behind.
    """
    suffix = Path(str(upload.name or "")).suffix.lower()[:10]
    target = Path(settings.VAR_DIR) / "imports" / f"{uuid.uuid4().hex}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    try:
        return import_job_create(
            actor=actor, path=target, file_name=str(upload.name or target.name), mode=mode
        )
    except ApplicationError:
        target.unlink(missing_ok=True)
        raise


@dataclass
class _Tally:
    """What has been written so far; kept outside ``_stream`` so that an import
    interrupted mid-way still reports what its committed batches hold."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0  # records the file repeats exactly: left alone
    committed_rows: int = 0  # rows (good and bad) read up to the last committed batch
    committed_line: int = 0  # the file line of the last row in a committed batch


def rebuild_index_after(expected_rows: int) -> bool:
    """Whether an import of ``expected_rows`` builds a new search index beside its
    writes (``import_index``) instead of indexing row by row through the outbox:
    a load of at least ``IMPORT_REBUILD_MIN_ROWS`` (20,000) rows that is at least
    half of the corpus after it. The build tokenises on another core while the
    import writes; the outbox re-reads each written record after the commit."""
    least = int(getattr(settings, "IMPORT_REBUILD_MIN_ROWS", REBUILD_MIN_ROWS))
    return expected_rows >= least and expected_rows >= Patent.objects.count()


def import_job_run(job_id: int, *, progress: Progress | None = None) -> ImportJob:
    """Run a pending import job once (claimed atomically, so two workers never both run it).

    Rows are written in batches by ``bulk.patents_bulk_write``; the job's
    ``processed_rows`` follows each batch. A big load (``rebuild_index_after``)
    has its search index built by another process while it writes
    (``import_index``) and swapped in at the end; the time the import waits for
    it after the last batch is the report's ``index_s``. An import interrupted by
    an error keeps, in skip mode, the batches committed before it (the message
    says up to which line), and their documents; in all-or-nothing mode it
    commits nothing and the build is thrown away, the live index untouched.
    """
    claimed = ImportJob.objects.filter(pk=job_id, claimed_at=None).update(
        claimed_at=timezone.now(), status=JobStatus.RUNNING
    )
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    path = Path(job.file_path)
    report_file = _full_report_open(job)
    tally = _Tally()
    written_ids = array("q")  # 8 bytes an id: a 1M-row import's ids take 8 MB
    all_or_nothing = job.mode == ImportMode.ALL_OR_NOTHING
    rebuild = False
    build: ImportIndex | None = None
    try:
        job.expected_rows = estimate_rows(path)
        job.save(update_fields=["expected_rows"])
        rebuild = rebuild_index_after(job.expected_rows)
        if rebuild:
            build = _index_build_start()
        report = ImportReport(keep=REPORT_LIMIT, sink=_full_report_sink(report_file))

        def stream() -> None:
            _stream(
                job,
                path,
                report,
                progress,
                written_ids,
                tally,
                all_or_nothing=all_or_nothing,
                index=not rebuild,
                build=build,
            )

        try:
            if all_or_nothing:
                with transaction.atomic():
                    stream()
                    if report.bad:
                        raise _Rollback
            else:
                stream()
        except _Rollback:
            tally = _Tally()
            del written_ids[:]
        job.total, job.ok, job.bad = report.total, report.ok, report.bad
        job.processed_rows = report.total
        job.report = _report_json(report)
        job.report["full_report"] = report_file.name
        if all_or_nothing and report.bad:
            job.status = JobStatus.REJECTED
            job.ok = 0
            job.message = (
                f"发现 {report.bad} 行错误，按“全部成功才导入”的选择，本次未导入任何记录。"
            )
        else:
            job.status = JobStatus.DONE
            unchanged = f"，与平台记录相同未改写 {tally.unchanged} 条" if tally.unchanged else ""
            job.message = (
                f"已导入 {tally.created + tally.updated} 条（新增 {tally.created}，"
                f"更新 {tally.updated}）{unchanged}，跳过错误行 {report.bad} 行。"
            )
            job.report["unchanged"] = tally.unchanged
    except Exception as exc:
        job.status = JobStatus.FAILED
        if isinstance(exc, UnsupportedFileError) and not written_ids:
            # The file could not be read (its format, or a broken line before the
            # first write): the reader's message says what and where.
            job.message = str(exc)
        else:
            job.message = _interrupted(exc, tally, all_or_nothing=all_or_nothing)
            if all_or_nothing:
                # The atomic block has rolled back: nothing of this file is in the database.
                tally = _Tally()
                del written_ids[:]
            else:
                job.processed_rows = tally.committed_rows
            job.report = {**(job.report or {}), "stopped_after_line": tally.committed_line}
    except BaseException:
        if build is not None:
            build.discard()  # interrupted (Ctrl-C): nothing half-built is kept
        raise
    finally:
        report_file.close()
    job.created, job.updated = tally.created, tally.updated
    if build is not None:
        # What the database holds is what the index gets: the committed batches
        # (all of them, or in skip mode those before an interruption), or nothing.
        if written_ids:
            _index_build_finish(job, build, written_ids)
        else:
            build.discard()
    elif rebuild and written_ids:
        _index_rebuild(job, written_ids)
    job.finished_at = timezone.now()
    job.save()
    audit_record(
        actor=job.started_by,
        action=Action.PATENT_IMPORT,
        obj=job,
        after={
            "status": job.status,
            "total": job.total,
            "created": job.created,
            "updated": job.updated,
            "bad": job.bad,
            "mode": job.mode,
        },
    )
    if written_ids and (job.created or job.updated):
        # A skip-mode import cut short announces the batches it committed too.
        from iphub.patents.services.searches import saved_search_alerts_check

        saved_search_alerts_check(import_job=job)
        # 蓝天 screening and the navigation snapshot follow the corpus (they subscribe).
        # The ids go out as runs of consecutive ids: a fresh load's million ids are
        # one range, which each receiver reads a chunk at a time (issue 24: as a
        # packed array, receivers copying it into lists and sets, onto the screening
        # run's row and its audit entry took the import from ~280 to ~650 MB).
        patents_imported.send(sender=ImportJob, patent_ids=IdRanges(written_ids), import_job=job)
    return job


def _interrupted(exc: Exception, tally: _Tally, *, all_or_nothing: bool) -> str:
    """The message of an import stopped by an error after it began writing: what
    went wrong, and what of the file is in the database (all-or-nothing: nothing;
    skip mode: the batches committed before it, up to which line)."""
    if all_or_nothing:
        return gettext("导入中断：%(error)s。按“全部成功才导入”的选择，本次未导入任何记录。") % {
            "error": exc
        }
    return gettext(
        "导入中断：%(error)s。已提交 %(done)s 条（至文件第 %(line)s 行），"
        "其后各行未导入；修正后可重新导入整个文件，已导入的记录会更新而不会重复。"
    ) % {"error": exc, "done": tally.created + tally.updated, "line": tally.committed_line}


def _index_build_start() -> ImportIndex | None:
    """The big load's index build, or None (then the index is rebuilt after the
    writes, as it was before the build ran beside them)."""
    heap = int(getattr(settings, "IMPORT_INDEX_HEAP", IMPORT_INDEX_HEAP))
    try:
        return ImportIndex(heap=heap)
    except Exception:
        logger.exception("导入时建索引未能开始，导入完成后改为重建索引。")
        return None


def _index_build_finish(job: ImportJob, build: ImportIndex, written_ids: array[int]) -> None:
    started = time.perf_counter()
    try:
        build.finish()
    except Exception:
        logger.exception("导入时建的索引未能完成（导入任务 %s），改为重建。", job.pk)
        _index_rebuild(job, written_ids)
        return
    job.report = {
        **(job.report or {}),
        "index_s": round(time.perf_counter() - started, 1),
        # Of the writes' time, how much was spent waiting for the index builder.
        "index_wait_s": round(build.waited_s, 1),
    }


def _index_rebuild(job: ImportJob, written_ids: array[int]) -> None:
    """The big load's one pass over the search index. Should the rebuild fail,
    the written records go to the outbox instead, so the follower indexes them
    (slowly) rather than search missing them for good."""
    from iphub.patents.index_health import index_rebuild

    started = time.perf_counter()
    try:
        index_rebuild(
            wait=True, heap=int(getattr(settings, "IMPORT_INDEX_HEAP", IMPORT_INDEX_HEAP))
        )
    except Exception:
        logger.exception("检索索引重建失败，改为逐条补入索引（导入任务 %s）", job.pk)
        for start in range(0, len(written_ids), 50_000):
            with transaction.atomic():
                index_on_commit(written_ids[start : start + 50_000])
    job.report = {**(job.report or {}), "index_s": round(time.perf_counter() - started, 1)}


@dataclass
class _Batch:
    """Validated rows to write, and where the reading stood after the last of them
    (what the writer reports as committed)."""

    rows: list[PatentIn]
    total: int  # rows read so far, good and bad
    line: int  # the file's line of the last row read
    bad: bool  # a bad row read so far


def _validated_batches(
    job: ImportJob, path: Path, report: ImportReport, size: int
) -> Generator[_Batch]:
    """The file's good rows, ``size`` at a time; every row goes into ``report``. The
    last batch (maybe empty) carries the counts of the whole file."""
    table = get_table()
    batch: list[PatentIn] = []
    first = True
    last_line = 0
    for raw in read_file(path):
        if first:
            report.unknown_columns = map_columns(list(raw.source))[1]
            first = False
        patent, errors = validate_row(raw, source_name=job.file_name, table=table)
        report.add(errors, patent is not None)
        last_line = raw.line_no
        if patent is not None:
            batch.append(patent)
        if len(batch) >= size:
            yield _Batch(batch, report.total, last_line, report.bad > 0)
            batch = []
    yield _Batch(batch, report.total, last_line, report.bad > 0)


@contextmanager
def _sqlite_import_cache() -> Iterator[None]:
    """A larger SQLite page cache on this connection for the import's length.

    SQLite's default (2 MB) holds almost none of the index pages a batch's
    inserts touch (the patent table has 11 indexes, parties 5), and its WAL is
    copied into the database every 1,000 pages, the same hot index pages again
    and again. 200k rows (2026-12-07, AMD EPYC, quiet): 145.2 s as it was,
    125.2 s with a 128 MB cache, 112.3 s with the WAL let grow to 50,000 pages
    (~200 MB) too; the import process peaks at ~430 MB, so a 1M load stays
    within its 1 GB beside the index builder (~400 MB). Both are put back after,
    so a long-lived worker's connection does not keep them.
    """
    if connection.vendor != "sqlite":
        yield
        return
    mb = int(getattr(settings, "IMPORT_SQLITE_CACHE_MB", IMPORT_SQLITE_CACHE_MB))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        before_ckpt = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{mb * 1024}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_WAL_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {before_ckpt}")


def _stream(
    job: ImportJob,
    path: Path,
    report: ImportReport,
    progress: Progress | None,
    written_ids: array[int],
    tally: _Tally,
    *,
    all_or_nothing: bool,
    index: bool,
    build: ImportIndex | None = None,
) -> None:
    """Read, validate and write the file batch by batch. In all-or-nothing mode
    (the caller's transaction is open) the first bad row stops the writing but not
    the reading, so the report still lists every bad row; in skip mode each batch
    commits on its own.

    Reading and validating in a thread ahead of the writes was tried (2026-12-07):
    200k rows on SQLite 123.7 s against 125.2 s without it, within noise — the
    GIL is held for most of a batch's write, so it was not kept."""
    last_line = 0

    def flush(batch: _Batch) -> None:
        if not batch.rows:
            return
        if all_or_nothing and batch.bad:
            return
        docs = bulk.BatchDocuments() if build is not None else None
        # Looked up on the module each time (tests make it fail on a given batch).
        if all_or_nothing:
            wrote = bulk.patents_bulk_write(batch.rows, index=index, documents=docs)
        else:
            with transaction.atomic():
                wrote = bulk.patents_bulk_write(batch.rows, index=index, documents=docs)
        if build is not None and docs is not None:
            build.add(docs)  # committed (skip mode) or discarded with the rest (all)
        written_ids.extend(wrote.ids)
        tally.created += wrote.created
        tally.updated += wrote.updated
        tally.unchanged += wrote.unchanged
        tally.committed_rows, tally.committed_line = batch.total, batch.line
        job.processed_rows = batch.total
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=batch.total)
        if progress:
            progress(batch.total, job.expected_rows)
        if settings.DEBUG and not connection.force_debug_cursor:
            # DEBUG (the embedded default) makes Django keep up to 9,000 queries with
            # their parameters spelled out: megabytes a batch, gigabytes an import.
            # (force_debug_cursor: a test is counting queries; leave its log alone.)
            connection.queries_log.clear()

    batches = _validated_batches(job, path, report, bulk.batch_rows())
    with closing(batches), _sqlite_import_cache():
        for batch in batches:
            last_line = batch.line
            flush(batch)
    if not all_or_nothing:
        # Bad rows after the last good one are read, and reported, too.
        tally.committed_rows, tally.committed_line = report.total, last_line
    if progress:
        progress(report.total, max(report.total, job.expected_rows))


def import_file(
    *, actor: Any, path: Path, mode: str = ImportMode.SKIP_BAD, progress: Progress | None = None
) -> ImportJob:
    """Import a file synchronously (the CLI and demo loader use this)."""
    job = import_job_create(actor=actor, path=path, file_name=path.name, mode=mode)
    return import_job_run(job.pk, progress=progress)
