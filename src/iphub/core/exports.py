"""The one writer of every Excel and CSV file the platform hands out.

Whatever a user typed (an organisation's name, a patent title, an audit note)
ends up in these files, and a spreadsheet program treats a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula: ``=HYPERLINK("http://…","点我")`` in a
company name becomes a live link in a clerk's Excel. So every cell passes
:func:`safe_cell` (the OWASP CSV-injection rule: such text gets a leading ``'``),
real numbers stay numbers, and the control characters XML forbids (an
organisation named with ``\\x0b`` used to make the export answer 500) are removed.

Workbooks are written with openpyxl's write-only mode, which keeps one row in
memory, so a 100k-row export does not grow with the result. Files written for
later download go through :func:`write_atomically`: a failed export leaves no
half-written or empty file behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# A text starting with one of these is read as a formula (or, for tab and CR,
# shifts the cell so the next character is) by Excel, WPS and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so xlsx) does not allow; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel's limit for the text of one cell.
MAX_CELL_CHARS = 32767
_META_SHEET = "查询条件"
# Beyond a double's range a number is written as text.
_MAX_NUMBER = Decimal("1e308")


def clean_text(text: str) -> str:
    """``text`` without the control characters a workbook cannot hold."""
    return _ILLEGAL.sub("", text)


def safe_cell(value: Any) -> Any:
    """One cell as it may go into a file: numbers, dates and booleans unchanged,
    everything else text without control characters, a formula start neutralised
    with a leading ``'``."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        # NaN and infinities are not numbers Excel can store.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        storable = value.is_finite() and abs(value) < _MAX_NUMBER
        return value if storable else str(value)
    if isinstance(value, dt.datetime):
        # Excel has no time zones; a reader wants the office's wall clock.
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return value
    text = clean_text(str(value))[:MAX_CELL_CHARS]
    # Quotes already in front are quoted once more, so unescape_cell gives back
    # exactly what was written.
    if text.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    """:func:`safe_cell` over a row."""
    return [safe_cell(v) for v in values]


def unescape_cell(value: Any) -> Any:
    """The inverse of :func:`safe_cell`'s quote, for importers reading back a file
    the platform wrote (``'=A1`` becomes ``=A1`` again, stored as plain text)."""
    if isinstance(value, str) and value[:1] == "'" and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _csv_text(value: Any) -> Any:
    cell = safe_cell(value)
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    return cell


class SafeCsvWriter:
    """``csv.writer`` whose every field passes :func:`safe_cell`."""

    def __init__(self, fh: Any) -> None:
        self._writer = csv.writer(fh)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([_csv_text(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def _header(ws: Any, headers: Sequence[Any]) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=safe_cell(h))
        cell.font = bold
        cells.append(cell)
    return cells


def sheet_title(title: str) -> str:
    """A legal worksheet name: at most 31 characters, none of ``\\ / ? * [ ] :``."""
    cleaned = re.sub(r"[\\/?*\[\]:]", "／", clean_text(title)).strip("'")
    return cleaned[:31] or "Sheet"


def write_xlsx_sheets(
    target: Any,
    sheets: Iterable[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]],
    *,
    meta_title: str = _META_SHEET,
    meta: Iterable[Sequence[Any]] = (),
) -> list[int]:
    """Write one sheet per ``(title, headers, rows)`` and a last sheet of
    ``meta`` rows (what was exported, when) to ``target``; the row count of each sheet."""
    wb = Workbook(write_only=True)
    counts = []
    for title, headers, rows in sheets:
        ws = wb.create_sheet(sheet_title(title))
        ws.append(_header(ws, headers))
        count = 0
        for row in rows:
            ws.append(safe_row(row))
            count += 1
        counts.append(count)
    meta_ws = wb.create_sheet(sheet_title(meta_title))
    for row in meta:
        meta_ws.append(safe_row(row))
    wb.save(target)
    return counts


def write_xlsx(
    target: Any,
    sheet_title: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    query: dict[str, Any] | None = None,
) -> int:
    """Write one data sheet plus a 查询条件 sheet (export time, row count, the
    query) to ``target``; returns the row count."""
    counted: list[int] = [0]

    def counting() -> Iterator[Sequence[Any]]:
        for row in rows:
            counted[0] += 1
            yield row

    def meta() -> Iterator[list[Any]]:
        yield ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")]
        yield ["记录数", counted[0]]
        for key, value in (query or {}).items():
            yield [str(key), str(value)]

    write_xlsx_sheets(target, [(sheet_title, headers, counting())], meta=meta())
    return counted[0]


def write_csv(target: IO[bytes], headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> int:
    """Write a UTF-8 CSV with a BOM (so Excel reads the Chinese) to a binary
    ``target``; returns the row count."""
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = SafeCsvWriter(text)
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    text.flush()
    text.detach()
    return count


@contextmanager
def write_atomically(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``path`` only when the block succeeds; on an
    error the partial file is removed and the error goes on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _ascii_fallback(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_.") or "download"
    return f"{plain}.{ext}" if ext.isascii() and ext else plain


def attachment_disposition(name: str, fallback: str | None = None) -> str:
    """``Content-Disposition`` of a download: the ASCII ``filename`` every client
    reads, and the UTF-8 ``filename*`` (RFC 5987/6266) browsers prefer, so a
    Chinese file name arrives intact."""
    plain = fallback if fallback is not None else _ascii_fallback(name)
    plain = re.sub(r'[\\"\x00-\x1f\x7f]', "_", plain) if plain.isascii() else _ascii_fallback(plain)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(
    content: bytes | IO[bytes], filename: str, *, content_type: str, fallback: str | None = None
) -> FileResponse:
    """A download of an already written file (or its bytes) named ``filename``."""
    fh = io.BytesIO(content) if isinstance(content, bytes) else content
    response = FileResponse(fh, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename, fallback)
    return response


def xlsx_response(
    filename: str,
    sheet_title: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    query: dict[str, Any] | None = None,
    fallback: str | None = None,
) -> FileResponse:
    """An Excel attachment; the workbook is spooled to a temp file, not built in memory."""
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(tmp, sheet_title, headers, rows, query=query)
    tmp.seek(0)
    return file_response(tmp, filename, content_type=XLSX_CONTENT_TYPE, fallback=fallback)


class _Echo:
    """A file-like object whose ``write`` hands the line back, so csv.writer yields text."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    fallback: str | None = None,
) -> StreamingHttpResponse:
    """Stream rows as a UTF-8 CSV attachment, one line at a time."""
    writer = SafeCsvWriter(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM.
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(filename, fallback)
    return response
