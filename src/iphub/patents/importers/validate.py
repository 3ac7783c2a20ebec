"""Row validation: :class:`RawRow` -> :class:`PatentIn` + :class:`RowError` list.

Rules:

* Never invent a field the source lacks: missing values stay ``""`` / ``None`` / ``[]``.
* A row is rejected (``PatentIn`` is ``None``) when it has at least one error; warnings
  (``severity="warning"``) are reported but the row is kept.
* IPC codes: malformed or unknown subclass -> error naming the code; a well-formed code
  whose subclass exists but which is not in IPC 2026.01 -> *warning*. Real records
  carry codes of the IPC version in force when they were classified (``H04Q7/32``,
  ``H04N5/225`` in the samples were later reclassified); rejecting them would reject
  genuine patents.
* Identity (:attr:`PatentIn.natural_key`): canonical application number, else the
  publication number without kind code, else ``src:<source_name>:<source id>``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..ipc import IPCError, IPCTable, get_table, normalize_ipc, split_ipc_list
from ..names import clean_applicant, split_names
from ..numbers import (
    NumberFormatError,
    application_type,
    format_publication_number,
    normalize_application_number,
    normalize_publication_number,
)
from .columns import map_columns
from .readers import RawRow

__all__ = ["ImportReport", "PatentIn", "RowError", "parse_date", "validate_row"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one field of one row; ``message_zh`` is shown to the uploader."""

    line_no: int
    field: str
    message_zh: str
    severity: Severity = "error"


@dataclass(slots=True)
class PatentIn:
    """A validated patent record in canonical fields (dates as :class:`datetime.date`)."""

    application_number: str = ""
    type: str = ""  # invention | utility | design | pct_invention | pct_utility | ""
    title: str = ""
    abstract: str = ""
    claims: str = ""  # full claims (权利要求书)
    first_claim: str = ""  # 主权项 / 首项权利要求 — only the first claim
    description: str = ""
    applicants: list[str] = field(default_factory=list)
    inventors: list[str] = field(default_factory=list)
    address: str = ""
    province_code_hint: str = ""  # raw 国省代码, e.g. "河南(41)"
    ipc: list[str] = field(default_factory=list)  # main classification first
    app_date: dt.date | None = None
    pub_date: dt.date | None = None
    grant_date: dt.date | None = None
    publication_number: str = ""  # "CN115883397", no kind code
    kind: str = ""  # "A", "U", … or "" when the source omitted it
    grant_number: str = ""  # grant publication number with kind, "CN115883397B"
    priority: str = ""
    legal_status: str = ""
    agency: str = ""
    agent: str = ""
    source_id: str = ""
    source_name: str = ""  # file/source label given to validate_row, for natural_key
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def natural_key(self) -> str:
        """Stable identity for upserts: ``app:…`` > ``pub:…`` > ``src:<source>:<id>``."""
        if self.application_number:
            return f"app:{self.application_number}"
        if self.publication_number:
            return f"pub:{self.publication_number}"
        return f"src:{self.source_name}:{self.source_id}"


@dataclass(slots=True)
class ImportReport:
    """Totals of one import, filled by the service as rows are validated.

    ``keep`` bounds what is held in memory: only the first ``keep`` bad rows and
    warnings stay in ``bad_rows`` / ``warnings`` (``None``: all of them), while
    ``bad`` and ``warning_count`` count every one and ``sink``, if given, receives
    each row's errors and warnings as they come (the service writes them to the
    full report file). A 1M-row file whose rows all carry a reclassified IPC code
    would otherwise hold a million warnings.
    """

    total: int = 0
    ok: int = 0
    bad: int = 0
    warning_count: int = 0
    bad_rows: list[list[RowError]] = field(default_factory=list)  # each: that row's errors
    warnings: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    keep: int | None = None
    sink: Callable[[list[RowError]], None] | None = None

    def add(self, errors: list[RowError], accepted: bool) -> None:
        """Count one validated row."""
        self.total += 1
        warnings = [e for e in errors if e.severity == "warning"]
        self.warning_count += len(warnings)
        room = len(warnings) if self.keep is None else self.keep - len(self.warnings)
        self.warnings.extend(warnings[: max(0, room)])
        if accepted:
            self.ok += 1
        else:
            self.bad += 1
            if self.keep is None or len(self.bad_rows) < self.keep:
                self.bad_rows.append([e for e in errors if e.severity == "error"])
        if errors and self.sink is not None:
            self.sink(errors)


