"""Monthly reports: open, edit, attach, and move through ``workflow.TRANSITIONS``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from iphub.core.amounts import NumberRange, parse_number
from iphub.core.audit import audit_record, snapshot
from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.models import Region, RegionLevel
from iphub.supervision import deadlines, workflow
from iphub.supervision.audit_actions import Action
from iphub.supervision.errors import SupervisionError
from iphub.supervision.indicators import REGISTRY, Source
from iphub.supervision.models import (
    MonthlyReport,
    ReportAttachment,
    ReportedFigure,
    ReportEvent,
    ReportTaskEntry,
)
from iphub.supervision.selectors import county_reporting_enabled, plan_tasks
from iphub.supervision.uploads import check_upload

TEXT_FIELDS = ("typical_cases", "problems", "next_steps")
MAX_TEXT = 20000


def _event(
    report: MonthlyReport, *, actor: Any, action: str, frm: str, to: str, note: str = ""
) -> None:
    ReportEvent.objects.create(
        report=report,
        action=action,
        from_state=frm,
        to_state=to,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        note=note,
        at=timezone.now(),
    )


def report_open(*, actor: Any, region: Region, month: dt.date) -> MonthlyReport:
    """The report of ``region`` for ``month``, created as a draft on first use by its reporter."""
    month = deadlines.month_start(month)
    report = (
        MonthlyReport.objects.select_related("region").filter(region=region, month=month).first()
    )
    if report is not None:
        return report
    if region.level == RegionLevel.PROVINCE:
        raise ApplicationError("省级不报送月报。", code=SupervisionError.NOT_A_REPORTING_UNIT)
    if region.level == RegionLevel.COUNTY and not county_reporting_enabled(region.parent_id or ""):
        raise ApplicationError(
            "所属市（州）未要求县级报送月报。", code=SupervisionError.NOT_A_REPORTING_UNIT
        )
    probe = MonthlyReport(region=region, month=month)
    if workflow.party_of(actor, probe) != "reporter":
        raise AccessDenied("只有本地区的督导人员可以填报本地区月报。")
    with transaction.atomic():
        report, created = MonthlyReport.objects.get_or_create(
            region=region,
            month=month,
            defaults={"due_date": deadlines.due_date(month), "created_by": actor},
        )
        if created:
            audit_record(
                actor=actor, action=Action.REPORT_OPEN, obj=report, region_path=region.path
            )
    return report


def _locked(report_id: int) -> MonthlyReport:
    report = (
        MonthlyReport.objects.select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound("未找到该月报。")
    return report


def figure_range(ind: Any) -> NumberRange:
    """What a reported figure accepts: not negative, whole for counts (场, 家),
    at most a million of them; amounts up to what ``ReportedFigure.value`` holds."""
    if ind.decimals == 0:
        return NumberRange(ind.label_zh, unit=ind.unit_zh, maximum=Decimal(1_000_000), places=0)
    return NumberRange(
        ind.label_zh, unit=ind.unit_zh, maximum=Decimal("999999999999.99"), places=ind.decimals
    )


@transaction.atomic
def report_update(*, actor: Any, report_id: int, data: dict[str, Any]) -> MonthlyReport:
    """Save the report's text, per-task work and reported figures (draft or returned only).

    ``data``: typical_cases, typical_case_count, problems, next_steps,
    ``work`` {task number: text}, ``figures`` {indicator key: value}.
    """
    report = _locked(report_id)
    if workflow.party_of(actor, report) != "reporter":
        raise AccessDenied("只有本地区的督导人员可以修改本地区月报。")
    if report.state not in workflow.EDITABLE_STATES:
        raise ApplicationError(
            f"月报当前状态为“{report.get_state_display()}”，不能修改。",
            code=SupervisionError.REPORT_NOT_EDITABLE,
            status=409,
        )
    before = snapshot(report)
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if name in data:
            text = str(data[name] or "").strip()
            if len(text) > MAX_TEXT:
                errors[name] = f"不超过 {MAX_TEXT} 字。"
            setattr(report, name, text)
    if "typical_case_count" in data:
        try:
            count = int(data["typical_case_count"] or 0)
            if not 0 <= count <= 100:
                raise ValueError
            report.typical_case_count = count
        except (TypeError, ValueError):
            errors["typical_case_count"] = "典型案例数应为 0-100 的整数。"
    tasks = {t.number: t for t in plan_tasks(report.month)}
    work = data.get("work") or {}
    for number in work:
        if number not in tasks:
            errors[f"work.{number}"] = f"方案中没有任务“{number}”。"
    figures = data.get("figures") or {}
    clean_figures: dict[str, Decimal] = {}
    for key, value in figures.items():
        ind = REGISTRY.get(key)
        if ind is None or ind.source != Source.REPORTED:
            errors[f"figures.{key}"] = "该指标由平台计算，不能填报。"
            continue
        try:
            number = parse_number(value, figure_range(ind), field=f"figures.{key}")
        except ApplicationError as exc:
            errors.update(exc.fields)
            continue
        if number is not None:
            clean_figures[key] = number
    if errors:
        raise ApplicationError("月报内容有误，请按提示修改。", fields=errors)
    report.version += 1
    report.save()
    for number, text in work.items():
        text = str(text or "").strip()
        if text:
            ReportTaskEntry.objects.update_or_create(
                report=report, task=tasks[number], defaults={"work_done": text[:MAX_TEXT]}
            )
        else:
            ReportTaskEntry.objects.filter(report=report, task=tasks[number]).delete()
    for key, value in clean_figures.items():
        ReportedFigure.objects.update_or_create(
            report=report, indicator=key, defaults={"value": value}
        )
    audit_record(
        actor=actor,
        action=Action.REPORT_UPDATE,
        obj=report,
        region_path=report.region.path,
        before=before,
        after=snapshot(report),
    )
    return report


@transaction.atomic
def report_attach(*, actor: Any, report_id: int, name: str, content: bytes) -> ReportAttachment:
    report = _locked(report_id)
    if workflow.party_of(actor, report) != "reporter":
        raise AccessDenied("只有本地区的督导人员可以上传附件。")
    if report.state not in workflow.EDITABLE_STATES:
        raise ApplicationError(
            "已报送的月报不能再添加附件。", code=SupervisionError.REPORT_NOT_EDITABLE
        )
    up = check_upload(name=name, content=content)
    att = ReportAttachment(
        report=report,
        original_name=up.original_name,
        content_type=up.content_type,
        size=len(up.content),
        sha256=up.sha256,
    )
    att.file.save(f"{up.sha256[:16]}.{up.extension}", ContentFile(up.content), save=False)
    att.save()
    audit_record(
        actor=actor,
        action=Action.REPORT_ATTACH,
        obj=att,
        region_path=report.region.path,
        after={"name": att.original_name},
    )
    return att


@transaction.atomic
def report_transition(
    *,
    actor: Any,
    report_id: int,
    action: str,
    reason: str = "",
    version: int | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Take step ``action`` (submit, return, resubmit, accept) on a report, under a row lock."""
    report = _locked(report_id)
    if version is not None and version != report.version:
        raise ApplicationError(
            "月报已被他人修改，请刷新后重试。", code=SupervisionError.STALE_VERSION, status=409
        )
    t = workflow.check(actor, report, action)
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise ApplicationError(
            "退回时请填写退回意见。",
            code=SupervisionError.REASON_REQUIRED,
            fields={"reason": "请填写退回意见。"},
        )
    if t.party == "reporter" and not report.entries.exists():
        raise ApplicationError(
            "请至少填写一项任务的工作进展后再报送。",
            code=SupervisionError.REPORT_NOT_EDITABLE,
            fields={"work": "请填写工作进展。"},
        )
    now = now or timezone.now()
    before = snapshot(report)
    frm = report.state
    report.state = t.target
    report.version += 1
    if t.party == "reporter":
        report.submitted_at = now
        if report.first_submitted_at is None:
            report.first_submitted_at = now
            report.late = deadlines.is_late(report.month, now)
    if t.name == "return":
        report.return_reason = reason
    report.save()
    _event(report, actor=actor, action=t.name, frm=frm, to=t.target, note=reason)
    audit_record(
        actor=actor,
        action=Action.report_step(t.name),
        obj=report,
        region_path=report.region.path,
        before=before,
        after=snapshot(report),
    )
    return report
