"""Legal-status change files (法律状态变更, issue 24): events appended to records the
platform holds, their status recomputed, only the touched records refreshed.

A change file lists 申请号, 事件日期, 事件类型 (授权, 权利终止, 转让, 质押, 许可, 无效 ...)
and is applied as an increment:

* every row is validated (``importers.legal_events``) and its application looked up;
  an application the platform does not hold is a row error, as a malformed number is;
* the same two modes as the patent import: ``all`` writes the whole file in one
  transaction and rolls it back if any row is bad (the report still lists every
  bad row), ``skip`` writes the good rows batch by batch and reports the bad ones;
* an event is appended once: a row whose (record, kind, date) is already in the
  history, whatever wrote it (an earlier run of the file, a pledge registered on
  the platform), is counted as already recorded and changes nothing, so a re-run
  of the same file appends nothing, rewrites nothing, indexes nothing;
* a record that gained a decisive event (授权, an ending) gets its status
  recomputed from its dated history (``legal_status.record_status``: the events
  after its last imported row's date replayed over that row's 法律状态), an
  audit entry when it changed, and an outbox row so the index rereads it;
  transfers, pledges and licences change no status but move the value grade, so
  every touched record is regraded in the background (the regrade reindexes the
  records whose grade moved);
* saved searches matching the touched records raise alerts once it is done.

The job is an ``ImportJob`` whose report says ``"kind": "legal_status"``: the
import page shows its progress and report like any import. bench/import_updates.py
measures it (50k events on a 1M corpus).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from iphub.core.audit import audit_entry, audit_record, audit_record_all
from iphub.patents.audit_actions import Action
from iphub.patents.importers import ImportReport, RowError, UnsupportedFileError, read_file
from iphub.patents.importers.legal_events import (
    LegalEventIn,
    map_event_columns,
    missing_event_columns,
    validate_event_row,
)
from iphub.patents.indexing import index_on_commit
from iphub.patents.legal_status import DECISIVE_KINDS, EventFact, record_status
from iphub.patents.models import (
    CHANGE_FILE_SOURCE,
    ImportJob,
    ImportMode,
    JobStatus,
    LegalEvent,
    LegalEventKind,
    Patent,
)

# The patent import's job handling, shared: the same checks on the file, the same
# progress estimate, the same report (on the job and in full as a CSV beside it).
from iphub.patents.services.imports import (
    REPORT_LIMIT,
    Progress,
    _full_report_open,
    _full_report_sink,
    _report_json,
    estimate_rows,
    import_job_create,
    import_job_upload,
)

BATCH = 2000
STATUS_CHANGES_KEPT = 200  # (number, before, after) kept on the job for its page
JOB_KIND = "legal_status"  # ImportJob.report["kind"] of a change file's job
_SQL_CHUNK = 900  # ids per IN list: under SQLite's bound-parameter limit


class _Rollback(Exception):
    """Raised inside the atomic block to discard an all-or-nothing run."""


@dataclass
class _Tally:
    """What a run did, for the job's message and report."""

    appended: int = 0
    already: int = 0  # rows whose event the history already had
    status_changed: int = 0
    touched: array[int] = field(default_factory=lambda: array("q"))
    # The first STATUS_CHANGES_KEPT: [application number, status before, after].
    status_changes: list[list[str]] = field(default_factory=list)


def is_change_file_job(job: ImportJob) -> bool:
    """Whether ``job`` applies a legal-status change file (not a patent import)."""
    return (job.report or {}).get("kind") == JOB_KIND


def legal_status_job_create(*, actor: Any, path: Path, file_name: str, mode: str) -> ImportJob:
    """Register a change file's run; the caller enqueues ``legal_status_job_run``.
    Who may, which modes and files, as for a patent import (``import_job_create``)."""
    job = import_job_create(actor=actor, path=path, file_name=file_name, mode=mode)
    job.report = {"kind": JOB_KIND}
    job.save(update_fields=["report"])
    return job


