"""Writes of the filings app, one module per entity: applications (shared
creation), pledges, trademarks (trademark pledges), licences, transfers,
products, drafts, review steps, escalation."""

from iphub.filings.services.drafts import filing_draft_update, filing_submit
from iphub.filings.services.escalation import filings_escalate_overdue
from iphub.filings.services.licences import licence_submit
from iphub.filings.services.pledges import (
    pledge_cancel_submit,
    pledge_change_submit,
    pledge_submit,
)
from iphub.filings.services.products import product_submit
from iphub.filings.services.review import (
    filing_accept,
    filing_approve,
    filing_correct,
    filing_refuse,
    filing_return,
    filing_withdraw,
)
from iphub.filings.services.trademarks import (
    trademark_pledge_amend_submit,
    trademark_pledge_submit,
)
from iphub.filings.services.transfers import transfer_submit

__all__ = [
    "filing_accept",
    "filing_approve",
    "filing_correct",
    "filing_draft_update",
    "filing_refuse",
    "filing_return",
    "filing_submit",
    "filing_withdraw",
    "filings_escalate_overdue",
    "licence_submit",
    "pledge_cancel_submit",
    "pledge_change_submit",
    "pledge_submit",
    "product_submit",
    "trademark_pledge_amend_submit",
    "trademark_pledge_submit",
    "transfer_submit",
]
