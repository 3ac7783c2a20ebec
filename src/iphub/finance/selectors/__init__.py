"""Reads of the finance app, each region- or organisation-scoped: totals (pledge
figures from filings, funds, bank loans), financing (products, requests, answers,
board, whitelist), insurance, figures (what feeds supervision)."""

from iphub.finance.selectors.totals import (
    FINANCE_ROLES,
    PledgeTotals,
    claim_list,
    fund_get,
    fund_list,
    fund_regions,
    industry_of,
    loan_report_list,
    pledge_totals,
)

__all__ = [
    "FINANCE_ROLES",
    "PledgeTotals",
    "claim_list",
    "fund_get",
    "fund_list",
    "fund_regions",
    "industry_of",
    "loan_report_list",
    "pledge_totals",
]
