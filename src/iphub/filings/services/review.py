"""The window's steps on a filing (accept, return, approve, refuse) and the
applicant's (correct and resubmit, withdraw). Each locks the filing and goes
through ``workflow_steps.step``; approval also does the filing's effects."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from iphub.core.audit import audit_record
from iphub.core.calendar import LOCAL_TZ
from iphub.filings import announce, catalogue, checks
from iphub.filings.audit_actions import Action
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingKind, FilingState
from iphub.filings.services.applications import Documents, check_documents, store_documents
from iphub.filings.services.licences import licence_register_effects
from iphub.filings.services.pledges import pledge_register_effects
from iphub.filings.services.trademarks import trademark_pledge_register_effects
from iphub.filings.services.transfers import transfer_register_effects
from iphub.filings.services.workflow_steps import (
    lock_filing,
    record_event,
    step,
    version_bump,
)

# No 0/O, 1/I/L: the code is read off paper and typed in.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REGISTRATION_PREFIX = {
    FilingKind.PATENT_PLEDGE: "Y",
    FilingKind.PATENT_LICENCE: "X",
    FilingKind.TRADEMARK_PLEDGE: "S",
    FilingKind.PATENT_TRANSFER: "Z",
    FilingKind.PATENT_PRODUCT: "C",
}
# What approving each kind does beyond its own state (product filings: nothing).
REGISTER_EFFECTS: dict[str, Callable[..., None]] = {
    FilingKind.PATENT_PLEDGE: pledge_register_effects,
    FilingKind.PATENT_LICENCE: licence_register_effects,
    FilingKind.TRADEMARK_PLEDGE: trademark_pledge_register_effects,
    FilingKind.PATENT_TRANSFER: transfer_register_effects,
}


@transaction.atomic
def filing_accept(
    *,
    actor: Any,
    filing_id: int,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Filing:
    """受理: the materials are complete; the review deadline starts."""
    filing = lock_filing(filing_id)
    return step(
        actor=actor, filing=filing, name="accept", now=now, expected_version=expected_version
    )


@transaction.atomic
def filing_return(
    *,
    actor: Any,
    filing_id: int,
    reasons: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Filing:
    """退回补正 with the reasons the applicant must address."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise checks.field_error("reasons", "请写明需要补正的内容。")
    filing = lock_filing(filing_id)

    def change(f: Filing) -> None:
        f.return_reasons = reasons

    return step(
        actor=actor,
        filing=filing,
        name="return",
        now=now,
        expected_version=expected_version,
        note=reasons,
        change=change,
    )


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


@transaction.atomic
def filing_approve(
    *,
    actor: Any,
    filing_id: int,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Filing:
    """准予登记/备案: give the registration number and verification code, then do
    the filing's effects (legal events, the registration it changes or cancels)."""
    now = now or timezone.now()
    filing = lock_filing(filing_id)

    def change(f: Filing) -> None:
        year = now.astimezone(LOCAL_TZ).year
        prefix = REGISTRATION_PREFIX.get(FilingKind(f.kind), "B")
        f.registration_number = f"{prefix}{year}{f.region_id}{f.pk:07d}"
        f.verification_code = _new_code()

    filing = step(
        actor=actor,
        filing=filing,
        name="approve",
        now=now,
        expected_version=expected_version,
        change=change,
    )
    effects = REGISTER_EFFECTS.get(filing.kind)
    if effects is not None:
        effects(actor=actor, filing=filing, now=now)
    announce.registered(filing=filing, actor=actor, now=now)
    return filing


@transaction.atomic
def filing_refuse(
    *,
    actor: Any,
    filing_id: int,
    ground: str,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Filing:
    """不予登记/备案 on one of the regulation's grounds (``catalogue`` lists them)."""
    filing = lock_filing(filing_id)
    service = catalogue.service_for(filing.kind, filing.operation)
    if ground not in dict(service.refusal_grounds):
        raise checks.field_error(
            "ground", "请从规定的不予登记理由中选择一项。", FilingErrorCode.BAD_GROUND
        )
    if ground == "other" and not note.strip():
        raise checks.field_error("note", "选择“其他”时请写明理由。", FilingErrorCode.BAD_GROUND)

    def change(f: Filing) -> None:
        f.refusal_ground = ground
        f.refusal_note = note.strip()

    return step(
        actor=actor,
        filing=filing,
        name="refuse",
        now=now,
        expected_version=expected_version,
        note=f"{service.ground_label(ground)} {note}".strip(),
        change=change,
    )


@transaction.atomic
def filing_withdraw(*, actor: Any, filing_id: int, now: dt.datetime | None = None) -> Filing:
    """撤回: the applicant takes back a filing not yet accepted."""
    return step(actor=actor, filing=lock_filing(filing_id), name="withdraw", now=now)


@transaction.atomic
def filing_correct(
    *,
    actor: Any,
    filing_id: int,
    documents: Documents,
    data: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Filing:
    """补正: the applicant adds materials (and amends the pledge's amount, term or
    pledgee) on a returned filing, then resubmits it."""
    now = now or timezone.now()
    filing = lock_filing(filing_id)
    from iphub.filings.workflow import ensure_may, transition

    ensure_may(actor, transition("resubmit"), filing)
    if filing.state != FilingState.RETURNED:
        raise checks.field_error(
            "state", "只有退回补正的申请可以补正。", FilingErrorCode.WRONG_STATE
        )
    service = catalogue.service_for(filing.kind, filing.operation)
    present = set(filing.documents.values_list("material", flat=True))
    store_documents(filing, check_documents(service, documents, present=present))
    before = {
        "amount": filing.amount,
        "term_end": filing.term_end,
        "counterparty_name": filing.counterparty_name,
    }
    data = data or {}
    if data.get("debt_amount"):
        filing.amount = checks.parse_amount(data["debt_amount"], field="debt_amount")
    if data.get("debt_end") and filing.patent is not None and filing.term_start is not None:
        end = checks.parse_date(data["debt_end"], field="debt_end", label="债务履行期限届满日")
        checks.ensure_term(
            filing.term_start, end, filing.patent, end_field="debt_end", what="债务履行期限"
        )
        filing.term_end = end
    if data.get("pledgee"):
        filing.counterparty_name = str(data["pledgee"]).strip()[:200]
    filing.save(update_fields=["amount", "term_end", "counterparty_name", "updated_at"])
    version_bump(filing)
    record_event(filing, action="correct", actor=actor, at=now, frm=filing.state)
    audit_record(
        actor=actor,
        action=Action.FILING_CORRECT,
        obj=filing,
        region_path=filing.region.path,
        before=before,
        after={
            "amount": filing.amount,
            "term_end": filing.term_end,
            "counterparty_name": filing.counterparty_name,
        },
    )
    return step(actor=actor, filing=filing, name="resubmit", now=now)