# ---------------------------------------------------------------- dates

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's serial 1 is 1900-01-01 (with the 1900 bug)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MIN_DATE = dt.date(1900, 1, 1)  # priority dates of foreign families can be old


def parse_date(raw: str) -> dt.date | None:
    """Parse the date spellings exports use; ``None`` for empty / MySQL zero dates.

    Accepts 2020-01-02, 2020.01.02, 2020/1/2, 2020年1月2日, 20200102, an ISO datetime and an
    Excel serial number (5 digits, e.g. 43832). Raises ``ValueError`` (Chinese) otherwise.
    """
    text = (raw or "").strip()
    if text in ("", "0", "00000000", "0000-00-00", "0000-00-00 00:00:00"):
        return None  # int columns in the MySQL dump hold 0 for "no date"
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                value = dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"日期“{raw}”不存在（{y} 年 {mo} 月 {d} 日）") from None
            break
    else:
        if re.fullmatch(r"\d{5}(?:\.0+)?", text):
            value = _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
        else:
            raise ValueError(f"无法识别的日期“{raw}”，应为 2020-01-02、2020/1/2 或 20200102 等格式")
    if not _MIN_DATE <= value <= dt.date.today() + dt.timedelta(days=366):
        raise ValueError(f"日期“{raw}”超出合理范围")
    return value


# ---------------------------------------------------------------- types

_TYPE_WORDS = (
    ("外观", "design"),
    ("实用新型", "utility"),
    ("发明", "invention"),
    ("design", "design"),
    ("utility", "utility"),
    ("invention", "invention"),
)
_BASE_TYPE = {"pct_invention": "invention", "pct_utility": "utility"}
_TYPE_ZH = {
    "invention": "发明",
    "utility": "实用新型",
    "design": "外观设计",
    "pct_invention": "PCT发明",
    "pct_utility": "PCT实用新型",
}


def _type_from_text(text: str) -> str | None:
    # "发明公开;发明授权" -> invention; unknown words -> None (reported by the caller)
    lowered = text.lower()
    for word, value in _TYPE_WORDS:
        if word in lowered:
            return value
    return None


# ---------------------------------------------------------------- row


@functools.lru_cache(maxsize=64)
def _mapping_for(headers: tuple[str, ...]) -> dict[str, str]:
    # Every row of a file has the same headers: map them once, not once per row.
    return map_columns(list(headers))[0]


def _collect(raw: RawRow) -> tuple[dict[str, str], dict[str, str]]:
    """``(field -> first non-empty value, extra)`` using COLUMN_MAP."""
    mapping = _mapping_for(tuple(raw.source))
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    for header, target in mapping.items():
        value = (raw.source.get(header) or "").strip()
        if not value:
            continue
        if target.startswith("extra."):
            extra.setdefault(target.removeprefix("extra."), value)
        else:
            values.setdefault(target, value)
    return values, extra


