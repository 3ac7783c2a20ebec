"""The example legal-status change file offered on the import page and applied by
the demo (issue 24): real records only.

Its rows come from the demo's own source, ``patent_export_62col_sample.sql`` in the
shared data (a commercial database's 62-column export): the application numbers
and the dated facts that export carries for each record — 实质审查日, 授权公告日,
质押日期, 许可日期, 转让日期, 无效宣告日期, 失效日期 — each written as the change
file's event in CNIPA's wording. Nothing is invented: a record without a date has
no row, and without the data file the example is the header alone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from iphub.patents.importers import UnsupportedFileError, read_file
from iphub.patents.importers.validate import parse_date
from iphub.patents.numbers import NumberFormatError, normalize_application_number

EXAMPLE_SOURCE = "patent_export_62col_sample.sql"
EXAMPLE_NAME = "法律状态变更示例"
HEADERS = ["申请号", "事件日期", "事件类型", "说明"]

# The export's date column -> the event CNIPA's change files name for it.
_DATED_FACTS = (
    ("实质审查日", "实质审查的生效"),
    ("授权公告日", "授权"),
    ("转让日期", "专利申请权、专利权的转移"),
    ("质押日期", "专利权质押合同登记的生效"),
    ("许可日期", "专利实施许可合同备案的生效"),
    ("无效宣告日期", "宣告专利权全部无效"),
    ("失效日期", "专利权的终止"),
)


def _date(value: str) -> dt.date | None:
    try:
        return parse_date(value)  # None for the dump's 0 ("no date")
    except ValueError:
        return None


def change_file_example_rows(*, data_dir: Path | None = None) -> list[list[str]]:
    """``[申请号, 事件日期, 事件类型, 说明]`` rows, in date order, from the demo's source."""
    path = Path(data_dir or settings.SHARED_DATA_DIR) / EXAMPLE_SOURCE
    if not path.exists():
        return []
    rows: list[tuple[dt.date, str, str, str]] = []
    try:
        for raw in read_file(path):
            try:
                number = normalize_application_number(raw.source.get("申请号") or "")
            except NumberFormatError:
                continue
            for column, event in _DATED_FACTS:
                date = _date(raw.source.get(column) or "")
                if date is not None:
                    rows.append((date, number, event, f"演示数据“{column}”列"))
    except UnsupportedFileError:
        return []
    rows.sort()
    return [[number, date.isoformat(), event, note] for date, number, event, note in rows]
