"""Application / publication number normalisation against DOMAIN.md and the real samples."""

from __future__ import annotations

import re

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iphub.patents.ipc import default_data_dir
from iphub.patents.numbers import (
    NumberFormatError,
    application_check_char,
    application_type,
    application_year,
    format_publication_number,
    is_valid_application_number,
    normalize_application_number,
    normalize_publication_number,
)

DATA = default_data_dir()


@pytest.mark.parametrize("number", ["201710601862.3", "201310699744.2", "95115608.X"])
def test_domain_worked_examples(number: str) -> None:
    assert normalize_application_number(number) == number
    assert is_valid_application_number(number)


def _sql_application_numbers() -> list[str]:
    # Independent of the importer: every quoted CN application number in the dump,
    # i.e. the 申请号 column (the 全文链接 column repeats it as '查看CN…').
    text = (DATA / "patent_export_62col_sample.sql").read_text(encoding="utf-8")
    return re.findall(r"'(CN\d{12}\.[0-9X])'", text)


def test_real_application_numbers_pass() -> None:
    numbers = _sql_application_numbers()
    assert len(numbers) == 10
    for raw in numbers:
        assert normalize_application_number(raw) == raw.removeprefix("CN")
    text = (DATA / "patent_export_62col_sample.sql").read_text(encoding="utf-8")
    links = re.findall(r"'查看(CN\d{12}\.[0-9X])'", text)
    assert links == numbers


def test_other_files_carry_no_application_numbers() -> None:
    # Documented finding: the CSV, JSONL and xlsx samples have no application numbers;
    # the xlsx has publication numbers only (tested below).
    pattern = re.compile(r"(?:CN|ZL)?\d{12}\.[0-9X]|\b\d{8}\.[0-9X]\b")
    for name in ("patent_titles_4800.csv", "ccf2022_patents.jsonl"):
        assert not pattern.search((DATA / name).read_text(encoding="utf-8"))


def test_real_publication_numbers() -> None:
    wb = openpyxl.load_workbook(DATA / "patent_30_with_claims.xlsx", read_only=True)
    pubs = [r[1] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if r[1]]
    wb.close()
    assert len(pubs) == 30
    for raw in pubs:
        assert normalize_publication_number(raw) == (raw, "")
    text = (DATA / "patent_export_62col_sample.sql").read_text(encoding="utf-8")
    for raw in re.findall(r"'(CN\d{9}[A-Z]\d?)'", text):
        number, kind = normalize_publication_number(raw)
        assert format_publication_number(number, kind) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "CN201710601862.3",
        "cn201710601862.3",
        "ZL201710601862.3",
        "ZL 2017 1 0601862.3",
        "2017 1060 1862.3",
        "2017106018623",
        "２０１７１０６０１８６２．３",
        "ＣＮ２０１７１０６０１８６２。３",
        " 201710601862.3\n",
    ],
)
def test_formats_normalise(raw: str) -> None:
    assert normalize_application_number(raw) == "201710601862.3"


@pytest.mark.parametrize("raw", ["95115608x", "CN95115608.x", "95115608X", "ZL95115608.X"])
def test_old_formats_normalise(raw: str) -> None:
    assert normalize_application_number(raw) == "95115608.X"


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        ("201710601862.5", "bad_check", "校验位应为 3，输入为 5"),
        ("201710601862", "missing_check", "应为 201710601862.3"),
        ("2017106018", "bad_length", "应为 12 位"),
        ("201740601862.3", "bad_type", "输入为 4"),
        ("209910601862.3", "bad_year", "2099"),
        ("12115608.X", "bad_year", "12"),
        ("2017-abc", "bad_chars", "无法识别"),
        ("", "empty", "为空"),
    ],
)
def test_errors_explain(raw: str, code: str, fragment: str) -> None:
    with pytest.raises(NumberFormatError) as info:
        normalize_application_number(raw)
    assert info.value.code == code
    assert fragment in info.value.message
    assert not is_valid_application_number(raw)


