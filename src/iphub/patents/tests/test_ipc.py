"""IPC normalisation, lookup and titles against the 2026.01 table and the real samples."""

from __future__ import annotations

import csv
import re

import openpyxl
import pytest

from iphub.patents import ipc
from iphub.patents.ipc import (
    IPCError,
    IPCTable,
    default_data_dir,
    get_table,
    ipc_main_group,
    ipc_subclass,
    ipc_title,
    is_valid_ipc,
    normalize_ipc,
    split_ipc_list,
)

DATA = default_data_dir()


def test_table_loads_every_entry() -> None:
    with (DATA / "ipc_2026_01_zh.tsv").open(encoding="utf-8", newline="") as fh:
        expected = sum(1 for _ in fh) - 1  # minus the header
    assert expected == 77241
    assert len(get_table()) == expected


def test_table_is_loaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real_load = IPCTable.load

    def counting_load(path: object = None) -> IPCTable:
        calls.append(path)
        return real_load()

    monkeypatch.setattr(ipc, "_table", None)
    monkeypatch.setattr(IPCTable, "load", staticmethod(counting_load))
    for _ in range(3):
        assert is_valid_ipc("H01M10/0525")
    assert len(calls) == 1


def test_env_var_picks_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ipc_2026_01_zh.tsv").write_text(
        "code\tlevel\ttitle_zh\r\nA\tsection\t人类生活必需\r\nA01\tclass\t农业\r\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("IPHUB_SHARED_DATA", str(tmp_path))
    assert default_data_dir() == tmp_path
    table = IPCTable.load()
    assert len(table) == 2 and "A01" in table


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("H01M 10/0525", "H01M10/0525"),
        ("H01M10/0525", "H01M10/0525"),
        ("h01m10/0525", "H01M10/0525"),
        ("Ｈ０１Ｍ１０／０５２５", "H01M10/0525"),
        ("H01M0010052500", "H01M10/0525"),
        ("H01M0010000000", "H01M10/00"),
        ("G06F0018232100", "G06F18/2321"),
        ("H04Q3/00(2006.01)I", "H04Q3/00"),
        ("H04Q 3/00 (2006.01)", "H04Q3/00"),
        ("H01M10", "H01M10/00"),
        ("H01M", "H01M"),
        ("B64U101/30", "B64U101/30"),
        ("H04L9/4", "H04L9/40"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_ipc(raw) == expected


@pytest.mark.parametrize("raw", ["", "Z01M10/00", "H1M10/00", "H01M10/", "电池", "H01M10/0525/1"])
def test_normalize_rejects(raw: str) -> None:
    with pytest.raises(IPCError) as info:
        normalize_ipc(raw)
    assert "IPC" in info.value.message


def test_validity_and_parts() -> None:
    assert is_valid_ipc("H01M 10/0525")
    assert is_valid_ipc("H01M")
    assert not is_valid_ipc("H01M99/99")
    assert not is_valid_ipc("H04Q7/32")  # reclassified to H04W in 2009
    assert not is_valid_ipc("garbage")
    assert ipc_subclass("H01M 10/0525") == "H01M"
    assert ipc_main_group("H01M 10/0525") == "H01M10/00"
    with pytest.raises(IPCError):
        ipc_main_group("H01M")


def test_titles_and_fallbacks() -> None:
    assert ipc_title("H01M10/0525") is not None
    assert "锂离子电池" in (ipc_title("H01M 10/0525") or "")
    assert ipc_title("H01M10/00") == get_table().get("H01M10/00").title  # type: ignore[union-attr]
    # not in the table -> main group
    assert ipc_title("H04N5/225") == get_table().get("H04N5/00").title  # type: ignore[union-attr]
    # neither subgroup nor main group -> subclass
    assert ipc_title("H04Q7/32") == get_table().get("H04Q").title  # type: ignore[union-attr]
    # junk titles in the table ("1" for G06F18/2321, "" for E03B) fall back too
    assert ipc_title("G06F18/2321") == get_table().get("G06F18/00").title  # type: ignore[union-attr]
    assert ipc_title("E03B") == get_table().get("E03").title  # type: ignore[union-attr]
    assert ipc_title("Z99Z") is None
    assert ipc_title("E01D101/00") == "桥梁的材料组成"  # repaired broken row


def test_split_list() -> None:
    assert split_ipc_list("B64U20/80;B64U101/30") == ["B64U20/80", "B64U101/30"]
    assert split_ipc_list("H01M 10/0525；H01M4/00, G06F") == ["H01M 10/0525", "H01M4/00", "G06F"]
    assert split_ipc_list("") == []


def test_every_code_in_the_samples() -> None:
    """All IPC codes in the sql dump and the xlsx normalise; the ones missing from
    2026.01 are exactly the known reclassified ones."""
    text = (DATA / "patent_export_62col_sample.sql").read_text(encoding="utf-8")
    # 主分类号 / 分类号 values: quoted strings made only of IPC-looking pieces.
    fields = re.findall(r"'([A-H]\d\d[A-Z]\d+/\d+(?:;[A-H]\d\d[A-Z]\d+/\d+)*)'", text)
    wb = openpyxl.load_workbook(DATA / "patent_30_with_claims.xlsx", read_only=True)
    rows = list(wb.worksheets[0].iter_rows(min_row=2, max_row=31, values_only=True))
    wb.close()
    codes = [c for f in fields for c in split_ipc_list(f)] + [r[2] for r in rows]
    assert len(codes) > 50
    missing = {normalize_ipc(c) for c in codes if not is_valid_ipc(c)}
    assert missing == {"H04N5/225", "H04N5/232", "H04Q7/32"}
    for row in rows:  # the xlsx also gives the subclass in its own column
        assert ipc_subclass(row[2]) == row[3]


def test_table_codes_are_already_normal() -> None:
    with (DATA / "ipc_2026_01_zh.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for code, level, _title in reader:
            if level in ("subclass", "main_group", "subgroup"):
                if code.startswith("E01D101/"):  # 5 broken rows, repaired by the loader
                    assert normalize_ipc(code) == code + "0"
                    assert normalize_ipc(code) in get_table()
                    continue
                assert normalize_ipc(code) == code
