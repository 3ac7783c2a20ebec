"""The transfer app's error codes (errors as data; see ``core/errors.py``)."""

from __future__ import annotations

from enum import StrEnum


class TransferError(StrEnum):
    NEED_INVALID = "need_invalid"
    NEED_NOT_OPEN = "need_not_open"
    NEED_EXPIRED = "need_expired"
    NOT_OWNER = "not_patent_owner"
    PATENT_UNAVAILABLE = "patent_unavailable"
    OPEN_LICENCE_INVALID = "open_licence_invalid"
    OPEN_LICENCE_BARRED = "open_licence_barred"
    LISTING_NOT_ACTIVE = "listing_not_active"
    MATCH_STAGE = "match_stage"
    NOT_A_PARTY = "not_a_party"
    FILING_MISMATCH = "filing_mismatch"
