"""Writes of the filings app, one module per entity: applications (shared
creation), pledges, licences, review steps, escalation."""

from iphub.filings.services.escalation import filings_escalate_overdue
from iphub.filings.services.licences import licence_submit
from iphub.filings.services.pledges import (
    pledge_cancel_submit,
    pledge_change_submit,
    pledge_submit,
)
from iphub.filings.services.review import (
    filing_accept,
    filing_approve,
    filing_correct,
    filing_refuse,
    filing_return,
    filing_withdraw,
)

__all__ = [
    "filing_accept",
    "filing_approve",
    "filing_correct",
    "filing_refuse",
    "filing_return",
    "filing_withdraw",
    "filings_escalate_overdue",
    "licence_submit",
    "pledge_cancel_submit",
    "pledge_change_submit",
    "pledge_submit",
]
