"""Writes to patent records: upsert from validated rows, legal events, a change of
owner (assignment), deletion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from iphub.core.audit import audit_record
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.inserts import RowInserter
from iphub.core.models import Region
from iphub.core.permissions import require_roles
from iphub.patents.addresses import resolve_addresses
from iphub.patents.audit_actions import Action
from iphub.patents.importers import PatentIn
from iphub.patents.indexing import index_delete_on_commit, index_on_commit
from iphub.patents.models import (
    LegalEvent,
    LegalEventKind,
    PartyRole,
    Patent,
    PatentParty,
    RegionStatus,
)
from iphub.patents.names import applicant_key, clean_person

EDIT_ROLES = ("window", "supervisor")
# Appended on every registration, licence and transfer: INSERT built once.
_EVENT_ROWS = RowInserter(LegalEvent)

# Columns that can be most of a record and that no single-record write here reads.
_LONG_TEXT = ("abstract", "claims", "description", "citations")

_FIELDS = (
    "application_number",
    "patent_type",
    "title",
    "abstract",
    "claims",
    "description",
    "applicants",
    "inventors",
    "address",
    "province_code",
    "city_code",
    "county_code",
    "region_id",
    "region_status",
    "ipc_main",
    "ipc_codes",
    "app_date",
    "pub_date",
    "grant_date",
    "publication_number",
    "publication_kind",
    "grant_number",
    "priority",
    "legal_status",
    "agency",
    "agent",
    "source",
    "source_id",
    "extra",
)


def _hubei_region_ids() -> set[str]:
    return set(Region.objects.values_list("code", flat=True))


def _values(p: PatentIn, resolved: Any, regions: set[str]) -> dict[str, Any]:
    region_id = None
    if resolved.province_code == "420000":
        for code in (resolved.county_code, resolved.city_code, "420000"):
            if code and code in regions:
                region_id = code
                break
    if resolved.resolved:
        status = RegionStatus.RESOLVED
    elif p.address or p.province_code_hint:
        status = RegionStatus.UNRESOLVED
    else:
        status = RegionStatus.MISSING
    claims = p.claims or p.first_claim
    return {
        "application_number": p.application_number,
        "patent_type": p.type,
        "title": p.title[:500],
        "abstract": p.abstract,
        "claims": claims,
        "description": p.description,
        "applicants": list(p.applicants),
        "inventors": list(p.inventors),
        "address": p.address[:300],
        "province_code": resolved.province_code,
        "city_code": resolved.city_code,
        "county_code": resolved.county_code,
        "region_id": region_id,
        "region_status": status,
        "ipc_main": p.ipc[0] if p.ipc else "",
        "ipc_codes": list(p.ipc),
        "app_date": p.app_date,
        "pub_date": p.pub_date,
        "grant_date": p.grant_date,
        "publication_number": p.publication_number,
        "publication_kind": p.kind,
        "grant_number": p.grant_number,
        "priority": p.priority[:300],
        "legal_status": p.legal_status[:100],
        "agency": p.agency[:200],
        "agent": p.agent[:200],
        "source": p.source_name[:100],
        "source_id": p.source_id[:100],
        "extra": dict(p.extra),
    }


def patents_upsert(rows: Sequence[PatentIn]) -> tuple[list[int], int, int]:
    """Create or update a batch of validated rows by natural key (idempotent).

    Returns (ids written, created count, updated count). Parties and the
    imported legal-status event are replaced for every row written. Call inside
    a transaction; the index follows on commit.
    """
    if not rows:
        return [], 0, 0
    # A file may repeat a record; the last occurrence wins, as a re-import would.
    by_key = {r.natural_key: r for r in rows}
    resolved = resolve_addresses(
        [r.address for r in by_key.values()], [r.province_code_hint for r in by_key.values()]
    )
    regions = _hubei_region_ids()
    existing = {p.natural_key: p for p in Patent.objects.filter(natural_key__in=list(by_key))}
    to_create, to_update = [], []
    for (key, row), res in zip(by_key.items(), resolved, strict=True):
        values = _values(row, res, regions)
        if key in existing:
            p = existing[key]
            for name, value in values.items():
                setattr(p, name, value)
            to_update.append(p)
        else:
            to_create.append(Patent(natural_key=key, **values))
    Patent.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Patent.objects.bulk_update(to_update, list(_FIELDS), batch_size=500)
    ids_by_key = dict(
        Patent.objects.filter(natural_key__in=list(by_key)).values_list("natural_key", "pk")
    )
    ids = list(ids_by_key.values())
    PatentParty.objects.filter(patent_id__in=ids).delete()
    parties: list[PatentParty] = []
    events: list[LegalEvent] = []
    for key, row in by_key.items():
        pid = ids_by_key[key]
        for i, name in enumerate(row.applicants):
            parties.append(
                PatentParty(
                    patent_id=pid,
                    role=PartyRole.APPLICANT,
                    position=i,
                    name=name[:200],
                    key=applicant_key(name)[:200],
                )
            )
        for i, name in enumerate(row.inventors):
            person = clean_person(name)
            parties.append(
                PatentParty(
                    patent_id=pid,
                    role=PartyRole.INVENTOR,
                    position=i,
                    name=person[:200],
                    key=person[:200],
                )
            )
    PatentParty.objects.bulk_create(parties, batch_size=1000)
    LegalEvent.objects.filter(patent_id__in=ids, source="import").delete()
    for key, row in by_key.items():
        pid = ids_by_key[key]
        if row.app_date:
            events.append(
                LegalEvent(
                    patent_id=pid, kind=LegalEventKind.FILED, date=row.app_date, source="import"
                )
            )
        if row.pub_date:
            events.append(
                LegalEvent(
                    patent_id=pid, kind=LegalEventKind.PUBLISHED, date=row.pub_date, source="import"
                )
            )
        if row.grant_date:
            events.append(
                LegalEvent(
                    patent_id=pid, kind=LegalEventKind.GRANTED, date=row.grant_date, source="import"
                )
            )
        if row.legal_status:
            events.append(
                LegalEvent(
                    patent_id=pid,
                    kind=LegalEventKind.STATUS,
                    detail=row.legal_status[:300],
                    source="import",
                )
            )
    LegalEvent.objects.bulk_create(events, batch_size=1000)
    _intelligence_update(by_key, ids_by_key)
    index_on_commit(ids)
    return ids, len(to_create), len(to_update)


def _intelligence_update(
    by_key: dict[str, PatentIn], ids_by_key: dict[str, int]
) -> dict[int, tuple[str, int]]:
    """Citations and value grades of freshly written records (issue 20): graded here,
    before the index writes them, so the index carries the grade without a second
    pass; records they cite (whose forward citations moved) are regraded later.
    Returns each record's (band, score)."""
    from iphub.patents.intelligence.citations import citations_record
    from iphub.patents.intelligence.grading import grade_refresh_on_commit, grades_compute

    rows = [
        (ids_by_key[key], row.publication_number, row.application_number, dict(row.extra))
        for key, row in by_key.items()
    ]
    touched = citations_record(rows)
    grades: dict[int, tuple[str, int]] = {}
    grades_compute([r[0] for r in rows], reindex=False, grades=grades)
    grade_refresh_on_commit(touched - set(ids_by_key.values()))
    return grades


