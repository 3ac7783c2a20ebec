"""The report's Excel template (which is also its Excel export), its import, and
its Word export.

The workbook has three sheets: 概况 (region, month, typical cases, problems, next
steps), 工作进展 (one row per plan task) and 填报数据 (one row per indicator that
only the locality knows). Export a report and import the file again and nothing
changes: the template is the export of an empty report.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from iphub.core.amounts import parse_number
from iphub.core.errors import ApplicationError
from iphub.core.exports import safe_row
from iphub.core.workbooks import open_workbook, sheet_rows
from iphub.supervision.errors import SupervisionError
from iphub.supervision.indicators import REGISTRY, Source
from iphub.supervision.models import MonthlyReport, PlanTask
from iphub.supervision.selectors import plan_tasks
from iphub.supervision.services.reports import MAX_TEXT, figure_range, report_update

SUMMARY, WORK, FIGURES = "概况", "工作进展", "填报数据"
SUMMARY_ROWS = [
    ("地区代码", None),
    ("地区", None),
    ("月份", None),
    ("典型案例数", "typical_case_count"),
    ("典型案例", "typical_cases"),
    ("存在问题", "problems"),
    ("下一步计划", "next_steps"),
]
WORK_HEADERS = ["任务编号", "任务", "本月工作进展"]
FIGURE_HEADERS = ["指标代码", "指标", "单位", "数值", "说明"]
ALL_OR_NOTHING, SKIP_BAD = "all_or_nothing", "skip_bad"
# A template has a few dozen rows a sheet; reading stops well before a forged one hurts.
MAX_SHEET_ROWS = 1000


def _tasks(report: MonthlyReport) -> list[PlanTask]:
    return plan_tasks(report.month)


def report_workbook(report: MonthlyReport) -> bytes:
    """The report as the platform's Excel template (filled with what it holds)."""
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    assert ws is not None
    ws.title = SUMMARY
    values = {
        "地区代码": report.region_id,
        "地区": report.region.name,
        "月份": f"{report.month:%Y-%m}",
    }
    for label, attr in SUMMARY_ROWS:
        # Every row through safe_row: typed text that reads as a formula stays text.
        ws.append(safe_row([label, getattr(report, attr) if attr else values[label]]))
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 80
    for row in ws.iter_rows():
        row[0].font = bold
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    work = {e.task_id: e.work_done for e in report.entries.all()} if report.pk else {}
    ws2 = wb.create_sheet(WORK)
    ws2.append(safe_row(WORK_HEADERS))
    for t in _tasks(report):
        ws2.append(safe_row([t.number, t.title, work.get(t.pk, "")]))
    ws2.column_dimensions["B"].width = 36
    ws2.column_dimensions["C"].width = 80
    figs = {f.indicator: f for f in report.figures.all()} if report.pk else {}
    ws3 = wb.create_sheet(FIGURES)
    ws3.append(safe_row(FIGURE_HEADERS))
    for key, ind in REGISTRY.items():
        if ind.source == Source.REPORTED:
            f = figs.get(key)
            ws3.append(
                safe_row([key, ind.label, ind.unit, f.value if f else None, f.note if f else ""])
            )
    for sheet in (ws2, ws3):
        for cell in sheet[1]:
            cell.font = bold
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class ImportResult:
    saved: int = 0
    skipped: int = 0
    errors: list[tuple[str, int, str]] = field(default_factory=list)


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def report_import(
    *, actor: Any, report: MonthlyReport, fh: IO[bytes], mode: str = ALL_OR_NOTHING
) -> ImportResult:
    """Fill ``report`` from a filled template. ``all_or_nothing``: any bad row and
    nothing is saved; ``skip_bad``: good rows are saved, bad ones listed."""
    try:
        wb = open_workbook(fh, unreadable="文件不是有效的 Excel（xlsx）工作簿。")
    except ApplicationError as exc:
        raise ApplicationError(exc.message, code=SupervisionError.IMPORT_INVALID) from None
    for name in (SUMMARY, WORK, FIGURES):
        if name not in wb.sheetnames:
            raise ApplicationError(
                f"模板缺少“{name}”工作表，请使用平台下载的模板。",
                code=SupervisionError.IMPORT_INVALID,
            )
    result = ImportResult()
    data: dict[str, Any] = {}
    summary = {
        _text(r[0]): r[1] if len(r) > 1 else None
        for _i, r in sheet_rows(wb[SUMMARY], max_rows=MAX_SHEET_ROWS)
        if r and r[0]
    }
    if (
        _text(summary.get("地区代码")) != report.region_id
        or _text(summary.get("月份"))[:7] != f"{report.month:%Y-%m}"
    ):
        raise ApplicationError(
            f"模板的地区或月份与本月报（{report.region.name} {report.month:%Y-%m}）不一致。",
            code=SupervisionError.IMPORT_INVALID,
        )
    for i, (label, attr) in enumerate(SUMMARY_ROWS, 1):
        if attr is None:
            continue
        value = summary.get(label)
        if attr == "typical_case_count":
            try:
                data[attr] = int(value or 0)
                if not 0 <= data[attr] <= 100:
                    raise ValueError
            except (TypeError, ValueError):
                data.pop(attr, None)
                result.errors.append((SUMMARY, i, "典型案例数应为 0-100 的整数。"))
        elif len(_text(value)) > MAX_TEXT:
            result.errors.append((SUMMARY, i, f"{label}超过 {MAX_TEXT} 字。"))
        else:
            data[attr] = _text(value)
    numbers = {t.number for t in _tasks(report)}
    work: dict[str, str] = {}
    for i, row in sheet_rows(wb[WORK], min_row=2, max_rows=MAX_SHEET_ROWS):
        if not row or all(c in (None, "") for c in row):
            continue
        number, text = _text(row[0]), _text(row[2] if len(row) > 2 else "")
        if number not in numbers:
            result.errors.append((WORK, i, f"方案中没有任务“{number}”。"))
        elif len(text) > MAX_TEXT:
            result.errors.append((WORK, i, f"工作进展超过 {MAX_TEXT} 字。"))
        else:
            work[number] = text
    figures: dict[str, Decimal] = {}
    for i, row in sheet_rows(wb[FIGURES], min_row=2, max_rows=MAX_SHEET_ROWS):
        if not row or not row[0]:
            continue
        key, raw = _text(row[0]), row[3] if len(row) > 3 else None
        ind = REGISTRY.get(key)
        if ind is None or ind.source != Source.REPORTED:
            result.errors.append((FIGURES, i, f"“{key}”不是需填报的指标。"))
            continue
        try:
            figure = parse_number(raw, figure_range(ind), field=key)
        except ApplicationError as exc:
            result.errors.append((FIGURES, i, exc.message))
            continue
        if figure is not None:
            figures[key] = figure
    bad = len(result.errors)
    if bad and mode != SKIP_BAD:
        result.skipped = bad
        return result
    data["work"], data["figures"] = work, figures
    report_update(actor=actor, report_id=report.pk, data=data)
    result.saved = sum(1 for t in work.values() if t) + len(figures)
    result.skipped = bad
    return result


