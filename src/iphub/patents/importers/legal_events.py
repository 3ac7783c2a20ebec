"""Rows of a legal-status change file (法律状态变更): :class:`RawRow` ->
:class:`LegalEventIn` + :class:`RowError` list.

The file is read by the same readers as a patent import (CSV in any of the
encodings they sniff, Excel .xlsx, JSON Lines); its columns are 申请号, 事件日期 and
事件类型 (or 法律状态), optionally 说明. Every check that needs no database is made
here: the application number's form and check character (``numbers``), the date
(``parse_date``), the kind's words (``legal_status.event_kind_from_text``). Whether
the platform holds that application is the service's question.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from ..legal_status import KIND_HINT, event_kind_from_text
from ..numbers import NumberFormatError, normalize_application_number
from .columns import header_key, map_headers
from .readers import RawRow
from .validate import RowError, parse_date

__all__ = [
    "EVENT_COLUMNS",
    "LegalEventIn",
    "map_event_columns",
    "missing_event_columns",
    "validate_event_row",
]

# Header -> field, looked up through ``header_key`` (full-width, spaces, case).
EVENT_COLUMNS: dict[str, str] = {
    "申请号": "application_number", "专利号": "application_number",
    "专利申请号": "application_number", "application_number": "application_number",
    "app_no": "application_number", "applicationnumber": "application_number",
    "事件日期": "event_date", "法律状态公告日": "event_date", "法律状态日": "event_date",
    "公告日": "event_date", "生效日": "event_date", "日期": "event_date",
    "event_date": "event_date", "date": "event_date",
    "事件类型": "event_kind", "法律状态": "event_kind", "法律事件": "event_kind",
    "事件": "event_kind", "法律状态信息": "event_kind", "event_type": "event_kind",
    "event": "event_kind", "kind": "event_kind", "legal_status": "event_kind",
    "说明": "detail", "事件说明": "detail", "详情": "detail", "备注": "detail",
    "detail": "detail", "note": "detail",
}  # fmt: skip
_LOOKUP = {header_key(k): v for k, v in EVENT_COLUMNS.items()}
REQUIRED = ("application_number", "event_date", "event_kind")


@dataclass(frozen=True, slots=True)
class LegalEventIn:
    """One validated change: which application, when, what."""

    line_no: int
    application_number: str
    date: dt.date
    kind: str
    detail: str = ""


def map_event_columns(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """``(header -> field for known headers, unknown headers in source order)``."""
    return map_headers(headers, _LOOKUP)


def missing_event_columns(headers: list[str]) -> list[str]:
    """The required columns the header row lacks, in words (申请号, 事件日期, 事件类型)."""
    present = set(map_event_columns(headers)[0].values())
    words = {"application_number": "申请号", "event_date": "事件日期", "event_kind": "事件类型"}
    return [words[f] for f in REQUIRED if f not in present]


@functools.lru_cache(maxsize=16)
def _mapping_for(headers: tuple[str, ...]) -> dict[str, str]:
    # Every row of a file has the same headers: map them once.
    return map_event_columns(list(headers))[0]


def validate_event_row(raw: RawRow) -> tuple[LegalEventIn | None, list[RowError]]:
    """Validate one row; ``(None, errors)`` when any check fails."""
    values: dict[str, str] = {}
    for header, target in _mapping_for(tuple(raw.source)).items():
        value = (raw.source.get(header) or "").strip()
        if value:
            values.setdefault(target, value)
    errors: list[RowError] = []

    def err(field: str, message: str) -> None:
        errors.append(RowError(raw.line_no, field, message))

    number = ""
    if not values.get("application_number"):
        err("application_number", "缺少申请号，请填写如 201710601862.3 的申请号")
    else:
        try:
            number = normalize_application_number(values["application_number"])
        except NumberFormatError as exc:
            err("application_number", exc.message)
    date: dt.date | None = None
    try:
        date = parse_date(values.get("event_date", ""))
    except ValueError as exc:
        err("event_date", str(exc))
    else:
        if date is None:
            err("event_date", "缺少事件日期，请填写如 2024-05-20 的日期")
    text = values.get("event_kind", "")
    kind = event_kind_from_text(text)
    if not text:
        err("event_kind", f"缺少事件类型，应为{KIND_HINT}之一")
    elif kind is None:
        err("event_kind", f"无法识别的事件类型“{text[:60]}”，应为{KIND_HINT}之一")
    if errors or date is None or kind is None:
        return None, errors
    # The detail keeps the file's own words (an ending's words set the status text).
    detail = values.get("detail", "")
    if text.lower() != kind:
        detail = f"{text}：{detail}" if detail else text
    return LegalEventIn(raw.line_no, number, date, kind, detail[:300]), errors
