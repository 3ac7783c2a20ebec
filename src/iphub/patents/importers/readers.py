"""Streaming readers: every format yields :class:`RawRow` one at a time.

Uploads can be large exports (hundreds of thousands of rows), so no reader holds the
whole file: CSV and JSON Lines are read line by line, Excel through openpyxl's
``read_only`` mode, MySQL dumps statement by statement (see :mod:`.sqldump`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "RawRow",
    "UnsupportedFileError",
    "detect_format",
    "read_csv",
    "read_file",
    "read_jsonl",
    "read_xlsx",
    "sniff_encoding",
]


@dataclass(frozen=True, slots=True)
class RawRow:
    """One source record as text. ``line_no`` is 1-based and points where a person would
    look: the CSV/JSONL line, the Excel row number, the dump line of the INSERT."""

    line_no: int
    source: dict[str, str] = field(default_factory=dict)


class UnsupportedFileError(ValueError):
    """File type or encoding the importers cannot read; ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


PathLike = str | os.PathLike[str]

_SNIFF_BYTES = 64 * 1024


def sniff_encoding(path: PathLike) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` or ``gbk`` (Excel on Chinese Windows saves CSV as GBK).

    Decodes the first 64 KiB incrementally so a multi-byte character cut at the boundary
    is not mistaken for an encoding error.
    """
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" and many Windows tools save UTF-16 with a BOM;
        # the utf-16 codec reads the BOM and drops it.
        return "utf-16"
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        # gb18030 is a superset of gbk and decodes every gbk file identically.
        return enc
    raise UnsupportedFileError("无法识别文件编码：请另存为 UTF-8、UTF-16 或 GBK 编码的 CSV")


def _cell_text(value: object) -> str:
    """Excel cell -> text. Dates become ISO dates; whole floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _unique_headers(raw: list[str]) -> list[str]:
    """Blank headers become ``(未命名列 N)`` and duplicates get ``#2`` so no column is
    silently overwritten in the row dict (and both show up in the column report)."""
    out: list[str] = []
    for i, h in enumerate(raw, start=1):
        name = (h or "").strip() or f"(未命名列 {i})"
        base, n = name, 2
        while name in out:
            name, n = f"{base}#{n}", n + 1
        out.append(name)
    return out


def read_csv(path: PathLike, encoding: str | None = None) -> Iterator[RawRow]:
    """CSV with a header row; encoding sniffed unless given. Blank lines are skipped."""
    enc = encoding or sniff_encoding(path)
    with open(path, encoding=enc, newline="") as fh:
        try:
            yield from _csv_rows(csv.reader(fh))
        except UnicodeDecodeError as exc:
            # The sniff only sees the first 64 KiB; a file that switches encoding later
            # (concatenated exports) fails here, with a message the uploader can act on.
            raise UnsupportedFileError(
                f"文件中有不是 {enc} 编码的内容（前后编码不一致），请统一另存为 UTF-8 后再上传"
            ) from exc


def _csv_rows(reader: Any) -> Iterator[RawRow]:
    """Rows of a ``csv.reader``; ``line_no`` is the physical line a record starts on."""
    try:
        headers = _unique_headers(next(reader))
    except StopIteration:
        return
    start = reader.line_num + 1
    for row in reader:
        line_no, start = start, reader.line_num + 1  # a quoted field may span lines
        if not any(c.strip() for c in row):
            continue
        values = [c.strip() for c in row] + [""] * (len(headers) - len(row))
        source = dict(zip(headers, values, strict=False))
        if len(row) > len(headers):
            source["(多余列)"] = ",".join(row[len(headers) :])
        yield RawRow(line_no, source)


# Patent exports are large: a sheet may hold as many rows as Excel allows and
# unpack to a few GB; the core reader still refuses forged dimensions and stops
# on a long empty tail.
XLSX_MAX_UNPACKED = 4 * 1024**3
XLSX_MAX_COLS = 300


def read_xlsx(path: PathLike, sheet: str | None = None) -> Iterator[RawRow]:
    """First (or named) worksheet, streamed through the core workbook reader; the
    first non-empty row is the header, fully empty rows (Excel's formatted tail)
    are skipped."""
    from iphub.core.errors import ApplicationError
    from iphub.core.workbooks import EXCEL_MAX_ROWS, open_workbook, sheet_rows

    try:
        wb = open_workbook(
            path,
            unreadable="无法打开 Excel 文件：请确认是 .xlsx 格式且未损坏",
            max_unpacked=XLSX_MAX_UNPACKED,
        )
    except ApplicationError as exc:
        raise UnsupportedFileError(exc.message) from None
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        headers: list[str] | None = None
        rows = sheet_rows(ws, header_rows=1, max_rows=EXCEL_MAX_ROWS, max_cols=XLSX_MAX_COLS)
        for row_no, row in rows:
            cells = [_cell_text(v) for v in row]
            if not any(cells):
                continue
            if headers is None:
                headers = _unique_headers(cells)
                continue
            cells += [""] * (len(headers) - len(cells))
            yield RawRow(row_no, dict(zip(headers, cells, strict=False)))
    except ApplicationError as exc:
        raise UnsupportedFileError(exc.message) from None
    finally:
        wb.close()  # read_only workbooks keep the zip open until closed


def read_jsonl(path: PathLike) -> Iterator[RawRow]:
    """JSON Lines: one object per line; values become text (lists joined with ``;``)."""
    enc = sniff_encoding(path)
    with open(path, encoding=enc) as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                # json's own message is English ("Expecting ',' delimiter"): say where.
                raise UnsupportedFileError(
                    f"第 {line_no} 行不是合法的 JSON（第 {exc.colno} 个字符处）："
                    "请检查该行的引号、逗号和括号是否成对，每行应为一个完整的 {…} 对象"
                ) from exc
            if not isinstance(obj, dict):
                raise UnsupportedFileError(f"第 {line_no} 行应为 JSON 对象（{{...}}）")
            yield RawRow(line_no, {str(k): _json_text(v) for k, v in obj.items()})


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_json_text(v) for v in value)
    if isinstance(value, bool | int | float | str):
        return str(value).strip()
    return json.dumps(value, ensure_ascii=False)


_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc


def detect_format(path: PathLike) -> str:
    """``csv`` | ``xlsx`` | ``jsonl`` | ``sql`` from content first, extension second.

    Content wins because users rename files ("导出.xls" that is really CSV is common).
    """
    p = Path(path)
    ext = p.suffix.lower()
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # UTF-16 text has a NUL in every other byte: judge it by its characters.
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8")
    if head.startswith(_OLE_MAGIC):
        raise UnsupportedFileError("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV")
    if head.startswith(_XLSX_MAGIC):
        if ext in (".xlsx", ".xlsm") or _zip_is_xlsx(p):
            return "xlsx"
        raise UnsupportedFileError("压缩包或非 Excel 的 Office 文件无法导入，请上传 .xlsx")
    # Judge by content, not by name: a PDF or image renamed to .csv, or any binary
    # file (NUL bytes never occur in UTF-8/GBK text), is refused before parsing.
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or b"\x00" in head:
        raise UnsupportedFileError(
            # No file name here: ``path`` is the stored copy's internal name; the
            # job shows the name the user uploaded.
            "文件内容不是表格或文本数据（看起来是 PDF、图片或其他二进制文件），"
            "请上传 CSV（UTF-8、UTF-16 或 GBK 编码）、Excel(.xlsx)、JSON Lines 或 MySQL 导出(.sql)"
        )
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if ext == ".sql" or text.startswith((b"/*", b"--", b"SET ", b"CREATE ", b"INSERT ")):
        return "sql"
    if ext in (".jsonl", ".ndjson", ".json") or text.startswith(b"{"):
        return "jsonl"
    if ext in (".csv", ".txt") or b"," in head:
        return "csv"
    raise UnsupportedFileError(
        f"不支持的文件类型“{ext or '无扩展名'}”："
        "请上传 CSV、Excel(.xlsx)、JSON Lines 或 MySQL 导出(.sql)"
    )


def _zip_is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def read_file(path: PathLike) -> Iterator[RawRow]:
    """Dispatch on :func:`detect_format`. Raises :class:`UnsupportedFileError`."""
    from .sqldump import read_sql_dump

    fmt = detect_format(path)
    if fmt == "xlsx":
        return read_xlsx(path)
    if fmt == "sql":
        return read_sql_dump(path)
    if fmt == "jsonl":
        return read_jsonl(path)
    return read_csv(path)
