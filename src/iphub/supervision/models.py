"""Supervision data: the plan's tasks, measures and targets; monthly reports from
the 17 prefecture-level units; figures a locality types in; reminders; the
scoring scheme.

Indicator values are not stored: ``indicators.py`` computes them from the other
modules' records each time, so a number on the dashboard is never stale.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Region


class Plan(models.Model):
    """One plan document (鄂知发〔2022〕3号, or the next year's)."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=300)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("来源文件"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("实施方案")
        verbose_name_plural = _("实施方案")
        ordering: ClassVar = ["-year", "code"]

    def __str__(self) -> str:
        return self.title


class TaskKind(models.TextChoices):
    MAIN = "main", _("主要任务")
    ORGANISATIONAL = "organisational", _("组织保障")


class ResponsibleLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市（州）")
    COUNTY = "county", _("县（市、区）")
    ALL = "all", _("省市县各级")


class PlanTask(models.Model):
    """One of the plan's ten main tasks or three organisational measures."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    number = models.CharField(_("编号"), max_length=10)
    kind = models.CharField(_("类别"), max_length=16, choices=TaskKind.choices)
    title = models.CharField(_("任务"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("方案任务")
        verbose_name_plural = _("方案任务")
        ordering: ClassVar = ["plan", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "number"], name="sup_task_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}、{self.title}"


class PlanMeasure(models.Model):
    """A measure of a task, with who is responsible for it."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField(_("编号"), max_length=12)
    text = models.TextField(_("措施"))
    responsible_level = models.CharField(
        _("责任层级"), max_length=10, choices=ResponsibleLevel.choices
    )
    lead_units = models.CharField(_("责任单位"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("工作措施")
        verbose_name_plural = _("工作措施")
        ordering: ClassVar = ["task", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["task", "code"], name="sup_measure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class Comparator(models.TextChoices):
    AT_LEAST = "ge", _("不少于")
    AT_MOST = "le", _("不超过")


class TargetBasis(models.TextChoices):
    PLAN = "plan", _("方案原文")
    DEFAULT = "default", _("平台默认")


class PlanTarget(models.Model):
    """A measurable target the plan's text gives (≥10 chains navigated, …).

    ``indicator`` names the computed indicator that measures progress (a key of
    ``indicators.REGISTRY``); blank when no module measures it yet.
    """

    measure = models.ForeignKey(PlanMeasure, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("编号"), max_length=20)
    description = models.CharField(_("目标"), max_length=300)
    indicator = models.CharField(_("对应指标"), max_length=40, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    comparator = models.CharField(
        _("比较"), max_length=2, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    due = models.DateField(_("完成时限"), null=True, blank=True)
    cumulative = models.BooleanField(_("累计值"), default=True)
    # Whether the figure is written in the plan, or a working value the platform
    # set where the text gives a direction but no number ("持续增长").
    basis = models.CharField(
        _("目标来源"), max_length=8, choices=TargetBasis.choices, default=TargetBasis.DEFAULT
    )
    basis_note = models.CharField(_("来源说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering: ClassVar = ["measure", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["measure", "code"], name="sup_target_unique")
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def indicator_label(self) -> str:
        """The indicator's name in the reader's language ("" when none measures it)."""
        from iphub.supervision.indicators import REGISTRY

        ind = REGISTRY.get(self.indicator)
        return ind.label if ind is not None else ""


class CountyReporting(models.Model):
    """A city's choice that its counties also send monthly reports ("if the city asks").

    The county's report then follows the same rule book: the county reports, the
    city (and the province above it) reviews.
    """

    city = models.OneToOneField(
        Region,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="county_reporting",
        verbose_name=_("市（州）"),
    )
    enabled = models.BooleanField(_("县级报送月报"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("县级月报设置")
        verbose_name_plural = _("县级月报设置")

    def __str__(self) -> str:
        return f"{self.city} {'县级报送' if self.enabled else '仅市级报送'}"


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("退回修改")
    RESUBMITTED = "resubmitted", _("已重新报送")
    ACCEPTED = "accepted", _("已采纳")


class MonthlyReport(models.Model):
    """A locality's monthly report of important work, due by the 20th."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="monthly_reports", verbose_name=_("地区")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    state = models.CharField(
        _("状态"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT
    )
    version = models.PositiveIntegerField(default=0)
    due_date = models.DateField(_("报送截止日"))
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)
    typical_cases = models.TextField(_("典型案例"), blank=True)
    typical_case_count = models.PositiveSmallIntegerField(_("典型案例数"), default=0)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步计划"), blank=True)
    return_reason = models.TextField(_("退回意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("月度工作报告")
        verbose_name_plural = _("月度工作报告")
        ordering: ClassVar = ["-month", "region"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region", "month"], name="sup_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y-%m} 月报"


class ReportTaskEntry(models.Model):
    """The work done in the month under one of the plan's tasks."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="entries")
    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="report_entries")
    work_done = models.TextField(_("工作进展"))

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering: ClassVar = ["report", "task__position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report", "task"], name="sup_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.task_id}"


class ReportedFigure(models.Model):
    """A number only the locality knows, typed into its report and marked as reported."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="figures")
    indicator = models.CharField(_("指标"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=2)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("填报数据")
        verbose_name_plural = _("填报数据")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report", "indicator"], name="sup_figure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} = {self.value}"


class ReportAttachment(models.Model):
    """A PDF, JPEG, PNG, DOCX or XLSX attached to a report, checked by content."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="supervision/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class ReportEvent(models.Model):
    """One step of a report's history (报送、退回、重新报送、采纳)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("月报记录")
        verbose_name_plural = _("月报记录")
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")


class ReportReminder(models.Model):
    """A notification to a locality's supervisor that its report is due or missing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_reminders"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    month = models.DateField(_("月份"))
    kind = models.CharField(_("类型"), max_length=10, choices=ReminderKind.choices)
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("月报提醒")
        verbose_name_plural = _("月报提醒")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "month", "kind"], name="sup_reminder_unique")
        ]

    def __str__(self) -> str:
        return self.message


class ScoringScheme(models.Model):
    """Indicator weights and targets, bonuses and penalties (see ``scoring.py``)."""

    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    active = models.BooleanField(_("启用"), default=True)
    config = models.JSONField(_("配置"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分方案")
        verbose_name_plural = _("评分方案")
        ordering: ClassVar = ["-year", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["name", "year"], name="sup_scheme_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"
