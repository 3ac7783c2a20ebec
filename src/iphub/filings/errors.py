"""The filings app's error codes (errors as data, STYLE.md): services raise
``ApplicationError`` with one of these and a Chinese message on the field."""

from __future__ import annotations

from enum import StrEnum


class FilingErrorCode(StrEnum):
    INVALID_NUMBER = "invalid_application_number"
    PATENT_NOT_FOUND = "patent_not_found"
    NOT_GRANTED = "patent_not_granted"
    NOT_IN_FORCE = "patent_not_in_force"
    NOT_PATENTEE = "not_patentee"
    # The pledgor/licensor/transferor is not the enterprise that files.
    PARTY_NOT_FILER = "party_not_filer"
    CO_OWNER_CONSENT = "co_owner_consent_missing"
    ALREADY_PLEDGED = "already_pledged"
    TERM_AFTER_EXPIRY = "term_after_expiry"
    BAD_TERM = "invalid_term"
    BAD_AMOUNT = "invalid_amount"
    BAD_FILE = "invalid_file"
    MISSING_MATERIAL = "missing_material"
    ALREADY_HANDLED = "already_handled"
    WRONG_STATE = "wrong_state"
    BAD_GROUND = "invalid_refusal_ground"
    LATE_FILING = "filed_too_late"
    LICENCE_CONFLICT = "licence_conflict"
    INVALID_TRADEMARK_NUMBER = "invalid_trademark_number"
    BAD_CLASS = "invalid_nice_class"
    TRADEMARK_EXPIRED = "trademark_expired"
    TRADEMARK_NOT_REGISTERED = "trademark_not_registered"
    NOT_TRADEMARK_OWNER = "not_trademark_owner"
    TRADEMARK_MISMATCH = "trademark_mismatch"
    NOT_JOINT = "joint_application_missing"
    SIMILAR_MARKS = "similar_marks_not_included"
    TRANSFER_PENDING = "transfer_pending"
    PLEDGEE_CONSENT = "pledgee_consent_missing"
    NOT_ENTITLED = "not_entitled"
