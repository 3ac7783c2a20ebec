"""The brokerage app's error codes (errors as data; see ``core/errors.py``)."""

from __future__ import annotations

from enum import StrEnum


class BrokerageError(StrEnum):
    INVALID = "brokerage_invalid"
    STATE = "brokerage_state"
    DEADLINE = "call_deadline_passed"
    MUTED = "pushes_muted"
    BAD_FILE = "proposal_bad_file"
