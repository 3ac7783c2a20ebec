"""Reads of the finance app, each region- or organisation-scoped: totals (pledge
figures from filings, funds, bank loans), financing (products, requests, answers,
board, whitelist), insurance, figures (what feeds supervision)."""

from iphub.finance.selectors.figures import conversion, fund_exposure, insurance_cover
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

# conversion, insurance_cover and fund_exposure are here so that finance's own
# indicators (finance/indicators.py, registered in core) and pages can read them.
__all__ = [
    "FINANCE_ROLES",
    "PledgeTotals",
    "claim_list",
    "conversion",
    "fund_exposure",
    "fund_get",
    "fund_list",
    "fund_regions",
    "industry_of",
    "insurance_cover",
    "loan_report_list",
    "pledge_totals",
]