def test_type_and_year() -> None:
    assert application_type("201710601862.3") == "invention"
    assert application_type("CN202223220665.2") == "utility"
    assert application_type("95115608.X") == "invention"
    assert application_year("95115608.X") == 1995
    assert application_year("201310699744.2") == 2013
    assert application_check_char("201710601862") == "3"
    assert application_check_char("95115608") == "X"


# ---------------------------------------------------------------- properties

_new_bodies = st.builds(
    lambda y, t, s: f"{y}{t}{s:07d}",
    st.integers(2003, 2025),
    st.sampled_from("12389"),
    st.integers(0, 9_999_999),
)
_old_bodies = st.builds(
    lambda y, t, s: f"{y:02d}{t}{s:05d}",
    st.sampled_from([*range(85, 100), 0, 1, 2, 3]),
    st.sampled_from("12389"),
    st.integers(0, 99_999),
)


@given(st.one_of(_new_bodies, _old_bodies), st.data())
def test_single_digit_change_rejected(body: str, data: st.DataObject) -> None:
    number = f"{body}.{application_check_char(body)}"
    assert normalize_application_number(number) == number
    pos = data.draw(st.integers(0, len(body)))  # len(body) = the check character
    chars = list(number.replace(".", ""))
    new = data.draw(st.sampled_from([c for c in "0123456789X" if c != chars[pos]]))
    if pos < len(body) and new == "X":
        new = "0" if chars[pos] != "0" else "1"
    chars[pos] = new
    mutated = "".join(chars[:-1]) + "." + chars[-1]
    assert not is_valid_application_number(mutated), mutated


@given(st.one_of(_new_bodies, _old_bodies), st.sampled_from(["CN", "ZL", "", "cn"]))
def test_normalisation_round_trips(body: str, prefix: str) -> None:
    canonical = f"{body}.{application_check_char(body)}"
    full = canonical.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X."})
    variants = [
        canonical,
        prefix + canonical,
        prefix + canonical.replace(".", ""),
        prefix + " " + " ".join(canonical),
        canonical.lower(),
        full,
    ]
    for v in variants:
        assert normalize_application_number(v) == canonical, v
    assert normalize_application_number(normalize_application_number(canonical)) == canonical


# ---------------------------------------------------------------- publication numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CN115883397B", ("CN115883397", "B")),
        ("cn 115883397 b", ("CN115883397", "B")),
        ("115883397", ("CN115883397", "")),
        ("CN115883397C3", ("CN115883397", "C3")),
        ("CN115883397A9", ("CN115883397", "A9")),
        ("CN218751475U", ("CN218751475", "U")),
        ("CN218751475Y2", ("CN218751475", "Y2")),
        ("CN218751475U8", ("CN218751475", "U8")),
        ("CN305123456S", ("CN305123456", "S")),
        ("CN305123456S9", ("CN305123456", "S9")),
        ("CN1141661C", ("CN1141661", "C")),
        ("CN2345678Y", ("CN2345678", "Y")),
        ("CN3123456D", ("CN3123456", "D")),
        ("ＣＮ１１５８８３３９７Ｂ", ("CN115883397", "B")),
    ],
)
def test_publication_numbers(raw: str, expected: tuple[str, str]) -> None:
    assert normalize_publication_number(raw) == expected
    assert format_publication_number(*expected) == expected[0] + expected[1]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("CN115883397U", "bad_kind"),
        ("CN218751475B", "bad_kind"),
        ("CN115883397Z", "bad_kind"),
        ("CN515883397A", "bad_type"),
        ("CN11588339B", "bad_publication"),
        ("US1234567B2", "bad_publication"),
        ("", "empty"),
    ],
)
def test_publication_errors(raw: str, code: str) -> None:
    with pytest.raises(NumberFormatError) as info:
        normalize_publication_number(raw)
    assert info.value.code == code
