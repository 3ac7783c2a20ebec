"""Small forged workbooks for the importers' limits (issue 18, finding 12):
a few KB that claim, or spread out to, millions of rows."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def stretch(
    xlsx: bytes, *, claimed_rows: int | None = None, far_row: int | None = None, sheet: str = SHEET
) -> bytes:
    """``xlsx`` with ``sheet``'s dimension claiming ``claimed_rows`` rows and one
    more non-empty cell at row ``far_row`` (every row between is missing from the
    file, and a reader that fills the gap walks them all)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == sheet:
                xml = data.decode()
                if claimed_rows is not None:
                    xml = re.sub(
                        r'<dimension ref="A1(:([A-Z]+)\d+)?"',
                        lambda m: f'<dimension ref="A1:{m.group(2) or "A"}{claimed_rows}"',
                        xml,
                    )
                if far_row is not None:
                    cell = f'<c r="A{far_row}" t="inlineStr"><is><t>远行</t></is></c>'
                    far = f'<row r="{far_row}">{cell}</row>'
                    xml = xml.replace("</sheetData>", far + "</sheetData>")
                data = xml.encode()
            dst.writestr(info, data)
    return out.getvalue()


def stretched_xlsx(
    rows: Sequence[Sequence[Any]], *, claimed_rows: int | None = None, far_row: int | None = None
) -> bytes:
    """A one-sheet workbook of ``rows``, stretched as :func:`stretch` says."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(list(r))
    plain = io.BytesIO()
    wb.save(plain)
    return stretch(plain.getvalue(), claimed_rows=claimed_rows, far_row=far_row)
