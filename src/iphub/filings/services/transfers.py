"""Patent (application) transfer registration support (专利权转让登记).

The register is CNIPA's; the province window pre-checks the materials here so
that what goes to Beijing is complete, and the approved transfer is written into
the patent's legal-status history. Checks: the right still exists (an
application may change hands before grant), the transferor is the patentee of
record with all co-owners' consent, a pledged patent needs the pledgee's consent
(Civil Code Art. 444), a transfer abroad needs the technology-export
registration, and one patent is not transferred twice at once. Approval makes
the transferee the patentee of record (see :func:`transfer_register_effects`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from iphub.filings import checks
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingKind, Operation
from iphub.filings.services.applications import (
    Documents,
    create_filing,
    flag,
    local_today,
    service_or_error,
    text,
)
from iphub.patents.names import applicant_key
from iphub.patents.services import patent_owner_change


def transfer_values(actor: Any, data: Mapping[str, Any], at: dt.datetime) -> dict[str, Any]:
    """Check a transfer form and return the filing's field values.

    ``data``: application_number, transferee, transferee_foreign, price (元,
    optional), contract_date, co_owner_consent, pledgee_consent; transferor
    defaults to the applicant's organisation and must be it unless an agency
    files for its client (:func:`checks.filer_party`).
    """
    today = local_today(at)
    number = checks.canonical_number(str(data.get("application_number", "")))
    patent = checks.patent_for(number)
    transferor, client = checks.filer_party(
        actor, data.get("transferor"), field="transferor", label="转让人"
    )
    transferee = text(data, "transferee", "受让人")
    price = checks.parse_amount(data.get("price"), field="price", required=False)
    signed = checks.parse_date(data.get("contract_date"), field="contract_date", label="合同签订日")
    if signed > today:
        raise checks.field_error(
            "contract_date", "合同签订日不能晚于今天。", FilingErrorCode.BAD_TERM
        )
    checks.ensure_not_ended(patent, today=today)
    checks.ensure_patentee(
        patent, transferor, co_owner_consent=flag(data, "co_owner_consent"), field="transferor"
    )
    if applicant_key(transferee) == applicant_key(transferor):
        raise checks.field_error("transferee", "受让人与转让人相同。")
    pending = checks.pending_transfer(patent)
    if pending is not None:
        raise checks.field_error(
            "application_number",
            f"该专利已有转让申请（{pending.reference}，{pending.get_state_display()}）。",
            FilingErrorCode.TRANSFER_PENDING,
        )
    if checks.active_pledge(patent) is not None and not flag(data, "pledgee_consent"):
        raise checks.field_error(
            "pledgee_consent",
            "该专利处于质押期间，转让须取得质权人书面同意。",
            FilingErrorCode.PLEDGEE_CONSENT,
        )
    return {
        "patent": patent,
        "application_number": number,
        "holder_name": transferor,
        "counterparty_name": transferee,
        "amount": price,
        "term_start": signed,
        "details": {
            "transferee_foreign": flag(data, "transferee_foreign"),
            "co_owner_consent": flag(data, "co_owner_consent"),
            "pledgee_consent": flag(data, "pledgee_consent"),
            "patent_title": patent.title,
            "agent_for": client,
        },
    }


def transfer_extra_required(values: Mapping[str, Any]) -> tuple[str, ...]:
    """Consents and the export registration become required when the form says
    so; the owner's 委托书 when an agency files for a client."""
    details = values["details"]
    out = []
    if details.get("transferee_foreign"):
        out.append("export_registration")
    if details.get("pledgee_consent"):
        out.append("pledgee_consent")
    if details.get("co_owner_consent"):
        out.append("co_owner_consent")
    return tuple(out) + checks.authorisation_required(details)


@transaction.atomic
def transfer_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    documents: Documents,
    idempotency_key: str | None = None,
    submit: bool = True,
    now: dt.datetime | None = None,
) -> Filing:
    """File a transfer for pre-check and registration (see :func:`transfer_values`)."""
    return create_filing(
        actor=actor,
        service=service_or_error(FilingKind.PATENT_TRANSFER, Operation.ESTABLISH),
        idempotency_key=idempotency_key,
        documents=documents,
        submit=submit,
        now=now,
        data=data,
        validate=lambda at: transfer_values(actor, data, at),
        extra_required=transfer_extra_required,
    )


def transfer_register_effects(*, actor: Any, filing: Filing, now: dt.datetime) -> None:
    """Approving a transfer changes the patentee of record: the transferee takes
    the transferor's place (co-owners stay), the history gets ``transferred``
    with from/to, and the search index follows (``patents`` does all three).
    From then on the old owner can no longer pledge, license or transfer it."""
    patent = checks.patent_for(filing.application_number, lock=True)
    price = f"；转让价款 {filing.amount} 元" if filing.amount else ""
    patent_owner_change(
        actor=actor,
        patent_id=patent.pk,
        transferor=filing.holder_name,
        transferee=filing.counterparty_name,
        date=local_today(now),
        detail=(
            f"转让登记 {filing.registration_number}；转让人：{filing.holder_name}；"
            f"受让人：{filing.counterparty_name}{price}"
        ),
        source="filings",
    )
