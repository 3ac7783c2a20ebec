"""The supervision app's error codes (services raise ApplicationError with one of these)."""

from __future__ import annotations

from enum import StrEnum


class SupervisionError(StrEnum):
    PLAN_FILE_INVALID = "plan_file_invalid"
    REPORT_NOT_EDITABLE = "report_not_editable"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    REASON_REQUIRED = "reason_required"
    STALE_VERSION = "stale_version"
    NOT_A_REPORTING_UNIT = "not_a_reporting_unit"
    UPLOAD_REFUSED = "upload_refused"
    IMPORT_INVALID = "import_invalid"
    SCHEME_INVALID = "scheme_invalid"
    UNKNOWN_INDICATOR = "unknown_indicator"
