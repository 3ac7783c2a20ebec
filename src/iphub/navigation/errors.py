"""The navigation app's error codes (raised as ``ApplicationError(code=...)``)."""

from __future__ import annotations

from enum import StrEnum


class NavigationError(StrEnum):
    INVALID_QUERY = "navigation_invalid_query"
    UNKNOWN_CHAIN = "navigation_unknown_chain"
    ANALYSIS_NOT_READY = "navigation_analysis_not_ready"
    UNKNOWN_CRITERION = "navigation_unknown_criterion"
    UNKNOWN_PATENT = "navigation_unknown_patent"
