"""Trademark pledge registration (商标专用权质权登记): establish, change, extend, cancel.

商标法实施条例 Art. 70: the pledgor and the pledgee apply jointly and sign a
written pledge contract. Before a clerk sees the filing: a well-formed
registration number and Nice classes, a right still in its term, a sane debt and
term, the joint application and the similar-marks undertaking; and, when the
platform holds the mark's record (``iphub import_trademarks``), that it is
registered and valid, that the pledgor is its registrant and that the classes are
its own. A mark with a registered pledge not yet cancelled cannot be pledged
again: checked at submission and again at approval under a row lock, as for
patents. A mark the platform has no record of is left to the clerk, who checks
the certificate (the filing says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation
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
from iphub.filings.services.pledges import amendment_effects, registered_pledge

AMENDMENTS = (Operation.CHANGE, Operation.EXTEND, Operation.CANCEL)


def _debt_term(data: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    start = checks.parse_date(data.get("debt_start"), field="debt_start", label="债务起始日")
    end = checks.parse_date(data.get("debt_end"), field="debt_end", label="债务履行期限届满日")
    if end <= start:
        raise checks.field_error(
            "debt_end", "债务履行期限的届满日须晚于起始日。", FilingErrorCode.BAD_TERM
        )
    return start, end


def trademark_pledge_values(actor: Any, data: Mapping[str, Any], at: dt.datetime) -> dict[str, Any]:
    """Check a trademark pledge (设立) form and return the filing's field values.

    ``data``: trademark_number, trademark_name, trademark_classes ("9, 35"),
    valid_until (专用权期限届满日), pledgee, debt_amount, debt_start, debt_end,
    debt_type, joint_application, similar_marks_included; pledgor defaults to the
    applicant's organisation and must be it unless an agency files for its
    client (:func:`checks.filer_party`).
    """
    today = local_today(at)
    number = checks.trademark_number(data.get("trademark_number"))
    mark = text(data, "trademark_name", "商标名称")
    classes = checks.nice_classes(data.get("trademark_classes"))
    valid_until = checks.parse_date(
        data.get("valid_until"), field="valid_until", label="商标专用权期限届满日"
    )
    if valid_until < today:
        raise checks.field_error(
            "valid_until",
            "商标专用权已过有效期，应先办理续展注册再出质。",
            FilingErrorCode.TRADEMARK_EXPIRED,
        )
    pledgor, client = checks.filer_party(
        actor, data.get("pledgor"), field="pledgor", label="出质人"
    )
    mark_record = checks.trademark_for(number)
    if mark_record is not None:
        checks.ensure_trademark_registered(mark_record)
        checks.ensure_trademark_owner(mark_record, pledgor)
        checks.ensure_trademark_matches(mark_record, mark, classes)
    checks.ensure_trademark_not_pledged(number)
    pledgee = text(data, "pledgee", "质权人")
    amount = checks.parse_amount(data.get("debt_amount"), field="debt_amount")
    start, end = _debt_term(data)
    debt_type = text(data, "debt_type", "被担保债权种类")
    if not flag(data, "joint_application"):
        raise checks.field_error(
            "joint_application",
            "商标专用权质权登记须由出质人和质权人共同申请，并订立书面质权合同。",
            FilingErrorCode.NOT_JOINT,
        )
    if not flag(data, "similar_marks_included"):
        raise checks.field_error(
            "similar_marks_included",
            "出质人应将在相同或类似商品/服务上注册的相同或近似商标一并出质，请确认。",
            FilingErrorCode.SIMILAR_MARKS,
        )
    return {
        "application_number": "",
        "holder_name": pledgor,
        "counterparty_name": pledgee,
        "amount": amount,
        "term_start": start,
        "term_end": end,
        "details": {
            "trademark_number": number,
            "trademark_name": mark,
            "trademark_classes": classes,
            "valid_until": valid_until.isoformat(),
            "debt_type": debt_type,
            "joint_application": True,
            "similar_marks_included": True,
            # False: the platform has no record of the mark; the clerk checks the certificate.
            "register_checked": mark_record is not None,
            "agent_for": client,
            "origin": checks.origin_ref(data.get("origin")),
        },
    }


def trademark_pledge_extra_required(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The owner's 委托书 when an agency files for a client."""
    return checks.authorisation_required(values["details"])


