"""Applicant-name cleaning, grouping keys and splitting, against the real sample names."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest

from iphub.patents.ipc import default_data_dir
from iphub.patents.names import applicant_key, clean_applicant, split_names

DATA = default_data_dir()


def _csv_rows() -> list[dict[str, str]]:
    with (DATA / "patent_titles_4800.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _jsonl_assignees() -> list[str]:
    with (DATA / "ccf2022_patents.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line)["assignee"] for line in fh if line.strip()]


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("腾讯科技（深圳）有限公司", "腾讯科技(深圳)有限公司"),
        ("腾讯科技 (深圳) 有限公司", "腾讯科技(深圳)有限公司"),
        ("伊姆西ＩＰ控股有限责任公司", "伊姆西IP控股有限责任公司"),
        ("华为技术　有限公司 ", "华为技术有限公司"),
        ("Hitachi,  Ltd.", "Hitachi, Ltd."),
        ("〔中国〕某某研究院", "(中国)某某研究院"),
    ],
)
def test_clean_applicant(raw: str, display: str) -> None:
    assert clean_applicant(raw) == display


def test_key_folds_legal_form_variants() -> None:
    assert applicant_key("伊姆西IP控股有限责任公司") == applicant_key("伊姆西ＩＰ控股有限公司")
    assert applicant_key("腾讯科技（深圳）有限公司") == applicant_key("腾讯科技(深圳)有限责任公司")
    # 股份有限公司 is a different legal form (and usually a different company): kept apart.
    assert applicant_key("某某科技股份有限公司") != applicant_key("某某科技有限公司")
    assert applicant_key("IonQ, Inc.") == applicant_key("IONQ, INC.")
    # display keeps what the source said
    assert clean_applicant("伊姆西IP控股有限责任公司").endswith("有限责任公司")


def test_variants_in_the_data_collapse() -> None:
    names = [n for r in _csv_rows() for n in split_names(r["applicants"])]
    names += [n for a in _jsonl_assignees() for n in split_names(a)]
    groups: dict[str, set[str]] = defaultdict(set)
    for n in names:
        groups[applicant_key(n)].add(n)
    # Variants actually present in the samples (foreign applicants typed in two cases
    # and with/without the comma before LLC / Inc.).
    assert groups[applicant_key("NOTCO DELAWARE LLC")] == {
        "NOTCO DELAWARE LLC",
        "Notco Delaware, LLC",
        "NOTCO DELAWARE, LLC",
    }
    assert groups[applicant_key("IonQ, Inc.")] == {"IONQ, INC.", "IonQ, Inc."}
    assert groups[applicant_key("Cornell University")] == {
        "Cornell University",
        "CORNELL UNIVERSITY",
    }
    merged = {k for k, v in groups.items() if len(v) > 1}
    assert len(merged) >= 8
    # Finding: every merged group in the samples is a Latin-script name; the Chinese
    # names in these files are already consistent (no （） or 有限责任公司 variants).
    for v in groups.values():
        if len(v) > 1:
            assert all(not any("\u4e00" <= c <= "\u9fff" for c in n) for n in v), v
    # The same company appears in both sources and groups into one key.
    assert "华为技术有限公司" in groups[applicant_key("华为技术有限公司")]
    csv_keys = {applicant_key(n) for r in _csv_rows() for n in split_names(r["applicants"])}
    jsonl_keys = {applicant_key(n) for a in _jsonl_assignees() for n in split_names(a)}
    assert applicant_key("华为技术有限公司") in csv_keys & jsonl_keys


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("孙跃;;肖辉;;张云", ["孙跃", "肖辉", "张云"]),
        ("深圳云天励飞技术股份有限公司;成都云天励飞技术有限公司",
         ["深圳云天励飞技术股份有限公司", "成都云天励飞技术有限公司"]),
        ("张三；李四", ["张三", "李四"]),
        ("张三、李四", ["张三", "李四"]),
        ("张三,李四，王五", ["张三", "李四", "王五"]),
        ("张三;;;李四;", ["张三", "李四"]),
        ("张三;张三", ["张三"]),
        # 、 inside brackets lists an institution's other names: one applicant.
        ("中山大学肿瘤防治中心(中山大学附属肿瘤医院、中山大学肿瘤研究所)",
         ["中山大学肿瘤防治中心(中山大学附属肿瘤医院、中山大学肿瘤研究所)"]),
        # commas inside Latin names are part of the name
        ("Hitachi, Ltd.", ["Hitachi, Ltd."]),
        ("LO, Yuk-Ming Dennis;;JIANG, Peiyong", ["LO, Yuk-Ming Dennis", "JIANG, Peiyong"]),
        ("BEIJING BALANCE MEDICAL TECHNOLOGY CO., LTD.;WEST CHINA HOSPITAL OF SICHUAN UNIVERSITY",
         ["BEIJING BALANCE MEDICAL TECHNOLOGY CO., LTD.",
          "WEST CHINA HOSPITAL OF SICHUAN UNIVERSITY"]),
        # a real institute whose name contains a top-level 、 (ccf2022_patents.jsonl)
        ("中国科学院、水利部成都山地灾害与环境研究所",
         ["中国科学院、水利部成都山地灾害与环境研究所"]),
        ("", []),
    ],
)  # fmt: skip
def test_split_names(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


def test_split_real_fields() -> None:
    """Every applicants/inventors field in the CSV splits like a plain ';'-split would,
    i.e. no 、 or , in the data is treated as a separator."""
    for row in _csv_rows():
        for col, sep in (("applicants", ";"), ("inventors", ";;")):
            expected = [clean_applicant(p) for p in row[col].split(sep) if p.strip()]
            assert split_names(row[col]) == list(dict.fromkeys(expected)), row[col]
    for a in _jsonl_assignees():
        assert split_names(a) == [clean_applicant(a)]
