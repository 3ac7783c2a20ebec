"""Thin pages: the dashboard and map, monthly reports, drill-down, scores, the plan."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from iphub.core.errors import ApplicationError, NotFound
from iphub.core.exports import xlsx_response
from iphub.core.models import RegionLevel
from iphub.core.permissions import ensure_region_access
from iphub.core.selectors import region_get
from iphub.supervision import deadlines, indicators, scoring, selectors, workflow
from iphub.supervision.services import county, report_io, reports
from iphub.supervision.services import plan as plan_services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A page shows this many records; the Excel export has them all (a city's
# high-value patents run to thousands).
RECORDS_SHOWN = 500


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        return deadlines.parse_month(raw)
    except (ValueError, IndexError):
        return deadlines.month_start(selectors.today_local())


def _fail(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, exc.message + "".join(f" {v}" for v in exc.fields.values()))


@login_required
def dashboard(request: HttpRequest) -> HttpResponseBase:
    """The province dashboard: map coloured by an indicator or the score, targets, late reports."""
    month = _month(request)
    units = selectors.reporting_units(user=request.user)
    key = request.GET.get("indicator") or "score"
    no_data: set[str] = set()
    if key == "score":
        scores = scoring.monthly_scores(user=request.user, regions=units, month=month)
        values: dict[str, tuple[Any, str, str]] = {
            s.region.code: (s.total, "computed", "") for s in scores
        }
        label, unit = gettext("月度综合得分"), gettext("分")
    else:
        if key not in indicators.REGISTRY:
            raise NotFound("未知指标。")
        ind = indicators.REGISTRY[key]
        computed = indicators.compute(key, user=request.user, regions=units, month=month)
        values = {c: (v.value, str(v.source), v.note) for c, v in computed.items()}
        no_data = {c for c, v in computed.items() if v.no_data}
        label, unit = ind.label, ind.unit
    rows: list[dict[str, Any]] = [
        {
            "region": r,
            "value": values[r.code][0],
            "source": values[r.code][1],
            "note": values[r.code][2],
            # A rate over zero cases: shown and exported as 无数据, not as a number.
            "no_data": r.code in no_data,
        }
        for r in units
    ]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"indicator-{key}-{month:%Y-%m}.xlsx",
            label,
            ["地区代码", "地区", f"{label}（{unit}）", "来源", "说明"],
            (
                [
                    r["region"].code,
                    r["region"].name,
                    indicators.NO_DATA if r["no_data"] else r["value"],
                    indicators.SOURCE_LABELS.get(r["source"], r["source"]),
                    r["note"],
                ]
                for r in rows
            ),
            query={"月份": f"{month:%Y-%m}", "指标": label},
        )
    map_data = [
        {"name": r["region"].name, "value": float(r["value"]) if r["value"] is not None else None}
        for r in rows
    ]
    return render(
        request,
        "supervision/dashboard.html",
        {
            "month": month,
            "key": key,
            "label": label,
            "unit": unit,
            "rows": rows,
            "map_data": map_data,
            "indicator_choices": [("score", gettext("月度综合得分"))]
            + [(k, i.label) for k, i in indicators.REGISTRY.items()],
            "progress": selectors.target_progress(user=request.user, month=month),
            "discipline": selectors.report_discipline(user=request.user, month=month),
            "reminders": selectors.reminder_list(user=request.user)[:10],
            "due": deadlines.due_date(month),
        },
    )


@login_required
def discipline_export(request: HttpRequest) -> HttpResponseBase:
    month = _month(request)
    rows = selectors.report_discipline(user=request.user, month=month)
    return xlsx_response(
        f"report-discipline-{month:%Y-%m}.xlsx",
        "月报报送情况",
        ["地区", "截止日", "情况", "首次报送时间", "状态"],
        (
            [
                d.region.name,
                d.due,
                d.label,
                d.report.first_submitted_at.replace(tzinfo=None)
                if d.report and d.report.first_submitted_at
                else "",
                d.report.get_state_display() if d.report else gettext("未填报"),
            ]
            for d in rows
        ),
        query={"月份": f"{month:%Y-%m}"},
    )


@login_required
def city(request: HttpRequest, code: str) -> HttpResponseBase:
    """Drill-down: every indicator of one city for the month, each linking to its records."""
    region = region_get(code)
    ensure_region_access(request.user, region)
    month = _month(request)
    rows: list[dict[str, Any]] = []
    for key, ind in indicators.REGISTRY.items():
        v = indicators.compute(key, user=request.user, regions=[region], month=month)[region.code]
        rows.append({"key": key, "ind": ind, "value": v, "listable": indicators.listable(key)})
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"city-{code}-{month:%Y-%m}.xlsx",
            region.name,
            ["指标", "数值", "单位", "来源", "说明"],
            (
                [
                    r["ind"].label,
                    indicators.NO_DATA if r["value"].no_data else r["value"].value,
                    r["ind"].unit,
                    indicators.SOURCE_LABELS[r["value"].source],
                    r["value"].note,
                ]
                for r in rows
            ),
            query={"地区": region.name, "月份": f"{month:%Y-%m}"},
        )
    score = scoring.monthly_scores(user=request.user, regions=[region], month=month)[0]
    return render(
        request,
        "supervision/city.html",
        {"region": region, "month": month, "rows": rows, "score": score},
    )


@login_required
def records(request: HttpRequest, code: str, key: str) -> HttpResponseBase:
    """The records behind one number."""
    region = region_get(code)
    ensure_region_access(request.user, region)
    if key not in indicators.REGISTRY:
        raise NotFound("未知指标。")
    month = _month(request)
    table = indicators.records(key, user=request.user, region=region, month=month)
    ind = indicators.REGISTRY[key]
    if table is not None and request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"{key}-{code}-{month:%Y-%m}.xlsx",
            ind.label,
            table.headers,
            (
                [c.replace(tzinfo=None) if isinstance(c, dt.datetime) else c for c in row]
                for row in table.rows
            ),
            query={"地区": region.name, "月份": f"{month:%Y-%m}"},
        )
    shown = table.rows[:RECORDS_SHOWN] if table is not None else []
    return render(
        request,
        "supervision/records.html",
        {
            "region": region,
            "month": month,
            "ind": ind,
            "key": key,
            "table": table,
            "shown": shown,
            "truncated": table is not None and len(table.rows) > len(shown),
        },
    )


@login_required
def scores(request: HttpRequest) -> HttpResponseBase:
    """Monthly ranking with the breakdown, the yearly score and the trend."""
    month = _month(request)
    units = selectors.reporting_units(user=request.user)
    monthly = scoring.monthly_scores(user=request.user, regions=units, month=month)
    yearly = scoring.yearly_scores(user=request.user, regions=units, year=month.year, until=month)
    if request.GET.get("export") == "xlsx":
        keys = [p.label for p in monthly[0].parts] if monthly else []
        return xlsx_response(
            f"scores-{month:%Y-%m}.xlsx",
            "月度评分",
            ["排名", "地区", *keys, "基础分", "加分", "扣分", "总分", "年度得分"],
            (
                [
                    i,
                    s.region.name,
                    *[p.points for p in s.parts],
                    s.base,
                    s.bonus,
                    s.penalty,
                    s.total,
                    next((y.total for y in yearly if y.region.code == s.region.code), None),
                ]
                for i, s in enumerate(monthly, 1)
            ),
            query={"月份": f"{month:%Y-%m}"},
        )
    trend = {
        "months": [f"{m}月" for m in range(1, month.month + 1)],
        "series": [
            {
                "name": y.region.name,
                "data": [float(v) if v is not None else None for v in y.months[: month.month]],
            }
            for y in yearly
        ],
    }
    return render(
        request,
        "supervision/scores.html",
        {"month": month, "monthly": monthly, "yearly": yearly, "trend": trend},
    )


@login_required
def plan_view(request: HttpRequest) -> HttpResponseBase:
    month = _month(request)
    plan = selectors.plan_current(month.year)
    progress = {p.target.pk: p for p in selectors.target_progress(user=request.user, month=month)}
    return render(
        request,
        "supervision/plan.html",
        {
            "plan": plan,
            "progress": progress,
            "month": month,
            "can_edit": plan_services.plan_editable_by(request.user),
        },
    )


@require_POST
@login_required
def target_edit(request: HttpRequest, target_id: int) -> HttpResponseBase:
    try:
        plan_services.target_update(
            actor=request.user, target_id=target_id, data=request.POST.dict()
        )
        messages.success(request, "目标已更新。")
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        _fail(request, exc)
    return redirect("supervision:plan")


@login_required
def report_list(request: HttpRequest) -> HttpResponseBase:
    month = _month(request)
    unit = selectors.reporting_unit_of(request.user)
    city = unit if unit is not None and unit.level == RegionLevel.PREFECTURE else None
    return render(
        request,
        "supervision/report_list.html",
        {
            "month": month,
            "reports": selectors.report_list(user=request.user)[:200],
            "own": [unit] if unit is not None else [],
            "city": city,
            "counties_report": city is not None and selectors.county_reporting_enabled(city.code),
            "discipline": selectors.report_discipline(user=request.user, month=month),
        },
    )


@require_POST
@login_required
def county_reporting(request: HttpRequest) -> HttpResponseBase:
    """A city turns its counties' monthly reports on or off."""
    city = region_get(request.POST.get("city", ""))
    try:
        setting = county.county_reporting_set(
            actor=request.user, city=city, enabled=request.POST.get("enabled") == "1"
        )
        messages.success(
            request, "已要求所辖县（市、区）报送月报。" if setting.enabled else "已取消县级报送。"
        )
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        _fail(request, exc)
    return redirect("supervision:reports")