def legal_status_job_upload(*, actor: Any, upload: Any, mode: str) -> ImportJob:
    """Store an uploaded change file under var/imports and register its run."""
    job = import_job_upload(actor=actor, upload=upload, mode=mode)
    job.report = {"kind": JOB_KIND}
    job.save(update_fields=["report"])
    return job


def legal_status_file_apply(
    *, actor: Any, path: Path, mode: str = ImportMode.SKIP_BAD, progress: Progress | None = None
) -> ImportJob:
    """Apply a change file synchronously (the ``import_updates`` command uses this)."""
    job = legal_status_job_create(actor=actor, path=path, file_name=path.name, mode=mode)
    return legal_status_job_run(job.pk, progress=progress)


def legal_status_job_run(job_id: int, *, progress: Progress | None = None) -> ImportJob:
    """Run a pending change-file job once (claimed atomically, as imports are)."""
    claimed = ImportJob.objects.filter(pk=job_id, claimed_at=None).update(
        claimed_at=timezone.now(), status=JobStatus.RUNNING
    )
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    path = Path(job.file_path)
    report_file = _full_report_open(job)
    tally = _Tally()
    report = ImportReport(keep=REPORT_LIMIT, sink=_full_report_sink(report_file))
    try:
        job.expected_rows = estimate_rows(path)
        job.save(update_fields=["expected_rows"])
        try:
            if job.mode == ImportMode.ALL_OR_NOTHING:
                with transaction.atomic():
                    _stream(job, path, report, tally, progress, stop_writing_on_error=True)
                    if report.bad:
                        raise _Rollback
            else:
                _stream(job, path, report, tally, progress, stop_writing_on_error=False)
        except _Rollback:
            tally = _Tally()
        job.total, job.ok, job.bad = report.total, report.ok, report.bad
        job.processed_rows = report.total
        if job.mode == ImportMode.ALL_OR_NOTHING and report.bad:
            job.status, job.ok = JobStatus.REJECTED, 0
            job.message = (
                f"发现 {report.bad} 行错误，按“全部成功才导入”的选择，本次未追加任何事件。"
                "请按下方错误行修改后重新上传。"
            )
        else:
            job.status = JobStatus.DONE
            job.message = _done_message(tally, report.bad)
        # created/updated, as the import list shows them: events appended, records
        # whose legal status changed.
        job.created, job.updated = tally.appended, tally.status_changed
    except UnsupportedFileError as exc:
        job.status, job.message = JobStatus.FAILED, exc.message
    except Exception as exc:
        job.status, job.message = JobStatus.FAILED, f"导入中断：{exc}"[:500]
    finally:
        report_file.close()
    touched = sorted(set(tally.touched))
    job.report = {
        **_report_json(report),
        "kind": JOB_KIND,
        "full_report": report_file.name,
        "appended": tally.appended,
        "already_recorded": tally.already,
        "status_changed": tally.status_changed,
        "records_touched": len(touched),
        "status_changes": tally.status_changes,
        "status_changes_truncated": tally.status_changed > len(tally.status_changes),
    }
    job.finished_at = timezone.now()
    job.save()
    audit_record(
        actor=job.started_by,
        action=Action.PATENT_IMPORT,
        obj=job,
        after={
            "kind": JOB_KIND,
            "status": job.status,
            "total": job.total,
            "appended": tally.appended,
            "status_changed": tally.status_changed,
            "bad": job.bad,
            "mode": job.mode,
        },
    )
    if job.status == JobStatus.DONE and touched:
        from iphub.patents.services.searches import saved_search_alerts_for_changes

        saved_search_alerts_for_changes(import_job=job, patent_ids=touched)
    return job


def _done_message(tally: _Tally, bad: int) -> str:
    records = len(set(tally.touched))
    text = (
        f"已追加 {tally.appended} 条法律状态事件，涉及 {records} 件专利，"
        f"其中 {tally.status_changed} 件法律状态改变"
    )
    if tally.already:
        text += f"；{tally.already} 条事件此前已记录，未重复追加"
    return text + f"；跳过错误行 {bad} 行。"


