"""Finance records (plan task 八): funds, claims and loss sharing; bank-reported
loans; loan products, financing requests and bank answers; the whitelist;
insurance policies and claims. One module per family; all importable from here."""

from iphub.finance.models.financing import (
    AnswerEvent,
    AnswerState,
    BankAnswer,
    Collateral,
    DeclineReason,
    FinanceNotice,
    FinancingRequest,
    LoanProduct,
    RequestState,
    SupplementFile,
    WhitelistCriterion,
    WhitelistEntry,
)
from iphub.finance.models.funds import (
    BankLoanReport,
    ClaimStatus,
    CompensationClaim,
    LoanDefault,
    PledgeKind,
    RiskCompensationFund,
)
from iphub.finance.models.insurance import (
    ClaimOutcome,
    InsuranceClaim,
    InsurancePolicy,
    PolicyKind,
)

__all__ = [
    "AnswerEvent",
    "AnswerState",
    "BankAnswer",
    "BankLoanReport",
    "ClaimOutcome",
    "ClaimStatus",
    "Collateral",
    "CompensationClaim",
    "DeclineReason",
    "FinanceNotice",
    "FinancingRequest",
    "InsuranceClaim",
    "InsurancePolicy",
    "LoanDefault",
    "LoanProduct",
    "PledgeKind",
    "PolicyKind",
    "RequestState",
    "RiskCompensationFund",
    "SupplementFile",
    "WhitelistCriterion",
    "WhitelistEntry",
]
