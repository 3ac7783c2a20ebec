"""Streaming Excel export shared by every page that offers "导出 Excel".

openpyxl's write-only workbook keeps only the current row in memory, so an
export of 100k+ rows does not grow with the result. A second sheet records the
query and the time it ran, so a spreadsheet passed around the office still says
where its numbers came from.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def write_xlsx(
    target: Any,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    query: dict[str, Any] | None = None,
) -> int:
    """Write one data sheet plus a 查询条件 sheet to ``target``; returns the row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    meta = wb.create_sheet("查询条件")
    meta.append(["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")])
    meta.append(["记录数", count])
    for key, value in (query or {}).items():
        meta.append([str(key), str(value)])
    wb.save(target)
    return count


def xlsx_response(
    filename: str,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    query: dict[str, Any] | None = None,
) -> FileResponse:
    """An attachment response; the workbook is spooled to a temp file, not built in memory."""
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(tmp, sheet_title, headers, rows, query=query)
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class _Echo:
    """A file-like object whose ``write`` hands the line back, so csv.writer yields text."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream rows as a UTF-8 CSV attachment, one line at a time."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM.
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