def _stream(
    job: ImportJob,
    path: Path,
    report: ImportReport,
    tally: _Tally,
    progress: Progress | None,
    *,
    stop_writing_on_error: bool,
) -> None:
    """Read, validate and apply the file a batch at a time."""
    batch: list[tuple[int, LegalEventIn | None, list[RowError]]] = []
    first = True

    def flush() -> None:
        if not batch:
            return
        events = _check_known(batch)
        for (_line, _event, errors), known in zip(batch, events, strict=True):
            report.add(errors, known is not None)
        good = [e for e in events if e is not None]
        if good and not (stop_writing_on_error and report.bad):
            if stop_writing_on_error:
                _apply(good, actor=job.started_by, tally=tally)
            else:
                with transaction.atomic():
                    _apply(good, actor=job.started_by, tally=tally)
        batch.clear()
        job.processed_rows = report.total
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=report.total)
        if progress:
            progress(report.total, job.expected_rows)
        if settings.DEBUG and not connection.force_debug_cursor:
            # DEBUG keeps every query with its parameters: megabytes a batch (see
            # services.imports).
            connection.queries_log.clear()

    for raw in read_file(path):
        if first:
            headers = list(raw.source)
            missing = missing_event_columns(headers)
            if missing:
                raise UnsupportedFileError(
                    f"文件缺少列：{'、'.join(missing)}。法律状态变更文件应有 申请号、事件日期、"
                    "事件类型（或 法律状态）三列，可另加 说明 列。"
                )
            report.unknown_columns = map_event_columns(headers)[1]
            first = False
        event, errors = validate_event_row(raw)
        batch.append((raw.line_no, event, errors))
        if len(batch) >= BATCH:
            flush()
    flush()
    if progress:
        progress(report.total, max(report.total, job.expected_rows))


def _check_known(
    batch: list[tuple[int, LegalEventIn | None, list[RowError]]],
) -> list[tuple[LegalEventIn, int] | None]:
    """Each row's (event, patent id), or ``None`` for a bad row; an application the
    platform does not hold becomes that row's error (appended to its list)."""
    numbers = sorted({e.application_number for _l, e, _errs in batch if e is not None})
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), _SQL_CHUNK):
        chunk = numbers[start : start + _SQL_CHUNK]
        # Read highest id first so that the lowest id is the one kept: a number
        # held twice (never by the import, whose natural key is the number)
        # resolves to the same record every time.
        for number, pk in (
            Patent.objects.filter(application_number__in=chunk)
            .order_by("-pk")
            .values_list("application_number", "pk")
        ):
            ids[number] = pk
    out: list[tuple[LegalEventIn, int] | None] = []
    for line, event, errors in batch:
        if event is None:
            out.append(None)
        elif event.application_number not in ids:
            errors.append(
                RowError(
                    line,
                    "application_number",
                    f"平台中没有申请号为 {event.application_number} 的专利：请核对申请号，"
                    "或先导入该专利的著录项目再导入其法律状态变更",
                )
            )
            out.append(None)
        else:
            out.append((event, ids[event.application_number]))
    return out


def _history(pids: list[int]) -> dict[int, list[EventFact]]:
    """The recorded events of ``pids`` (kind, date, detail, source), by record."""
    out: dict[int, list[EventFact]] = defaultdict(list)
    for start in range(0, len(pids), _SQL_CHUNK):
        rows = LegalEvent.objects.filter(patent_id__in=pids[start : start + _SQL_CHUNK])
        for pid, kind, date, detail, source in rows.values_list(
            "patent_id", "kind", "date", "detail", "source"
        ):
            out[pid].append(EventFact(kind, date, detail, source))
    return out


