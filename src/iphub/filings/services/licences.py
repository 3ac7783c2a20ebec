"""Patent licence-contract filing (专利实施许可合同备案), open-licence licences included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from iphub.filings import checks
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingKind, LicenceType, Operation
from iphub.filings.services.applications import (
    Documents,
    create_filing,
    flag,
    local_today,
    service_or_error,
    text,
)
from iphub.patents.models import LegalEventKind
from iphub.patents.services import legal_event_append

# 专利实施许可合同备案办法 (2011) Art. 7: file within three months of the contract taking effect.
FILING_WINDOW_MONTHS = 3


def _months_after(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def licence_values(actor: Any, data: Mapping[str, Any], at: dt.datetime) -> dict[str, Any]:
    """Check a licence-contract form and return the filing's field values.

    ``data``: application_number, licensee, licence_type (exclusive/sole/ordinary/
    open), fee (元, optional), licence_start, licence_end, contract_effective,
    co_owner_consent, pledgee_consent; licensor defaults to the applicant's
    organisation and must be it unless an agency files for its client
    (:func:`checks.filer_party`).
    """
    today = local_today(at)
    number = checks.canonical_number(str(data.get("application_number", "")))
    patent = checks.patent_for(number)
    licensor, client = checks.filer_party(
        actor, data.get("licensor"), field="licensor", label="许可人"
    )
    licensee = text(data, "licensee", "被许可人")
    licence_type = str(data.get("licence_type") or "")
    if licence_type not in LicenceType.values:
        raise checks.field_error("licence_type", "请选择许可类型。")
    fee = checks.parse_amount(data.get("fee"), field="fee", required=False)
    start = checks.parse_date(data.get("licence_start"), field="licence_start", label="许可起始日")
    end = checks.parse_date(data.get("licence_end"), field="licence_end", label="许可届满日")
    effective = checks.parse_date(
        data.get("contract_effective"), field="contract_effective", label="合同生效日"
    )
    if effective > today:
        raise checks.field_error("contract_effective", "合同尚未生效，生效后再申请备案。")
    if _months_after(effective, FILING_WINDOW_MONTHS) < today:
        raise checks.field_error(
            "contract_effective",
            "应当自合同生效之日起 3 个月内办理备案。",
            FilingErrorCode.LATE_FILING,
        )
    checks.ensure_in_force(patent, today=today)
    checks.ensure_patentee(
        patent, licensor, co_owner_consent=flag(data, "co_owner_consent"), field="licensor"
    )
    checks.ensure_term(start, end, patent, end_field="licence_end", what="许可期限")
    checks.ensure_licence_compatible(
        patent, licence_type, pledgee_consent=flag(data, "pledgee_consent")
    )
    return {
        "patent": patent,
        "application_number": number,
        "holder_name": licensor,
        "counterparty_name": licensee,
        "amount": fee,
        "term_start": start,
        "term_end": end,
        "details": {
            "licence_type": licence_type,
            "contract_effective": effective.isoformat(),
            "co_owner_consent": flag(data, "co_owner_consent"),
            "pledgee_consent": flag(data, "pledgee_consent"),
            "patent_title": patent.title,
            "agent_for": client,
        },
    }


def licence_extra_required(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The owner's 委托书 when an agency files for a client."""
    return checks.authorisation_required(values["details"])


@transaction.atomic
def licence_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    documents: Documents,
    idempotency_key: str | None = None,
    submit: bool = True,
    now: dt.datetime | None = None,
) -> Filing:
    """File a licence contract for one patent (see :func:`licence_values`);
    ``submit=False`` keeps it as a draft."""
    return create_filing(
        actor=actor,
        service=service_or_error(FilingKind.PATENT_LICENCE, Operation.ESTABLISH),
        idempotency_key=idempotency_key,
        documents=documents,
        submit=submit,
        now=now,
        data=data,
        validate=lambda at: licence_values(actor, data, at),
        extra_required=licence_extra_required,
    )


def licence_register_effects(*, actor: Any, filing: Filing, now: dt.datetime) -> None:
    """Approving a licence filing adds ``licensed`` to the patent's history."""
    patent = checks.patent_for(filing.application_number, lock=True)
    kind = LicenceType(filing.details.get("licence_type", LicenceType.ORDINARY))
    legal_event_append(
        actor=actor,
        patent_id=patent.pk,
        kind=LegalEventKind.LICENSED,
        date=local_today(now),
        detail=(
            f"实施许可合同备案 {filing.registration_number}；{kind.label}；"
            f"许可人：{filing.holder_name}；被许可人：{filing.counterparty_name}；"
            f"期限 {filing.term_start} 至 {filing.term_end}"
        ),
        source="filings",
    )
