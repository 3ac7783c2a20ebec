"""Moved to :mod:`iphub.core.exports`, the one writer of every Excel and CSV
file (formulas neutralised, control characters removed). Kept only so that an
import not yet updated keeps working; import from core."""

from __future__ import annotations

from iphub.core.exports import csv_response, write_xlsx, xlsx_response

__all__ = ["csv_response", "write_xlsx", "xlsx_response"]
