"""The one reader of uploaded Excel workbooks, with its work bounded.

An xlsx is a zip: 420 KB can unpack to three million empty ``<row/>``
elements, which openpyxl dutifully hands over one by one (62 s and 556 MB in the
need import, in the web worker). Every importer reads through
:func:`open_workbook` and :func:`sheet_rows`, which refuse a file that unpacks
too large or declares more rows than a sheet can hold, stop after a long run of
empty rows (Excel's formatted tail), never widen a row past ``max_cols`` and
refuse more than ``max_rows`` rows with a message that says to split the file.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.workbook.workbook import Workbook

from iphub.core.errors import ApplicationError
from iphub.core.exports import unescape_cell

# A real Excel sheet has at most this many rows; a file claiming more is forged.
EXCEL_MAX_ROWS = 1_048_576
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_COLS = 200
# Consecutive empty rows after which the rest of the sheet is taken as empty.
EMPTY_RUN = 1_000
DEFAULT_MAX_UNPACKED = 200 * 1024 * 1024
FILE_TOO_LARGE = "file_too_large"
FILE_UNREADABLE = "file_unreadable"


def too_many_rows(max_rows: int) -> ApplicationError:
    msg = _("文件超过 %(n)s 行，请拆分后上传。") % {"n": max_rows}
    return ApplicationError(msg, code=FILE_TOO_LARGE, fields={"file": msg})


def open_workbook(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    unreadable: str | None = None,
    max_unpacked: int = DEFAULT_MAX_UNPACKED,
) -> Workbook:
    """A read-only, values-only workbook of ``source``; ``ApplicationError`` with
    ``unreadable`` (or a general message) if it is not an xlsx, and with a
    "split it" message if it unpacks to more than ``max_unpacked`` bytes.
    Close it (``wb.close()``) when done: read-only workbooks keep the file open."""
    msg = unreadable or _("无法读取该文件：请上传 Excel（.xlsx）文件。")
    try:
        with zipfile.ZipFile(source) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ApplicationError(msg, code=FILE_UNREADABLE, fields={"file": msg}) from None
    if unpacked > max_unpacked:
        big = _("文件解压后超过 %(mb)s MB，请拆分后上传。") % {"mb": max_unpacked // (1024 * 1024)}
        raise ApplicationError(big, code=FILE_TOO_LARGE, fields={"file": big})
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken file
        raise ApplicationError(msg, code=FILE_UNREADABLE, fields={"file": msg}) from None


def sheet_rows(
    ws: Any,
    *,
    min_row: int = 1,
    header_rows: int = 0,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cols: int = DEFAULT_MAX_COLS,
    empty_run: int = EMPTY_RUN,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(row number, values)`` of each non-empty row of ``ws`` from ``min_row``.

    Raises the "文件超过 N 行" ``ApplicationError`` when the sheet declares more
    rows than Excel allows or holds more than ``max_rows`` non-empty rows besides
    its ``header_rows`` first ones; stops
    after ``empty_run`` empty rows in a row. Text the platform's own export
    quoted (``'=…``) comes back as written."""
    declared = getattr(ws, "max_row", None)
    if isinstance(declared, int) and declared > EXCEL_MAX_ROWS:
        raise too_many_rows(max_rows)
    width = getattr(ws, "max_column", None)
    sized = isinstance(width, int) and width > 0
    max_col = min(width, max_cols) if isinstance(width, int) and sized else max_cols
    seen = empties = 0
    for row_no, values in enumerate(
        ws.iter_rows(min_row=min_row, max_col=max_col, values_only=True), start=min_row
    ):
        if not values or all(v is None or v == "" for v in values):
            empties += 1
            if empties >= empty_run:
                return
            continue
        if not sized:  # no declared width: rows as long as their last value, as openpyxl gives
            last = max(i for i, v in enumerate(values) if v is not None and v != "")
            values = values[: last + 1]
        empties = 0
        seen += 1
        if seen > max_rows + header_rows:
            raise too_many_rows(max_rows)
        yield row_no, tuple(unescape_cell(v) for v in values)