def validate_row(
    raw: RawRow, *, source_name: str = "", table: IPCTable | None = None
) -> tuple[PatentIn | None, list[RowError]]:
    """Validate one row. Returns ``(PatentIn or None, errors and warnings)``."""
    v, extra = _collect(raw)
    errors: list[RowError] = []

    def err(field_name: str, message: str, severity: Severity = "error") -> None:
        errors.append(RowError(raw.line_no, field_name, message, severity))

    p = PatentIn(source_name=source_name, extra=extra)
    for name in ("title", "abstract", "claims", "first_claim", "description", "address"):
        setattr(p, name, v.get(name, ""))
    for name in ("province_code_hint", "priority", "legal_status", "agent"):
        setattr(p, name, v.get(name, ""))
    p.agency = clean_applicant(v.get("agency", ""))  # an organisation name, like applicants
    p.source_id = v.get("source_id", "")
    p.applicants = split_names(v.get("applicants", ""))
    p.inventors = split_names(v.get("inventors", ""))

    if v.get("application_number"):
        try:
            p.application_number = normalize_application_number(v["application_number"])
            p.type = application_type(p.application_number)
        except NumberFormatError as exc:
            err("application_number", exc.message)
    if v.get("publication_number"):
        try:
            p.publication_number, p.kind = normalize_publication_number(v["publication_number"])
        except NumberFormatError as exc:
            err("publication_number", exc.message)
    if v.get("grant_number"):
        try:
            p.grant_number = format_publication_number(v["grant_number"])
        except NumberFormatError as exc:
            err("grant_number", exc.message)

    _check_type(p, v.get("type", ""), err)
    _check_ipc(p, v.get("ipc_main", ""), v.get("ipc", ""), table, err)

    for name in ("app_date", "pub_date", "grant_date"):
        try:
            setattr(p, name, parse_date(v.get(name, "")))
        except ValueError as exc:
            err(name, str(exc))
    if p.app_date and p.pub_date and p.pub_date < p.app_date:
        err("pub_date", f"公开日 {p.pub_date} 早于申请日 {p.app_date}")

    if not p.title:
        err("title", "缺少专利名称（标题）")
    if not (p.application_number or p.publication_number or p.source_id) and not any(
        e.field in ("application_number", "publication_number") for e in errors
    ):
        err("application_number", "无法识别该记录：申请号、公开号和来源编号(id)都为空")

    ok = not any(e.severity == "error" for e in errors)
    return (p if ok else None), errors


def _check_type(p: PatentIn, type_text: str, err: _Err) -> None:
    """Type from the application number wins; 专利类型 text and the publication number's
    type digit must agree with it (a mismatch usually means two records were merged)."""
    text_type = _type_from_text(type_text) if type_text else None
    if type_text and text_type is None:
        err("type", f"无法识别的专利类型“{type_text}”，应为发明、实用新型或外观设计")
    pub_type = None
    if p.publication_number:
        pub_type = {"1": "invention", "2": "utility", "3": "design"}[p.publication_number[2]]
    base = _BASE_TYPE.get(p.type, p.type)
    for other, label in ((text_type, "专利类型"), (pub_type, "公开号")):
        if other and base and other != base:
            err(
                "type",
                f"{label}表示的类型（{_TYPE_ZH[other]}）"
                f"与申请号表示的类型（{_TYPE_ZH[p.type]}）不一致",
            )
    if not p.type:
        p.type = text_type or pub_type or ""


def _check_ipc(p: PatentIn, main: str, others: str, table: IPCTable | None, err: _Err) -> None:
    tbl = table if table is not None else get_table()
    for raw in [*split_ipc_list(main), *split_ipc_list(others)]:
        try:
            code = normalize_ipc(raw)
        except IPCError as exc:
            err("ipc", exc.message)
            continue
        if code in p.ipc:
            continue  # 分类号 repeats the main code
        if code[:4] not in tbl:
            err("ipc", f"IPC 分类号“{raw}”的小类 {code[:4]} 不存在")
            continue
        if code not in tbl:
            err(
                "ipc",
                f"IPC 分类号“{raw}”不在 IPC 2026.01 中（可能是已调整的旧版分类号），已原样保留",
                "warning",
            )
        p.ipc.append(code)


class _Err(Protocol):  # the local err() callback in validate_row
    def __call__(self, field_name: str, message: str, severity: Severity = "error") -> None: ...
