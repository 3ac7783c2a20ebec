"""Patent pledge registration (专利权质押登记): establish, change, cancel.

Every check of the 2021 measures that the platform can make from its own
records runs here, before a clerk sees the filing; the clerk is left with what
needs a person (signatures, the contract's wording).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from iphub.core.errors import ApplicationError
from iphub.filings import checks
from iphub.filings.models import Filing, FilingKind, FilingState, Operation
from iphub.filings.services.applications import (
    Documents,
    create_filing,
    flag,
    local_today,
    service_or_error,
    text,
)
from iphub.filings.services.workflow_steps import lock_filing, step
from iphub.patents.models import LegalEventKind, Patent
from iphub.patents.services import legal_event_append


def pledge_values(actor: Any, data: Mapping[str, Any], at: dt.datetime) -> dict[str, Any]:
    """Check a pledge (设立) form and return the filing's field values.

    ``data``: application_number, pledgee (质权人), debt_amount (元), debt_start,
    debt_end (债务履行期限届满日), debt_type, guarantee_scope, co_owner_consent,
    has_valuation; pledgor defaults to the applicant's organisation and must be
    it unless an agency files for its client (:func:`checks.filer_party`).
    """
    number = checks.canonical_number(str(data.get("application_number", "")))
    patent = checks.patent_for(number)
    pledgor, client = checks.filer_party(
        actor, data.get("pledgor"), field="pledgor", label="出质人"
    )
    pledgee = text(data, "pledgee", "质权人")
    amount = checks.parse_amount(data.get("debt_amount"), field="debt_amount")
    start = checks.parse_date(data.get("debt_start"), field="debt_start", label="债务起始日")
    end = checks.parse_date(data.get("debt_end"), field="debt_end", label="债务履行期限届满日")
    debt_type = text(data, "debt_type", "被担保债权种类")
    scope = text(data, "guarantee_scope", "担保范围")
    checks.ensure_in_force(patent, today=local_today(at))
    checks.ensure_patentee(
        patent, pledgor, co_owner_consent=flag(data, "co_owner_consent"), field="pledgor"
    )
    checks.ensure_not_pledged(patent)
    checks.ensure_term(start, end, patent, end_field="debt_end", what="债务履行期限")
    return {
        "patent": patent,
        "application_number": number,
        "holder_name": pledgor,
        "counterparty_name": pledgee,
        "amount": amount,
        "term_start": start,
        "term_end": end,
        "details": {
            "debt_type": debt_type,
            "guarantee_scope": scope,
            "co_owner_consent": flag(data, "co_owner_consent"),
            "has_valuation": flag(data, "has_valuation"),
            "patent_title": patent.title,
            "agent_for": client,
            "origin": checks.origin_ref(data.get("origin")),
        },
    }


def pledge_extra_required(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The valuation report is required once the form says there is one; the
    owner's 委托书 when an agency files for a client."""
    details = values["details"]
    valuation = ("valuation_report",) if details.get("has_valuation") else ()
    return valuation + checks.authorisation_required(details)


@transaction.atomic
def pledge_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    documents: Documents,
    idempotency_key: str | None = None,
    submit: bool = True,
    now: dt.datetime | None = None,
) -> Filing:
    """File a pledge registration (设立) for one patent (see :func:`pledge_values`);
    ``submit=False`` keeps it as a draft."""
    return create_filing(
        actor=actor,
        service=service_or_error(FilingKind.PATENT_PLEDGE, Operation.ESTABLISH),
        idempotency_key=idempotency_key,
        documents=documents,
        submit=submit,
        now=now,
        data=data,
        validate=lambda at: pledge_values(actor, data, at),
        extra_required=pledge_extra_required,
    )


def registered_pledge(
    actor: Any, registration_number: str, *, kind: str = FilingKind.PATENT_PLEDGE
) -> Filing:
    """The registration a change, extension or cancellation applies to (the
    applicant's own, still in force)."""
    number = (registration_number or "").strip()
    pledge = (
        Filing.objects.filter(
            kind=kind,
            registration_number=number,
            state=FilingState.REGISTERED,
            operation__in=checks.ACTIVE_PLEDGE_OPERATIONS,
        )
        .select_related("patent")
        .first()
    )
    if pledge is None:
        raise checks.field_error("registration_number", f"没有登记号为 {number} 的有效质押登记。")
    if pledge.organisation_id != actor.organisation_id:
        raise checks.field_error(
            "registration_number", "只有该质押登记的出质人可以申请变更或注销。"
        )
    return pledge