@transaction.atomic
def trademark_pledge_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    documents: Documents,
    idempotency_key: str | None = None,
    submit: bool = True,
    now: dt.datetime | None = None,
) -> Filing:
    """File a trademark pledge registration (设立); ``submit=False`` keeps a draft."""
    return create_filing(
        actor=actor,
        service=service_or_error(FilingKind.TRADEMARK_PLEDGE, Operation.ESTABLISH),
        idempotency_key=idempotency_key,
        documents=documents,
        submit=submit,
        now=now,
        data=data,
        validate=lambda at: trademark_pledge_values(actor, data, at),
        extra_required=trademark_pledge_extra_required,
    )


def _amendment_values(
    actor: Any, operation: str, data: Mapping[str, Any], at: dt.datetime
) -> dict[str, Any]:
    parent = registered_pledge(
        actor, str(data.get("registration_number", "")), kind=FilingKind.TRADEMARK_PLEDGE
    )
    assert parent.term_start is not None and parent.term_end is not None
    values: dict[str, Any] = {
        "parent": parent,
        "application_number": "",
        "holder_name": parent.holder_name,
        "counterparty_name": parent.counterparty_name,
        "amount": parent.amount,
        "term_start": parent.term_start,
        "term_end": parent.term_end,
    }
    if operation == Operation.CHANGE:
        values["counterparty_name"] = (
            text(data, "pledgee", "质权人", required=False) or parent.counterparty_name
        )
        values["amount"] = (
            checks.parse_amount(data.get("debt_amount"), field="debt_amount", required=False)
            or parent.amount
        )
        values["details"] = {**parent.details, "change_reason": text(data, "reason", "变更事由")}
    elif operation == Operation.EXTEND:
        end = checks.parse_date(
            data.get("debt_end"), field="debt_end", label="延期后的债务履行期限届满日"
        )
        if end <= parent.term_end:
            raise checks.field_error(
                "debt_end",
                f"延期后的届满日须晚于原届满日（{parent.term_end:%Y-%m-%d}）。",
                FilingErrorCode.BAD_TERM,
            )
        values["term_end"] = end
        values["details"] = {**parent.details, "extend_reason": text(data, "reason", "延期事由")}
    else:
        values["details"] = {**parent.details, "cancel_reason": text(data, "reason", "注销事由")}
    return values


@transaction.atomic
def trademark_pledge_amend_submit(
    *,
    actor: Any,
    operation: str,
    data: Mapping[str, Any],
    documents: Documents,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Filing:
    """Apply to change (变更), extend (延期) or cancel (注销) a registered trademark
    pledge, by its registration number; each has its own form and materials."""
    if operation not in AMENDMENTS:
        raise checks.field_error("operation", "请选择变更、延期或注销。")
    return create_filing(
        actor=actor,
        service=service_or_error(FilingKind.TRADEMARK_PLEDGE, operation),
        idempotency_key=idempotency_key,
        documents=documents,
        submit=True,
        now=now,
        validate=lambda at: _amendment_values(actor, operation, data, at),
    )


def trademark_pledge_register_effects(*, actor: Any, filing: Filing, now: dt.datetime) -> None:
    """Approving an establishment checks the mark again under a row lock: the
    trademark's record when the platform has one (still registered, the pledgor
    its registrant), else the applicant organisation's row, so that two pledges
    of one mark approved at once cannot both register. Approving a change,
    extension or cancellation moves the registration it amends."""
    if filing.operation != Operation.ESTABLISH:
        amendment_effects(actor=actor, filing=filing, now=now)
        return
    number = str(filing.details.get("trademark_number", ""))
    mark = checks.trademark_for(number, lock=True)
    if mark is None:
        Organisation.objects.select_for_update().filter(pk=filing.organisation_id).first()
    else:
        try:
            checks.ensure_trademark_registered(mark)
            checks.ensure_trademark_owner(mark, filing.holder_name)
        except ApplicationError as exc:
            raise ApplicationError(
                f"{exc.message}请选择相应的不予登记理由。",
                code=exc.code,
                fields=exc.fields,
                status=409,
            ) from None
    existing = checks.active_trademark_pledge(number, exclude_id=filing.pk)
    if existing is not None:
        raise ApplicationError(
            f"商标 {number} 已办理质权登记（登记号 {existing.registration_number}），不能重复登记；"
            "请注销原质权登记后再办理，或以“其他不符合出质条件的情形”为由不予登记。",
            code=FilingErrorCode.ALREADY_PLEDGED,
            status=409,
        )
