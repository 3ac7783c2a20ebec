"""Creating filings: validate the form and the materials, then store one filing
(per idempotency key) and, unless kept as a draft, submit it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from iphub.core.audit import audit_entry, audit_record_all
from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import ApplicationError
from iphub.core.inserts import RowInserter
from iphub.core.joined import JoinedLoader
from iphub.core.models import Region
from iphub.core.permissions import require_roles
from iphub.filings import catalogue, checks
from iphub.filings.audit_actions import Action
from iphub.filings.catalogue import Service
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingDocument, FilingState
from iphub.filings.services.workflow_steps import EVENT_ROWS, advance, event_row, step_records
from iphub.filings.uploads import CheckedUpload, check_upload
from iphub.filings.workflow import APPLICANT_ROLES, ensure_may, transition

Documents = Mapping[str, Sequence[Any]]


def local_today(now: dt.datetime) -> dt.date:
    return now.astimezone(LOCAL_TZ).date()


def handling_region(service: Service, organisation: Any) -> Region:
    """The office that handles ``service`` for ``organisation``: its city for a
    city-level service, the province for provincial and national items."""
    parts = organisation.region.path.split("/")
    if service.level == "county":
        code = parts[-1]
    elif service.level == "prefecture" and len(parts) > 1:
        code = parts[1]
    else:
        code = parts[0]
    # Usually one of the organisation's own region's ancestors, already loaded
    # (the token authentication brings the chain along).
    region = organisation.region
    for _ in parts:
        if region is None or region.code == code:
            break
        region = region.parent if Region.parent.is_cached(region) else None
    return region if region is not None and region.code == code else Region.objects.get(pk=code)


def check_documents(
    service: Service,
    documents: Documents,
    *,
    extra_required: Sequence[str] = (),
    present: Collection[str] = (),
    require: bool = True,
) -> list[tuple[str, CheckedUpload]]:
    """Every required material present (uploaded now or already on file, ``present``;
    not asked of a draft, ``require=False``); every file a real PDF/JPEG/PNG within
    the size limit."""
    out: list[tuple[str, CheckedUpload]] = []
    errors: dict[str, str] = {}
    for code, files in documents.items():
        if service.material(code) is None:
            errors[code] = "该事项不需要此材料。"
            continue
        for f in files:
            try:
                out.append((code, check_upload(f, field=code)))
            except ApplicationError as exc:
                errors.update(exc.fields)
    bad_file = bool(errors)
    for m in service.materials:
        needed = m.required or m.code in extra_required
        if require and needed and not documents.get(m.code) and m.code not in present:
            errors.setdefault(m.code, f"请上传：{m.name}。")
    if errors:
        first = next(iter(errors.values()))
        code = FilingErrorCode.BAD_FILE if bad_file else FilingErrorCode.MISSING_MATERIAL
        raise ApplicationError(f"申请材料有误：{first}", code=code, fields=errors)
    return out


def store_documents(filing: Filing, checked: Sequence[tuple[str, CheckedUpload]]) -> None:
    """Save the files and their rows (one INSERT for all; each file is written
    to storage by its field as the row is prepared)."""
    FilingDocument.objects.bulk_create(
        FilingDocument(
            filing=filing,
            material=code,
            file=ContentFile(up.content, name=f"{uuid.uuid4().hex}.{up.extension}"),
            original_name=up.original_name,
            content_type=up.content_type,
            size=len(up.content),
            sha256=up.sha256,
        )
        for code, up in checked
    )


# Every submission inserts one filing: INSERT built once (core.inserts).
_FILING_ROWS = RowInserter(Filing)

# Asked on every submission, found only on a repeat: SQL built once (core.joined).
_REPLAY = JoinedLoader(
    Filing,
    ["organisation"],
    '"t0"."created_by_id" = %s AND "t0"."idempotency_key" = %s',
    limit=1,
)


def _replay(actor: Any, key: str | None) -> Filing | None:
    """The filing this user already made with idempotency ``key``, if any."""
    if not key:
        return None
    found: Filing | None = _REPLAY.first([actor.pk, key])
    return found


def create_filing(
    *,
    actor: Any,
    service: Service,
    idempotency_key: str | None,
    documents: Documents,
    submit: bool,
    now: dt.datetime | None,
    validate: Callable[[dt.datetime], dict[str, Any]],
    extra_required: Callable[[dict[str, Any]], Sequence[str]] = lambda values: (),
    data: Mapping[str, Any] | None = None,
) -> Filing:
    """Shared body of every ``<kind>_submit`` service.

    ``validate`` checks the form and returns the filing's field values. The
    idempotency key makes a double-submitted form return the first filing. A
    draft (``submit=False``) keeps the form as typed (``data``) so that it can be
    edited and is checked afresh when it is finally submitted (``drafts.py``).
    """
    require_roles(actor, *APPLICANT_ROLES)
    if service.kind is None or not service.online:
        raise ApplicationError("该事项不在本平台在线办理。", code="not_online")
    if actor.organisation_id is None:
        raise ApplicationError("您的账号未关联申请单位，不能提交申请。", status=403)
    now = now or timezone.now()
    key = (idempotency_key or "").strip()[:64] or None
    existing = _replay(actor, key)
    if existing is not None:
        return existing
    values = validate(now)
    if not submit and data is not None:
        values["details"] = {**values.get("details", {}), "form": draft_form(data)}
    checked = check_documents(
        service, documents, extra_required=extra_required(values), require=submit
    )
    organisation = actor.organisation
    filing = Filing(
        kind=str(service.kind),
        operation=service.operation,
        region=handling_region(service, organisation),
        organisation=organisation,
        created_by=actor,
        idempotency_key=key,
        **values,
    )
    # A form submitted at once is stored already submitted: one INSERT, and the
    # two history rows (create, submit) and audit entries in one INSERT each,
    # the same rows that creating a draft and then submitting it would leave.
    submitted: tuple[dict[str, Any], dict[str, Any]] | None = None
    if submit:
        t = transition("submit")
        ensure_may(actor, t, filing)
        submitted = advance(actor=actor, filing=filing, t=t, now=now)
    try:
        with transaction.atomic():
            _FILING_ROWS.insert([filing])
    except IntegrityError:
        # The same form arrived twice at once; the other request created it.
        existing = _replay(actor, key)
        if existing is None:
            raise
        return existing
    store_documents(filing, checked)
    created = {"operation": filing.operation, "application_number": filing.application_number}
    events = [event_row(filing, action="create", actor=actor, at=now, to=FilingState.DRAFT)]
    audits = [
        audit_entry(
            actor=actor,
            action=Action.created(service.kind),
            obj=filing,
            region_path=filing.region.path,
            after=created,
        )
    ]
    if submitted is not None:
        before, after = submitted
        event, audit = step_records(
            filing, "submit", actor=actor, at=now, frm=FilingState.DRAFT, before=before, after=after
        )
        events.append(event)
        audits.append(audit)
    EVENT_ROWS.insert(events)
    audit_record_all(audits)
    return filing


# Form fields that are not the applicant's answers.
NOT_FORM_FIELDS = frozenset({"csrfmiddlewaretoken", "idempotency_key", "save", "submit", "draft"})


def draft_form(data: Mapping[str, Any]) -> dict[str, str]:
    """The answers of a form as text, to refill it when the draft is edited."""

    def as_text(v: Any) -> str:
        if isinstance(v, bool):
            return "1" if v else ""
        return "" if v is None else str(v)

    return {str(k): as_text(v) for k, v in data.items() if k not in NOT_FORM_FIELDS}


def flag(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "on", "yes", "是")
    return bool(value)


def service_or_error(kind: str, operation: str) -> Service:
    return catalogue.service_for(kind, operation)


def text(data: Mapping[str, Any], name: str, label: str, *, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise checks.field_error(name, f"请填写{label}。")
    return value[:200]