@transaction.atomic
def pledge_change_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    documents: Documents,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Filing:
    """Apply to change a registered pledge (pledgee, debt amount or term)."""
    service = service_or_error(FilingKind.PATENT_PLEDGE, Operation.CHANGE)

    def validate(at: dt.datetime) -> dict[str, Any]:
        parent = registered_pledge(actor, str(data.get("registration_number", "")))
        assert parent.patent is not None
        pledgee = text(data, "pledgee", "质权人", required=False) or parent.counterparty_name
        amount = (
            checks.parse_amount(data.get("debt_amount"), field="debt_amount", required=False)
            or parent.amount
        )
        end = (
            checks.parse_date(data.get("debt_end"), field="debt_end", label="债务履行期限届满日")
            if data.get("debt_end")
            else parent.term_end
        )
        assert parent.term_start is not None and end is not None
        checks.ensure_term(
            parent.term_start, end, parent.patent, end_field="debt_end", what="债务履行期限"
        )
        return {
            "parent": parent,
            "patent": parent.patent,
            "application_number": parent.application_number,
            "holder_name": parent.holder_name,
            "counterparty_name": pledgee,
            "amount": amount,
            "term_start": parent.term_start,
            "term_end": end,
            "details": {**parent.details, "change_reason": text(data, "reason", "变更事由")},
        }

    return create_filing(
        actor=actor,
        service=service,
        idempotency_key=idempotency_key,
        documents=documents,
        submit=True,
        now=now,
        validate=validate,
    )


@transaction.atomic
def pledge_cancel_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    documents: Documents,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Filing:
    """Apply to cancel (注销) a registered pledge once the debt is settled or released."""
    service = service_or_error(FilingKind.PATENT_PLEDGE, Operation.CANCEL)

    def validate(at: dt.datetime) -> dict[str, Any]:
        parent = registered_pledge(actor, str(data.get("registration_number", "")))
        return {
            "parent": parent,
            "patent": parent.patent,
            "application_number": parent.application_number,
            "holder_name": parent.holder_name,
            "counterparty_name": parent.counterparty_name,
            "amount": parent.amount,
            "term_start": parent.term_start,
            "term_end": parent.term_end,
            "details": {"cancel_reason": text(data, "reason", "注销事由")},
        }

    return create_filing(
        actor=actor,
        service=service,
        idempotency_key=idempotency_key,
        documents=documents,
        submit=True,
        now=now,
        validate=validate,
    )


def pledge_register_effects(*, actor: Any, filing: Filing, now: dt.datetime) -> None:
    """What approving a pledge filing does beyond its own state (called under lock).

    Establish: checked again against the locked patent row (in force, the
    pledgor still its patentee, not pledged), so two pledges of one patent
    approved at once cannot both register; the patent's history gets ``pledged``.
    Change: the old registration becomes 已变更. Cancel: the old registration
    becomes 已注销 and the history gets ``pledge_released``.
    """
    assert filing.patent_id is not None
    patent = checks.patent_for(filing.application_number, lock=True)
    today = local_today(now)
    if filing.operation == Operation.ESTABLISH:
        checks.ensure_in_force(patent, today=today)
        _ensure_still_patentee(patent, filing)
        existing = checks.active_pledge(patent, exclude_id=filing.pk)
        if existing is not None:
            raise ApplicationError(
                f"该专利已质押（登记号 {existing}），不能重复登记；"
                "请以“专利权已被申请质押登记且处于质押期间”为由不予登记。",
                code="already_pledged",
                status=409,
            )
        legal_event_append(
            actor=actor,
            patent_id=patent.pk,
            kind=LegalEventKind.PLEDGED,
            date=today,
            detail=(
                f"质押登记 {filing.registration_number}；出质人：{filing.holder_name}；"
                f"质权人：{filing.counterparty_name}；债务金额：{filing.amount} 元"
            ),
            source="filings",
            locked=patent,
        )
        return
    amendment_effects(actor=actor, filing=filing, now=now)
    if filing.operation == Operation.CANCEL:
        legal_event_append(
            actor=actor,
            patent_id=patent.pk,
            kind=LegalEventKind.PLEDGE_RELEASED,
            date=today,
            detail=f"质押登记 {filing.parent.registration_number if filing.parent else ''} 注销",
            source="filings",
            locked=patent,
        )


def _ensure_still_patentee(patent: Patent, filing: Filing) -> None:
    """The pledgor is still the patentee of record at approval (a transfer may
    have been registered since the pledge was filed)."""
    try:
        checks.ensure_patentee(
            patent,
            filing.holder_name,
            co_owner_consent=bool(filing.details.get("co_owner_consent")),
            field="pledgor",
        )
    except ApplicationError as exc:
        raise ApplicationError(
            f"{exc.message}请以“出质人不是当事人专利登记簿记载的专利权人”为由不予登记。",
            code=exc.code,
            fields=exc.fields,
            status=409,
        ) from None


def amendment_effects(*, actor: Any, filing: Filing, now: dt.datetime) -> None:
    """An approved change or extension supersedes the registration it amends (已变更);
    an approved cancellation cancels it (已注销)."""
    assert filing.parent_id is not None
    parent = lock_filing(filing.parent_id)
    name = "cancel" if filing.operation == Operation.CANCEL else "supersede"
    step(actor=actor, filing=parent, name=name, now=now, note=str(filing))
    filing.parent = parent