@transaction.atomic
def legal_event_append(
    *,
    actor: Any,
    patent_id: int,
    kind: str,
    date: dt.date | None,
    detail: str = "",
    source: str = "",
    status: str | None = None,
    locked: Patent | None = None,
) -> LegalEvent:
    """Append to a patent's legal-status history (pledges, licences, transfers, ...).

    ``status`` optionally replaces the patent's current legal-status text.
    ``locked`` is that patent when the caller has already row-locked it in this
    transaction (an approval checks the patent under lock first), which spares
    a second locking read.
    """
    if kind not in LegalEventKind.values:
        raise ApplicationError(f"未知的法律状态事件“{kind}”。", fields={"kind": "未知事件类型。"})
    if locked is not None and locked.pk == patent_id:
        patent: Patent | None = locked
    else:
        # Locked, without the long texts no event touches.
        patent = Patent.objects.select_for_update().filter(pk=patent_id).defer(*_LONG_TEXT).first()
    if patent is None:
        raise NotFound("未找到该专利。")
    event = LegalEvent(patent=patent, kind=kind, date=date, detail=detail[:300], source=source[:60])
    _EVENT_ROWS.insert([event])
    if status is not None and status != patent.legal_status:
        before = patent.legal_status
        patent.legal_status = status[:100]
        patent.save(update_fields=["legal_status", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.PATENT_STATUS_CHANGE,
            obj=patent,
            before={"legal_status": before},
            after={"legal_status": status},
        )
        # The index holds the status text, not the events: only a new status
        # needs the document rewritten. (Reindexing on every event made each
        # pledge approval wait ~0.2 s on the index's one write lock.)
        index_on_commit([patent.pk])
    audit_record(
        actor=actor,
        action=Action.LEGAL_EVENT_APPEND,
        obj=patent,
        after={"kind": kind, "date": date, "detail": detail},
    )
    # A licence, pledge, transfer or lapse moves the value grade (issue 20).
    from iphub.patents.intelligence.grading import grade_refresh_on_commit

    grade_refresh_on_commit([patent.pk])
    return event


@transaction.atomic
def patent_owner_change(
    *,
    actor: Any,
    patent_id: int,
    transferor: str,
    transferee: str,
    date: dt.date | None,
    detail: str = "",
    source: str = "",
) -> Patent:
    """Record an assignment (权利转移): ``transferee`` takes ``transferor``'s place
    among the patentees (applicants) of record; co-owners stay.

    The patent row is locked; ``transferor`` must be a patentee of record now.
    The ``applicants`` list and the applicant parties change together, the
    history gets ``transferred`` (from → to), the change is audited and the
    search index rewrites the document on commit (applicant search, facets).
    """
    patent = Patent.objects.select_for_update().filter(pk=patent_id).defer(*_LONG_TEXT).first()
    if patent is None:
        raise NotFound("未找到该专利。")
    old_key, new_name = applicant_key(transferor), transferee.strip()[:200]
    parties = list(patent.parties.filter(role=PartyRole.APPLICANT).order_by("position"))
    names = [p.name for p in parties] or list(patent.applicants)
    if not new_name or old_key not in [applicant_key(n) for n in names]:
        holders = "、".join(names) or "（无记录）"
        raise ApplicationError(
            f"“{transferor}”不是该专利登记簿记载的专利权人（记载为：{holders}），不能登记转让。",
            code="not_patentee",
            fields={"transferor": f"记载的专利权人为：{holders}。"},
            status=409,
        )
    after: list[str] = []
    for name in names:
        replacement = new_name if applicant_key(name) == old_key else name
        if applicant_key(replacement) not in [applicant_key(n) for n in after]:
            after.append(replacement)
    PatentParty.objects.filter(patent=patent, role=PartyRole.APPLICANT).delete()
    PatentParty.objects.bulk_create(
        PatentParty(
            patent=patent,
            role=PartyRole.APPLICANT,
            position=i,
            name=name[:200],
            key=applicant_key(name)[:200],
            # A co-owner who stays keeps its link to an organisation, if any.
            organisation_id=next(
                (p.organisation_id for p in parties if p.key == applicant_key(name)), None
            ),
        )
        for i, name in enumerate(after)
    )
    before = list(patent.applicants)
    patent.applicants = after
    patent.save(update_fields=["applicants", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.PATENT_OWNER_CHANGE,
        obj=patent,
        before={"applicants": before},
        after={"applicants": after},
    )
    legal_event_append(
        actor=actor,
        patent_id=patent.pk,
        kind=LegalEventKind.TRANSFERRED,
        date=date,
        detail=detail or f"转让人：{transferor}；受让人：{new_name}",
        source=source,
    )
    index_on_commit([patent.pk])
    return patent


@transaction.atomic
def patent_delete(*, actor: Any, patent_id: int) -> None:
    """Remove a record (e.g. imported by mistake); window staff and supervisors only."""
    require_roles(actor, *EDIT_ROLES)
    patent = Patent.objects.filter(pk=patent_id).first()
    if patent is None:
        raise NotFound("未找到该专利。")
    audit_record(
        actor=actor,
        action=Action.PATENT_DELETE,
        obj=patent,
        before={"natural_key": patent.natural_key, "title": patent.title},
    )
    patent.delete()
    index_delete_on_commit([patent_id])
