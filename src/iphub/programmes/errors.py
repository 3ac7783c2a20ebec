"""The programmes app's error codes (errors as data: one code per kind of refusal)."""

from __future__ import annotations

from enum import StrEnum


class ProgrammeErrorCode(StrEnum):
    INVALID = "programme_invalid"
    WINDOW_CLOSED = "programme_window_closed"
    NOT_ELIGIBLE = "programme_not_eligible"
    ALREADY_APPLIED = "programme_already_applied"
    ALREADY_MEMBER = "programme_already_member"
    BAD_FILE = "programme_bad_file"
    MISSING_EVIDENCE = "programme_missing_evidence"
    BAD_SCORE = "programme_bad_score"
    QUOTA_FULL = "programme_quota_full"
    WRONG_STATE = "programme_wrong_state"
    ALREADY_HANDLED = "programme_already_handled"
