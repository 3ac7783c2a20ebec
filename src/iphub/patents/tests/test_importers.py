"""Importers: every sample file reads fully and validates; bad input gives precise errors."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from iphub.patents.importers import (
    COLUMN_MAP,
    ImportReport,
    PatentIn,
    RawRow,
    RowError,
    UnsupportedFileError,
    detect_format,
    map_columns,
    parse_date,
    read_file,
    read_sql_dump,
    read_xlsx,
    validate_row,
)
from iphub.patents.ipc import default_data_dir

DATA = default_data_dir()
SQL = DATA / "patent_export_62col_sample.sql"
XLSX = DATA / "patent_30_with_claims.xlsx"
CSV = DATA / "patent_titles_4800.csv"
JSONL = DATA / "ccf2022_patents.jsonl"


def _import(path: Path) -> tuple[ImportReport, list[PatentIn]]:
    report, patents = ImportReport(), []
    for raw in read_file(path):
        if report.total == 0:
            report.unknown_columns = map_columns(list(raw.source))[1]
        patent, errors = validate_row(raw, source_name=path.name)
        report.add(errors, patent is not None)
        if patent is not None:
            patents.append(patent)
    return report, patents


# ---------------------------------------------------------------- independent counts


def _count_csv() -> int:
    with CSV.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def _count_jsonl() -> int:
    with JSONL.open(encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip() and json.loads(line))


def _count_xlsx() -> int:
    wb = openpyxl.load_workbook(XLSX)  # plain mode on purpose: a different code path
    rows = [r for r in wb.active.iter_rows(values_only=True) if any(c is not None for c in r)]  # type: ignore[union-attr]
    return len(rows) - 1


def _count_sql() -> int:
    return sum(1 for line in SQL.open(encoding="utf-8") if line.startswith("INSERT INTO"))


@pytest.mark.parametrize(
    ("path", "counter", "expected"),
    [(CSV, _count_csv, 4800), (JSONL, _count_jsonl, 958), (XLSX, _count_xlsx, 30),
     (SQL, _count_sql, 10)],
)  # fmt: skip
def test_sample_files_read_fully(path: Path, counter, expected: int) -> None:  # type: ignore[no-untyped-def]
    assert counter() == expected
    report, patents = _import(path)
    assert report.total == expected
    assert report.ok == expected and report.bad == 0
    # identities are unique within a file
    assert len({p.natural_key for p in patents}) == expected


def test_every_sample_header_is_known() -> None:
    for path in (CSV, JSONL, SQL):
        first = next(iter(read_file(path)))
        assert map_columns(list(first.source))[1] == [], path.name
    first = next(read_xlsx(XLSX))
    # the xlsx's first column (a row counter) has no header: reported, not dropped
    assert map_columns(list(first.source))[1] == ["(未命名列 1)"]
    assert first.source["(未命名列 1)"] == "1"
    assert len(list(first.source)) == 7


def test_sql_dump_columns_and_values() -> None:
    rows = list(read_sql_dump(SQL))
    assert len(rows[0].source) == 61  # the "62-column" export has 61 columns in CREATE TABLE
    assert rows[0].line_no == 91
    report, patents = _import(SQL)
    p = patents[9]
    assert p.application_number == "202211359874.7"
    assert p.type == "invention"
    assert (p.publication_number, p.kind, p.grant_number) == ("CN115883397", "A", "CN115883397B")
    assert p.app_date == dt.date(2022, 11, 2)
    assert p.pub_date == dt.date(2023, 3, 31)
    assert p.grant_date == dt.date(2024, 4, 5)
    assert p.ipc == ["H04L43/02", "H04L9/40", "H04L67/025"]
    assert p.inventors == ["李玺", "康锐文", "冯凯", "王元卓"]
    assert p.applicants == ["中科大数据研究院"]
    assert p.province_code_hint == "河南(41)"
    assert p.agency == "郑州明华专利代理事务所(普通合伙)"
    assert p.first_claim.startswith("1.") and p.claims == ""  # 主权项 is only claim 1
    assert p.extra["examiner"] == "邓雪彬"
    assert p.extra["substantive_exam_date"] == "20230418"
    assert p.legal_status == "有权-审定授权"
    # unpublished-grant rows: MySQL int 0 means "no date", not 1970
    assert patents[7].grant_date is None and patents[7].grant_number == ""
    assert patents[0].type == "utility"
    # row 2 carries two codes reclassified before IPC 2026.01: kept, with warnings
    assert [(w.line_no, w.field) for w in report.warnings] == [(92, "ipc"), (92, "ipc")]
    assert "H04N5/225" in report.warnings[0].message_zh
    assert "H04N5/225" in patents[1].ipc


def test_xlsx_values() -> None:
    report, patents = _import(XLSX)
    assert patents[0].publication_number == "CN101141661"
    assert patents[0].kind == "" and patents[0].application_number == ""
    assert patents[0].type == "invention"  # from the publication number's type digit
    assert patents[0].ipc == ["H04Q3/00"]
    assert patents[0].natural_key == "pub:CN101141661"
    assert patents[7].abstract == ""  # the source cell is empty: left empty
    assert {w.line_no for w in report.warnings} == {5, 24}  # H04Q7/32(2006.01)I


def test_csv_and_jsonl_values() -> None:
    _, patents = _import(CSV)
    p = patents[0]
    assert p.title == "声波影响粒子碰并的数值模拟计算方法及系统"
    assert p.inventors == ["孙跃", "肖辉", "张云", "冯强", "冯亮"]
    assert p.app_date == dt.date(2022, 4, 2)
    assert p.application_number == "" and p.type == ""  # the source has neither
    assert p.natural_key == "src:patent_titles_4800.csv:1"
    assert p.extra == {"database": "中国专利", "search_keyword": "计算机"}
    assert any(x.app_date == dt.date(2007, 4, 12) for x in patents)  # "2007-4-12"
    _, patents = _import(JSONL)
    assert patents[0].applicants == ["华为技术有限公司"]
    assert patents[0].extra == {"label_id": str(json.loads(JSONL.open().readline())["label_id"])}


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "raw",
    ["2020-01-02", "2020.01.02", "2020/1/2", "20200102", "2020年1月2日", "2020-01-02 00:00:00",
     "2020-01-02T08:30:00", "43832", "43832.0"],
)  # fmt: skip
def test_date_formats(raw: str) -> None:
    assert parse_date(raw) == dt.date(2020, 1, 2)


@pytest.mark.parametrize("raw", ["", "0", "0000-00-00"])
def test_empty_dates(raw: str) -> None:
    assert parse_date(raw) is None


@pytest.mark.parametrize("raw", ["2020-13-01", "2020-02-30", "next week", "1800-01-01", "123"])
def test_bad_dates(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


# ---------------------------------------------------------------- columns / bad rows


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_unknown_columns_reported(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "x.csv",
        [["申请号", "名称", "神秘列", "Title ", "公开（公告）号", ""],
         ["201710601862.3", "甲", "?", "B", "CN107123456A", "z"]],
    )  # fmt: skip
    raw = next(iter(read_file(path)))
    mapping, unknown = map_columns(list(raw.source))
    assert unknown == ["神秘列", "(未命名列 6)"]
    assert mapping["公开（公告）号"] == "publication_number"
    assert mapping["Title"] == "title"
    patent, errors = validate_row(raw)
    assert errors == [] and patent is not None
    assert patent.title == "甲"  # first non-empty of the two title columns


def test_bad_rows_name_line_and_field(tmp_path: Path) -> None:
    header = ["申请号", "名称", "申请日", "主分类号", "分类号", "专利类型", "公开号"]
    path = _write_csv(
        tmp_path / "bad.csv",
        [header,
         ["201710601862.5", "校验位错", "2017-08-01", "H01M10/0525", "", "", ""],
         ["201710601862.3", "多行\n标题", "2017-08-01", "Z99Z1/00", "H01M;H99Q1/00", "", ""],
         ["201710601862.3", "日期错", "2017-02-30", "", "", "", ""],
         ["201710601862.3", "", "", "", "", "", ""],
         ["", "无编号", "", "", "", "", ""],
         ["201710601862.3", "类型错", "", "", "", "实用新型", "CN207123456U"]],
    )  # fmt: skip
    results = [validate_row(r) for r in read_file(path)]
    errs = [[(e.line_no, e.field) for e in errors] for _p, errors in results]
    assert all(p is None for p, _e in results)
    assert errs[0] == [(2, "application_number")]
    assert errs[1] == [(3, "ipc"), (3, "ipc")]  # Z99Z1/00, H99Q1/00; H01M is fine
    assert errs[2] == [(5, "app_date")]  # line 5: the quoted title above spans 2 lines
    assert errs[3] == [(6, "title")]
    assert errs[4] == [(7, "application_number")]
    assert errs[5] == [(8, "type"), (8, "type")]
    messages = [e.message_zh for _p, errors in results for e in errors]
    assert "校验位应为 3，输入为 5" in messages[0]
    assert "Z99Z1/00" in messages[1] and "H99Q1/00" in messages[2]
    assert "2017-02-30" in messages[3]


def test_report_counts() -> None:
    report = ImportReport()
    bad = RowError(3, "ipc", "x")
    report.add([], True)
    report.add([bad], False)
    report.add([RowError(4, "ipc", "w", "warning")], True)
    assert (report.total, report.ok, report.bad) == (3, 2, 1)
    assert report.bad_rows == [[bad]] and len(report.warnings) == 1


def test_report_holds_only_the_first_rows_and_passes_every_one_on() -> None:
    # A 1M-row import must not hold a million bad rows or warnings: the service
    # keeps the first REPORT_LIMIT and writes every one to the full report file.
    seen: list[RowError] = []
    report = ImportReport(keep=2, sink=seen.extend)
    for line in range(1, 6):
        report.add([RowError(line, "ipc", "old code", "warning")], True)
        report.add([RowError(line, "title", "missing")], False)
    assert (report.total, report.ok, report.bad, report.warning_count) == (10, 5, 5, 5)
    assert [errs[0].line_no for errs in report.bad_rows] == [1, 2]
    assert [w.line_no for w in report.warnings] == [1, 2]
    assert [(e.line_no, e.severity) for e in seen][-2:] == [(5, "warning"), (5, "error")]
    assert len(seen) == 10


def test_column_map_targets_are_canonical() -> None:
    fields = set(PatentIn.__dataclass_fields__)
    for target in COLUMN_MAP.values():
        assert target.startswith("extra.") or target in fields or target == "ipc_main"


# ---------------------------------------------------------------- encodings / formats


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = _write_csv(
        tmp_path / "e.csv",
        [
            ["申请号", "名称", "申请人"],
            ["CN 2017 1 0601862.3", "一种电池", "腾讯科技（深圳）有限公司"],
        ],
        encoding,
    )
    (row,) = list(read_file(path))
    assert row.source["名称"] == "一种电池"
    patent, _ = validate_row(row)
    assert patent is not None and patent.applicants == ["腾讯科技(深圳)有限公司"]


def test_xlsx_streams_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("专利")
    ws.append(["申请号", "标题", "申请日", "公开日"])
    for i in range(3000):
        ws.append(["201710601862.3", f"标题{i}", dt.datetime(2020, 1, 2), 43832])
    for _ in range(50):
        ws.append([None, None, None, None])  # formatted-but-empty tail rows
    wb.save(path)

    seen: list[dict[str, object]] = []
    real = openpyxl.load_workbook

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(kwargs)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    rows = read_file(path)
    first = next(iter(rows))  # a generator: nothing is read before iteration
    assert seen == [{"read_only": True, "data_only": True}]
    assert first.line_no == 2 and first.source["申请日"] == "2020-01-02"
    rest = list(rows)
    assert len(rest) == 2999 and rest[-1].line_no == 3001
    patent, errors = validate_row(rest[-1])
    assert errors == [] and patent is not None
    assert patent.app_date == patent.pub_date == dt.date(2020, 1, 2)


def test_sql_dialect_features(tmp_path: Path) -> None:
    path = tmp_path / "d.sql"
    path.write_text(
        "-- comment; with semicolon\n/* block; */\n"
        "CREATE TABLE `t` (\n  `申请号` varchar(20),\n  `名称` text,\n  KEY `k` (`申请号`)\n);\n"
        "INSERT INTO `t` (`名称`, `申请号`) VALUES ('a;b\\'c', 'CN201710601862.3'),\n"
        "  ('it''s\\n2', NULL);\n"
        "INSERT INTO `t` VALUES ('201310699744.2', '第三');\n",
        encoding="utf-8",
    )
    rows = list(read_file(path))
    assert [r.source for r in rows] == [
        {"名称": "a;b'c", "申请号": "CN201710601862.3"},
        {"名称": "it's\n2", "申请号": ""},
        {"申请号": "201310699744.2", "名称": "第三"},
    ]
    assert [r.line_no for r in rows] == [8, 8, 10]


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        ("scan.pdf", b"%PDF-1.7\n\x00\x01binary", "不是表格或文本数据"),
    ],
)
def test_unsupported_files(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnsupportedFileError) as info:
        read_file(path)
    assert fragment in info.value.message


def test_detect_format_by_content(tmp_path: Path) -> None:
    renamed = tmp_path / "export.txt"
    renamed.write_bytes(XLSX.read_bytes())
    assert detect_format(renamed) == "xlsx"
    assert detect_format(SQL) == "sql"
    assert detect_format(JSONL) == "jsonl"
    assert detect_format(CSV) == "csv"


def test_raw_row_shape() -> None:
    row = RawRow(5, {"名称": "x"})
    patent, errors = validate_row(row, source_name="s")
    assert patent is None and errors == [
        RowError(5, "application_number", "无法识别该记录：申请号、公开号和来源编号(id)都为空")
    ]


def test_encoding_switch_after_sniff_window(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    ascii_part = "id,title\n" + "".join(f"{i},title {i}\n" for i in range(8000))
    assert len(ascii_part) > 64 * 1024
    path.write_bytes(ascii_part.encode() + "9999,一种电池\n".encode("gbk"))
    with pytest.raises(UnsupportedFileError) as info:
        list(read_file(path))
    assert "UTF-8" in info.value.message


def test_ipc_titles_file_brings_publication_numbers_and_every_subclass() -> None:
    """ipc_titles_5876.csv: each record is found by its publication number and carries
    all its IPC subclasses (``A01M|G06F|H02G``); the classifier's guesses are not imported."""
    path = DATA / "ipc_titles_5876.csv"
    report, patents = _import(path)
    # 82 records carry subclasses that IPC 2026.01 no longer has (H01L moved to H10,
    # C01C/C01D/C01F/C01G): the importer refuses an unknown subclass, naming it.
    assert report.total == 5876 and report.ok == 5794 and report.bad == 82
    assert all(e.field == "ipc" and "小类" in e.message_zh for r in report.bad_rows for e in r)
    assert report.unknown_columns == ["reference_predicted"]
    first = patents[0]
    assert first.publication_number == "CN114081026"
    assert first.ipc == ["A01M", "G06F", "H02G"]
    assert first.title == "一种水电站高压输电线路驱鸟保护装置"
    assert sum(1 for p in patents if any(c.startswith("H01M") for c in p.ipc)) > 100