def report_docx(report: MonthlyReport) -> bytes:
    """The report as a Word document."""
    doc = Document()
    doc.add_heading(f"{report.region.name}{report.month:%Y年%m月}知识产权重要工作月报", level=1)
    doc.add_paragraph(
        f"状态：{report.get_state_display()}　截止日：{report.due_date:%Y-%m-%d}"
        + (
            f"　报送时间：{report.first_submitted_at:%Y-%m-%d %H:%M}"
            if report.first_submitted_at
            else ""
        )
        + ("　（逾期）" if report.late else "")
    )
    doc.add_heading("一、工作进展", level=2)
    for e in report.entries.select_related("task").order_by("task__position"):
        doc.add_heading(f"{e.task.number}、{e.task.title}", level=3)
        doc.add_paragraph(e.work_done)
    for title, text in (
        ("二、典型案例", report.typical_cases),
        ("三、存在问题", report.problems),
        ("四、下一步计划", report.next_steps),
    ):
        doc.add_heading(title, level=2)
        doc.add_paragraph(text or "无")
    figs = list(report.figures.all())
    if figs:
        doc.add_heading("五、填报数据（地方填报）", level=2)
        table = doc.add_table(rows=1, cols=3)
        for cell, text in zip(table.rows[0].cells, ("指标", "数值", "说明"), strict=True):
            cell.text = text
        for f in figs:
            ind = REGISTRY.get(f.indicator)
            row = table.add_row().cells
            row[0].text = ind.label if ind else f.indicator
            row[1].text = f"{f.value} {ind.unit if ind else ''}"
            row[2].text = f.note
    if report.return_reason:
        doc.add_heading("退回意见", level=2)
        doc.add_paragraph(report.return_reason)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