def _apply(events: list[tuple[LegalEventIn, int]], *, actor: Any, tally: _Tally) -> None:
    """Append a batch's new events, recompute the status of records that gained a
    decisive one, and order the refreshes (audit, outbox, regrade)."""
    pids = sorted({pid for _e, pid in events})
    history = _history(pids)
    seen = {(pid, f.kind, f.date) for pid, facts in history.items() for f in facts}
    new: list[LegalEvent] = []
    decisive: set[int] = set()
    for event, pid in events:
        key = (pid, event.kind, event.date)
        if key in seen:
            tally.already += 1
            continue
        seen.add(key)
        new.append(
            LegalEvent(
                patent_id=pid,
                kind=event.kind,
                date=event.date,
                detail=event.detail,
                source=CHANGE_FILE_SOURCE,
            )
        )
        history[pid].append(EventFact(event.kind, event.date, event.detail, CHANGE_FILE_SOURCE))
        if event.kind in DECISIVE_KINDS:
            decisive.add(pid)
    if not new:
        return
    # ignore_conflicts: a second worker applying the same file at this moment has
    # appended these already (the partial unique constraint); nothing is doubled.
    LegalEvent.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    touched = sorted({e.patent_id for e in new})
    tally.appended += len(new)
    tally.touched.extend(touched)
    changed = _status_recompute(sorted(decisive), history, actor=actor, tally=tally)
    tally.status_changed += len(changed)
    # The index holds the status and the grant date, not the events: only records
    # whose status changed are reread now; the regrade reindexes those whose grade
    # moved (a pledge or a licence moves the grade, not the status).
    index_on_commit(changed)
    _regrade_on_commit(touched)


def _status_recompute(
    pids: list[int], history: dict[int, list[EventFact]], *, actor: Any, tally: _Tally
) -> list[int]:
    """Write the status each record's history now implies; returns the records
    whose status (or, with a first grant, grant date) changed, and keeps the first
    few changes on ``tally`` for the job's report."""
    if not pids:
        return []
    rows: list[tuple[int, str, str, dt.date | None, dict]] = []
    for start in range(0, len(pids), _SQL_CHUNK):
        rows += Patent.objects.filter(pk__in=pids[start : start + _SQL_CHUNK]).values_list(
            "pk", "application_number", "legal_status", "grant_date", "extra"
        )
    now = timezone.now()
    updates: list[tuple[Any, ...]] = []
    entries = []
    for pid, number, current, grant_date, extra in rows:
        facts = history.get(pid, [])
        status = record_status(facts, current, extra)[:100]
        granted = grant_date
        if granted is None:
            # The first grant's date fills an empty 授权公告日 (the grade and the
            # high-value count read it).
            grants = [f.date for f in facts if f.kind == LegalEventKind.GRANTED and f.date]
            granted = min(grants) if grants else None
        if status == current and granted == grant_date:
            continue
        updates.append((status, granted, now, pid))
        if status != current and len(tally.status_changes) < STATUS_CHANGES_KEPT:
            tally.status_changes.append([number, current, status])
        entries.append(
            audit_entry(
                actor=actor,
                action=Action.PATENT_STATUS_CHANGE,
                object_type="patents.patent",
                object_id=str(pid),
                object_repr=number,
                before={"legal_status": current, "grant_date": grant_date},
                after={"legal_status": status, "grant_date": granted},
            )
        )
    if updates:
        params = [
            (
                s,
                connection.ops.adapt_datefield_value(g),
                connection.ops.adapt_datetimefield_value(n),
                pid,
            )
            for s, g, n, pid in updates
        ]
        # One prepared UPDATE per row, sent together: the ORM's bulk_update spends
        # longer compiling its CASE expression than the database takes to run it.
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {Patent._meta.db_table} SET legal_status = %s, grant_date = %s, "
                "updated_at = %s WHERE id = %s",
                params,
            )
        audit_record_all(entries)
    return [u[3] for u in updates]


def _regrade_on_commit(ids: Iterable[int]) -> None:
    # Background, after the commit: the value grade reads the events just written.
    from iphub.patents.intelligence.grading import grade_refresh_on_commit

    grade_refresh_on_commit(ids)