@require_POST
@login_required
def report_start(request: HttpRequest) -> HttpResponseBase:
    region = region_get(request.POST.get("region", ""))
    report = reports.report_open(actor=request.user, region=region, month=_month(request))
    return redirect("supervision:report", report_id=report.pk)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, report_id=report_id)
    party = workflow.party_of(request.user, report)
    editable = party == "reporter" and report.state in workflow.EDITABLE_STATES
    if request.method == "POST" and editable:
        tasks = selectors.plan_tasks(report.month)
        data: dict[str, Any] = {
            k: request.POST.get(k, "") for k in (*reports.TEXT_FIELDS, "typical_case_count")
        }
        data["work"] = {t.number: request.POST.get(f"work_{t.pk}", "") for t in tasks}
        data["figures"] = {
            k: request.POST.get(f"figure_{k}", "")
            for k, i in indicators.REGISTRY.items()
            if i.source == indicators.Source.REPORTED
        }
        try:
            reports.report_update(actor=request.user, report_id=report.pk, data=data)
            for f in request.FILES.getlist("attachments"):
                reports.report_attach(
                    actor=request.user, report_id=report.pk, name=f.name or "", content=f.read()
                )
            messages.success(request, "月报已保存。")
        except ApplicationError as exc:
            _fail(request, exc)
        return redirect("supervision:report", report_id=report.pk)
    work = {e.task_id: e.work_done for e in report.entries.all()}
    figures = {f.indicator: f.value for f in report.figures.all()}
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "party": party,
            "editable": editable,
            "actions": workflow.available(request.user, report),
            "history": [(e, workflow.step_label(e.action)) for e in report.events.all()],
            "tasks": [(t, work.get(t.pk, "")) for t in selectors.plan_tasks(report.month)],
            "figures": [
                (k, i, figures.get(k))
                for k, i in indicators.REGISTRY.items()
                if i.source == indicators.Source.REPORTED
            ],
        },
    )


