"""Drafts (草稿): an applicant saves a form, edits it, then submits it.

A draft is checked like a filing when it is saved (so the field errors show
early) but need not have its materials yet; on submission the form is checked
again against today's records (the patent may have been pledged meanwhile) and
every required material must be on file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.filings import catalogue, checks
from iphub.filings.audit_actions import Action
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingKind, FilingState, Operation
from iphub.filings.services.applications import (
    Documents,
    check_documents,
    draft_form,
    store_documents,
)
from iphub.filings.services.licences import licence_extra_required, licence_values
from iphub.filings.services.pledges import pledge_extra_required, pledge_values
from iphub.filings.services.products import product_extra_required, product_values
from iphub.filings.services.trademarks import (
    trademark_pledge_extra_required,
    trademark_pledge_values,
)
from iphub.filings.services.transfers import transfer_extra_required, transfer_values
from iphub.filings.services.workflow_steps import (
    lock_filing,
    record_event,
    step,
    version_bump,
)
from iphub.filings.workflow import ensure_may, transition

Values = Callable[[Any, Mapping[str, Any], dt.datetime], dict[str, Any]]
Extra = Callable[[Mapping[str, Any]], tuple[str, ...]]


# The form of each kind that can be kept as a draft (new registrations; a change
# or cancellation is a short form filed at once).
DRAFTABLE: dict[str, tuple[Values, Extra]] = {
    FilingKind.PATENT_PLEDGE: (pledge_values, pledge_extra_required),
    FilingKind.PATENT_LICENCE: (licence_values, licence_extra_required),
    FilingKind.TRADEMARK_PLEDGE: (trademark_pledge_values, trademark_pledge_extra_required),
    FilingKind.PATENT_TRANSFER: (transfer_values, transfer_extra_required),
    FilingKind.PATENT_PRODUCT: (product_values, product_extra_required),
}


def _draft(actor: Any, filing_id: int) -> Filing:
    filing = lock_filing(filing_id)
    ensure_may(actor, transition("submit"), filing)
    if filing.state != FilingState.DRAFT or filing.operation != Operation.ESTABLISH:
        raise checks.field_error("state", "只有草稿可以修改。", FilingErrorCode.WRONG_STATE)
    return filing


def _apply(filing: Filing, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        setattr(filing, name, value)
        changed.append(name)
    return changed


@transaction.atomic
def filing_draft_update(
    *,
    actor: Any,
    filing_id: int,
    data: Mapping[str, Any],
    documents: Documents,
    now: dt.datetime | None = None,
) -> Filing:
    """Save an edited draft: the form checked again, new materials added."""
    now = now or timezone.now()
    filing = _draft(actor, filing_id)
    values_of, _extra = DRAFTABLE[filing.kind]
    values = values_of(actor, data, now)
    values["details"] = {**values.get("details", {}), "form": draft_form(data)}
    service = catalogue.service_for(filing.kind, filing.operation)
    checked = check_documents(service, documents, require=False)
    before = {"application_number": filing.application_number, "amount": filing.amount}
    fields = _apply(filing, values)
    filing.save(update_fields=[*fields, "updated_at"])
    store_documents(filing, checked)
    version_bump(filing)
    record_event(filing, action="edit", actor=actor, at=now, frm=filing.state)
    audit_record(
        actor=actor,
        action=Action.FILING_DRAFT_UPDATE,
        obj=filing,
        region_path=filing.region.path,
        before=before,
        after={"application_number": filing.application_number, "amount": filing.amount},
    )
    return filing


@transaction.atomic
def filing_submit(*, actor: Any, filing_id: int, now: dt.datetime | None = None) -> Filing:
    """Submit a draft: its form checked against today's records, every required
    material on file; then the workflow's ``submit`` step (the acceptance clock starts)."""
    now = now or timezone.now()
    filing = _draft(actor, filing_id)
    values_of, extra = DRAFTABLE[filing.kind]
    form = dict(filing.details.get("form") or {})
    values = values_of(actor, form, now)
    service = catalogue.service_for(filing.kind, filing.operation)
    present = set(filing.documents.values_list("material", flat=True))
    check_documents(service, {}, extra_required=extra(values), present=present)
    fields = _apply(filing, values)
    filing.save(update_fields=[*fields, "updated_at"])
    return step(actor=actor, filing=filing, name="submit", now=now)
