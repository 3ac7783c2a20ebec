"""Saved searches with alerts after imports, and export jobs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from iphub.core.audit import audit_record
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.exports import clean_text, write_atomically
from iphub.core.models import Role
from iphub.core.permissions import require_roles
from iphub.patents.audit_actions import Action
from iphub.patents.models import ExportJob, ImportJob, JobStatus, Patent, SavedSearch, SearchAlert
from iphub.patents.search import QuerySyntaxError, parse

logger = logging.getLogger(__name__)

MAX_SAVED = 50
EXPORT_FORMATS = ("xlsx", "csv")
ALERT_CHUNK = 50_000  # new records matched per index query
ALERT_IDS = 1000  # ids kept on an alert (the lowest, i.e. first imported)


def _check_query(query: str) -> str:
    query = query.strip()
    try:
        parse(query)
    except QuerySyntaxError as exc:
        raise ApplicationError(
            f"检索式有误：{exc}", code="invalid_query", fields={"query": str(exc)}
        ) from None
    return query


@transaction.atomic
def saved_search_create(*, user: Any, name: str, query: str) -> SavedSearch:
    """Save a query for the user; they are alerted when an import adds matches."""
    require_roles(user, *Role.values)
    query = _check_query(query)
    name = name.strip()[:100] or query[:100]
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED:
        raise ApplicationError(f"每个账号最多保存 {MAX_SAVED} 个检索，请先删除不用的。")
    saved = SavedSearch.objects.create(
        user=user, name=name, query=query, last_checked_at=timezone.now()
    )
    audit_record(actor=user, action=Action.SAVED_SEARCH_CREATE, obj=saved, after={"query": query})
    return saved


@transaction.atomic
def saved_search_delete(*, user: Any, saved_search_id: int) -> None:
    saved = SavedSearch.objects.filter(pk=saved_search_id, user=user).first()
    if saved is None:
        raise NotFound("未找到该保存的检索。")
    audit_record(
        actor=user, action=Action.SAVED_SEARCH_DELETE, obj=saved, before={"query": saved.query}
    )
    saved.delete()


def saved_search_alerts_check(*, import_job: ImportJob) -> list[SearchAlert]:
    """After an import, raise one alert per saved search that the import's records
    match: the new ones (``new_count``) and those it changed (``changed_count``: a
    weekly file that brings a record's grant or lapse, a new applicant).

    A changed record is one the platform held before the import whose row was
    rewritten by it (``updated_at`` moved): the bulk path leaves a repeated,
    unchanged record alone, so re-importing the same file alerts nobody. The
    records are read and matched ``ALERT_CHUNK`` ids at a time, so a 1M-row import
    does not hold its million ids (nor a million-term filter).
    """
    from iphub.patents.selectors import patent_ids_matching

    saved_searches = list(SavedSearch.objects.all())
    if not saved_searches:
        return []
    started = import_job.claimed_at or import_job.created_at
    touched = (
        Patent.objects.filter(Q(created_at__gte=started) | Q(updated_at__gte=started))
        .order_by("pk")
        .values_list("pk", "created_at")
    )
    new_counts = dict.fromkeys((s.pk for s in saved_searches), 0)
    changed_counts = dict.fromkeys((s.pk for s in saved_searches), 0)
    new_ids: dict[int, list[int]] = {s.pk: [] for s in saved_searches}
    changed_ids: dict[int, list[int]] = {s.pk: [] for s in saved_searches}
    broken: set[int] = set()
    last = 0
    while rows := list(touched.filter(pk__gt=last)[:ALERT_CHUNK]):
        last = rows[-1][0]
        chunk = {pk for pk, _created in rows}
        fresh = {pk for pk, created in rows if created >= started}
        for saved in saved_searches:
            if saved.pk in broken:
                continue
            try:
                matched = set(patent_ids_matching(saved.query, among=chunk))
            except QuerySyntaxError:
                broken.add(saved.pk)
                continue
            new_counts[saved.pk] += len(matched & fresh)
            changed_counts[saved.pk] += len(matched - fresh)
            kept = new_ids[saved.pk]
            kept.extend(sorted(matched & fresh)[: ALERT_IDS - len(kept)])
            kept = changed_ids[saved.pk]
            kept.extend(sorted(matched - fresh)[: ALERT_IDS - len(kept)])
    if last == 0:
        return []
    alerts: list[SearchAlert] = []
    for saved in saved_searches:
        if saved.pk in broken:
            continue
        if new_counts[saved.pk] or changed_counts[saved.pk]:
            alerts.append(
                SearchAlert.objects.create(
                    saved_search=saved,
                    import_job=import_job,
                    new_count=new_counts[saved.pk],
                    changed_count=changed_counts[saved.pk],
                    patent_ids=(new_ids[saved.pk] + changed_ids[saved.pk])[:ALERT_IDS],
                )
            )
        SavedSearch.objects.filter(pk=saved.pk).update(last_checked_at=timezone.now())
    return alerts


def saved_search_alerts_for_changes(
    *, import_job: ImportJob, patent_ids: Sequence[int]
) -> list[SearchAlert]:
    """After a legal-status change file, raise one alert per saved search that
    matches records the file changed (a pledge on a patent a user watches, a lapse
    in a field they follow), listing those records.

    Unlike :func:`saved_search_alerts_check` the records are not new: they are
    the ones given, matched ``ALERT_CHUNK`` at a time against the index, which
    holds their new status once the change has committed (the outbox drains on
    commit).
    """
    from iphub.patents.selectors import patent_ids_matching

    saved_searches = list(SavedSearch.objects.all())
    ids = sorted(set(patent_ids))
    if not saved_searches or not ids:
        return []
    alerts: list[SearchAlert] = []
    for saved in saved_searches:
        count, kept = 0, list[int]()
        try:
            for start in range(0, len(ids), ALERT_CHUNK):
                matched = patent_ids_matching(
                    saved.query, among=set(ids[start : start + ALERT_CHUNK])
                )
                count += len(matched)
                kept.extend(sorted(matched)[: ALERT_IDS - len(kept)])
        except QuerySyntaxError:
            continue  # a query saved before the syntax changed: nothing to say
        if count:
            alerts.append(
                SearchAlert.objects.create(
                    saved_search=saved,
                    import_job=import_job,
                    new_count=0,
                    changed_count=count,
                    patent_ids=kept,
                )
            )
        SavedSearch.objects.filter(pk=saved.pk).update(last_checked_at=timezone.now())
    return alerts


def search_alert_mark_read(*, user: Any, alert_id: int) -> bool:
    """Mark one of the user's alerts read (opening it reads it, as a mailbox does);
    returns whether it was unread. Nobody else's alert is touched."""
    return bool(
        SearchAlert.objects.filter(pk=alert_id, saved_search__user=user, read=False).update(
            read=True
        )
    )


def export_job_create(*, user: Any, query: str, fmt: str) -> ExportJob:
    """Register an export of a result set; ``export_job_run`` writes the file."""
    require_roles(user, *Role.values)
    if fmt not in EXPORT_FORMATS:
        raise ApplicationError(
            "导出格式只能是 xlsx 或 csv。", fields={"fmt": "请选择 xlsx 或 csv。"}
        )
    # Control characters mean nothing in a query and cannot be stored (NUL on
    # PostgreSQL) or written into a workbook.
    query = clean_text(query)
    query = _check_query(query) if query.strip() else ""
    job = ExportJob.objects.create(user=user, query=query, fmt=fmt)
    audit_record(
        actor=user, action=Action.PATENT_EXPORT, obj=job, after={"query": query, "fmt": fmt}
    )
    return job


def export_job_run(export_id: int) -> ExportJob:
    """Write the export file (claimed atomically; a second run does nothing)."""
    from iphub.patents.exports import write_export

    claimed = ExportJob.objects.filter(pk=export_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING
    )
    job = ExportJob.objects.get(pk=export_id)
    if not claimed:
        return job
    out = Path(settings.VAR_DIR) / "exports" / f"patents-{job.pk}.{job.fmt}"
    try:
        # Written under a temporary name and renamed when complete: a failed
        # export leaves neither a 0-byte nor a truncated file to download.
        with write_atomically(out) as fh:
            job.row_count = write_export(
                fh, query=job.query, fmt=job.fmt, progress=_export_progress(job.pk)
            )
        job.file_path = str(out)
        job.status = JobStatus.DONE
    except Exception as exc:
        logger.exception("patent export %s failed", job.pk)
        job.status = JobStatus.FAILED
        job.row_count = 0
        job.error = _export_failure(exc)
    finally:
        job.finished_at = timezone.now()
        job.save()
    return job


def _export_progress(export_id: int) -> Any:
    """Writes the rows done so far on the job row, for the progress the page polls."""

    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=export_id).update(row_count=rows)

    return progress


def _export_failure(exc: Exception) -> str:
    """What the user reads about a failed export: the cause when it is one they
    can act on, otherwise a plain "try again"."""
    if isinstance(exc, ApplicationError):
        return exc.message[:500]
    if isinstance(exc, OSError):
        return gettext("服务器写入导出文件失败，请稍后重试；仍失败请联系管理员。")
    return gettext("导出失败，请稍后重试；仍失败请联系管理员。")
