"""Error codes of the protection app (rendered as ``{"code", "message", "fields"}``)."""

from __future__ import annotations

from enum import StrEnum


class ProtectionErrorCode(StrEnum):
    GROUP_DECIDED = "group_already_decided"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    STALE_STATE = "stale_state"
    BAD_FILE = "bad_file"
    CASE_CLOSED = "case_closed"
    NO_STATION = "no_station_for_request"
    NOT_ELIGIBLE = "not_eligible"
    FEEDBACK_INVALID = "feedback_invalid"
    RUN_BUSY = "screening_run_busy"
    NOT_RECOGNISABLE = "evidence_not_recognisable"