@require_POST
@login_required
def report_act(request: HttpRequest, report_id: int) -> HttpResponseBase:
    try:
        version = int(request.POST.get("version", "")) if request.POST.get("version") else None
        report = reports.report_transition(
            actor=request.user,
            report_id=report_id,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            version=version,
        )
        messages.success(request, f"月报{report.get_state_display()}。")
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        _fail(request, exc)
    return redirect("supervision:report", report_id=report_id)


@require_POST
@login_required
def report_import(request: HttpRequest, report_id: int) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, report_id=report_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择填好的模板文件。")
        return redirect("supervision:report", report_id=report_id)
    mode = (
        report_io.SKIP_BAD
        if request.POST.get("mode") == report_io.SKIP_BAD
        else report_io.ALL_OR_NOTHING
    )
    try:
        result = report_io.report_import(
            actor=request.user, report=report, fh=io.BytesIO(upload.read()), mode=mode
        )
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        _fail(request, exc)
        return redirect("supervision:report", report_id=report_id)
    for sheet, row, msg in result.errors:
        messages.error(request, f"{sheet} 第 {row} 行：{msg}")
    if result.errors and not result.saved:
        messages.error(request, f"发现 {len(result.errors)} 处错误，未导入任何内容。")
    else:
        messages.success(request, f"已导入 {result.saved} 项，跳过 {result.skipped} 项。")
    return redirect("supervision:report", report_id=report_id)


@login_required
def report_download(request: HttpRequest, report_id: int, fmt: str) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, report_id=report_id)
    name = f"monthly-report-{report.region_id}-{report.month:%Y-%m}"
    if fmt == "docx":
        return FileResponse(
            io.BytesIO(report_io.report_docx(report)),
            as_attachment=True,
            filename=f"{name}.docx",
            content_type=DOCX,
        )
    return FileResponse(
        io.BytesIO(report_io.report_workbook(report)),
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type=XLSX,
    )


@login_required
def report_list_export(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.report_list(user=request.user)
    return xlsx_response(
        "monthly-reports.xlsx",
        "月报",
        ["地区", "月份", "状态", "截止日", "首次报送", "逾期", "典型案例数", "退回意见"],
        (
            [
                r.region.name,
                f"{r.month:%Y-%m}",
                r.get_state_display(),
                r.due_date,
                r.first_submitted_at.replace(tzinfo=None) if r.first_submitted_at else "",
                "是" if r.late else "否",
                r.typical_case_count,
                r.return_reason,
            ]
            for r in qs.iterator()
        ),
    )
