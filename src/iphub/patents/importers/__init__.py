"""Streaming import of patent records from CSV, Excel, JSON Lines and MySQL dumps.

Typical use (the Django service, CLI and upload page all do this)::

    report = ImportReport()
    for raw in read_file(path):
        if report.total == 0:
            report.unknown_columns = map_columns(list(raw.source))[1]
        patent, errors = validate_row(raw, source_name=path.name)
        report.add(errors, patent is not None)
        ...
"""

from .columns import COLUMN_MAP, map_columns
from .readers import (
    RawRow,
    UnsupportedFileError,
    detect_format,
    read_csv,
    read_file,
    read_jsonl,
    read_xlsx,
)
from .sqldump import read_sql_dump
from .validate import ImportReport, PatentIn, RowError, parse_date, validate_row

__all__ = [
    "COLUMN_MAP",
    "ImportReport",
    "PatentIn",
    "RawRow",
    "RowError",
    "UnsupportedFileError",
    "detect_format",
    "map_columns",
    "parse_date",
    "read_csv",
    "read_file",
    "read_jsonl",
    "read_sql_dump",
    "read_xlsx",
    "validate_row",
]
