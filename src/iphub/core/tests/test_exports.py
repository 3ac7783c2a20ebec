"""The one writer of Excel and CSV files (issue 18, findings 2 and 5): a text
cell that a spreadsheet would run as a formula is quoted, numbers stay numbers,
control characters go, and a Chinese file name reaches the browser intact."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from iphub.core.exports import (
    attachment_disposition,
    csv_response,
    safe_cell,
    unescape_cell,
    write_atomically,
    write_csv,
    write_xlsx,
    xlsx_response,
)

FORMULA = '=HYPERLINK("http://evil.example/","点我")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+86 138", "'+86 138"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\x0b=1+1", "'=1+1"),  # the control character goes first, then the quote
        ("江岸\x00\x08\x0c\x1f测试", "江岸测试"),
        ("第一行\n第二行\t列", "第一行\n第二行\t列"),
        ("武汉 = 湖北", "武汉 = 湖北"),
        (-5, -5),
        (3.5, 3.5),
        (Decimal("-12.50"), Decimal("-12.50")),
        (float("nan"), "nan"),
        (Decimal("1e999999"), "1E+999999"),
        (True, True),
        (None, None),
        (dt.date(2026, 12, 5), dt.date(2026, 12, 5)),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written


@given(st.text())
def test_no_text_leaves_as_a_formula_or_with_an_illegal_character(text: str) -> None:
    cell = safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell)
    assert unescape_cell(cell) == re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def test_workbook_holds_formulas_as_text_and_numbers_as_numbers() -> None:
    buf = io.BytesIO()
    rows: list[list[object]] = [[FORMULA, -5, Decimal("2.5"), "\x0b控制"], ["@x", None, 0, "正常"]]
    count = write_xlsx(buf, "数据", ["名称", "数量", "金额", "备注"], rows, query={"q": "=1+1"})
    assert count == 2
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    data = wb["数据"]
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in data[2]] == ["'" + FORMULA, -5, 2.5, "控制"]
    assert data["B2"].data_type == "n"
    assert ["q", "'=1+1"] in [[c.value for c in r] for r in wb["查询条件"].iter_rows()]


def test_csv_file_and_response_prefix_formula_fields() -> None:
    buf = io.BytesIO()
    assert write_csv(buf, ["名称", "数量"], [[FORMULA, -5], ["+1", 2]]) == 2
    text = buf.getvalue().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["名称", "数量"],
        ["'" + FORMULA, "-5"],
        ["'+1", "2"],
    ]
    response = csv_response("审计日志.csv", ["名称"], [["@x"], ["\x0bok"]])
    lines = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[arg-type]
    assert list(csv.reader(io.StringIO(lines))) == [["名称"], ["'@x"], ["ok"]]


def test_chinese_file_names_in_the_content_disposition() -> None:
    response = xlsx_response("组织机构.xlsx", "组织机构", ["名称"], [["甲"]])
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('组织机构.xlsx')}" in disposition
    assert 'filename="' in disposition and disposition.isascii()
    assert attachment_disposition('a"b.csv', 'x"y.csv') == (
        "attachment; filename=\"x_y.csv\"; filename*=UTF-8''a%22b.csv"
    )


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "export.csv"
    with pytest.raises(OSError), write_atomically(target) as fh:
        fh.write(b"half")
        raise OSError("disk full")
    assert list(target.parent.iterdir()) == []
    with write_atomically(target) as fh:
        fh.write(b"whole")
    assert target.read_bytes() == b"whole"
    assert [p.name for p in target.parent.iterdir()] == ["export.csv"]


def test_every_export_goes_through_the_core_writer() -> None:
    # A module that builds its own csv.writer or openpyxl Workbook would bring the
    # formula and control-character problems back.
    src = Path(__file__).resolve().parents[2]
    allowed = {
        src / "core" / "exports.py",
        # A styled template (column widths, wrapping) whose rows pass safe_row.
        src / "supervision" / "services" / "report_io.py",
    }
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(")
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if "tests" not in p.parts and p not in allowed and pattern.search(p.read_text("utf-8"))
    ]
    assert offenders == []


def test_every_import_reads_workbooks_through_the_bounded_reader() -> None:
    # openpyxl.load_workbook called elsewhere would walk a forged sheet's millions
    # of rows again (finding 12); core.workbooks bounds the work.
    src = Path(__file__).resolve().parents[2]
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if "tests" not in p.parts
        and p != src / "core" / "workbooks.py"
        and "load_workbook(" in p.read_text("utf-8")
    ]
    assert offenders == []
