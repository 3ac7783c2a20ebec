"""Writes of the finance app, one module per entity: funds (funds, claims, bank
loan import), sharing (loss sharing of defaults), products, requests (financing
requests), answers (the banks' steps), whitelist, insurance."""

from iphub.finance.services.funds import (
    LOAN_HEADERS,
    MAX_LOAN_ROWS,
    LoanImportResult,
    claim_create,
    claim_decide,
    fund_create,
    loans_import,
)

__all__ = [
    "LOAN_HEADERS",
    "MAX_LOAN_ROWS",
    "LoanImportResult",
    "claim_create",
    "claim_decide",
    "fund_create",
    "loans_import",
]
