"""Patent navigation (GB/T 39551-2020): industry chains of the 51020 clusters, the
landscape analyses run over them, staff-fed high-value evidence, and the
navigation projects service bases register."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region, Role
from iphub.patents.models import Patent


class ChainStage(models.TextChoices):
    UPSTREAM = "upstream", _("上游")
    MIDSTREAM = "midstream", _("中游")
    DOWNSTREAM = "downstream", _("下游")


class IndustryChain(models.Model):
    """A key industry chain, defined by a saved search in the patent query language."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("产业链"), max_length=100)
    cluster = models.CharField(_("所属产业集群（51020）"), max_length=100)
    domain = models.CharField(_("战略性新兴产业领域"), max_length=50, blank=True)
    description = models.TextField(_("说明"), blank=True)
    query = models.CharField(_("检索式"), max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ChainSegment(models.Model):
    """One link of a chain (上游/中游/下游 and its name), with its own search."""

    chain = models.ForeignKey(IndustryChain, on_delete=models.CASCADE, related_name="segments")
    stage = models.CharField(_("环节"), max_length=10, choices=ChainStage.choices)
    name = models.CharField(_("名称"), max_length=100)
    query = models.CharField(_("检索式"), max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering: ClassVar = ["chain", "position", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["chain", "stage", "name"], name="nav_segment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.chain} · {self.get_stage_display()} · {self.name}"


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("分析中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Analysis(models.Model):
    """One run of the landscape analysis of a chain (or of any saved search).

    The whole result is one JSON document: the page, the workbook and the PDF
    all read it, so the three always show the same numbers.
    """

    chain = models.ForeignKey(
        IndustryChain, null=True, blank=True, on_delete=models.CASCADE, related_name="analyses"
    )
    title = models.CharField(_("标题"), max_length=200)
    query = models.CharField(_("检索式"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(max_length=500, blank=True)
    patent_count = models.IntegerField(_("专利数"), default=0)
    result = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导航分析")
        verbose_name_plural = _("导航分析")
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"


class HighValueCriterion(models.TextChoices):
    """The five categories of the national high-value invention patent indicator."""

    STRATEGIC = "strategic", _("战略性新兴产业")
    FOREIGN_FAMILY = "foreign_family", _("有海外同族专利权")
    LONG_MAINTAINED = "long_maintained", _("维持年限超过10年")
    PLEDGE = "pledge", _("实现较高质押融资")
    AWARD = "award", _("获国家科学技术奖或中国专利奖")


# The criteria the patent records cannot show; staff keep lists for them.
EVIDENCE_CRITERIA = (
    HighValueCriterion.FOREIGN_FAMILY,
    HighValueCriterion.AWARD,
    HighValueCriterion.PLEDGE,
)


# Who keeps those lists: the province's supervisors and the window clerks.
EVIDENCE_ROLES = (Role.SUPERVISOR, Role.WINDOW)


class HighValueEvidence(models.Model):
    """A staff-maintained fact about a patent that the records do not hold."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="highvalue_evidence")
    criterion = models.CharField(_("指标类别"), max_length=20, choices=HighValueCriterion.choices)
    source_note = models.CharField(_("依据"), max_length=300)
    # Only for pledges: the indicator asks for a "relatively high" financing amount.
    amount = models.DecimalField(
        _("质押融资金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("高价值专利佐证")
        verbose_name_plural = _("高价值专利佐证")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["patent", "criterion"], name="nav_evidence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.patent_id} {self.get_criterion_display()}"


class ProjectType(models.TextChoices):
    """The navigation types of GB/T 39551-2020, parts 2-6."""

    REGION = "region", _("区域规划类")
    INDUSTRY = "industry", _("产业规划类")
    ENTERPRISE = "enterprise", _("企业经营类")
    RND = "rnd", _("研发活动类")
    TALENT = "talent", _("人才管理类")


class NavigationProject(models.Model):
    """A navigation project a service base or workstation ran for a client."""

    title = models.CharField(_("项目名称"), max_length=200)
    project_type = models.CharField(_("导航类型"), max_length=12, choices=ProjectType.choices)
    client = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="navigation_projects",
        verbose_name=_("委托单位"),
    )
    service_base = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="navigation_services",
        verbose_name=_("承担单位（导航服务基地/工作站）"),
    )
    chain = models.ForeignKey(
        IndustryChain,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("产业链"),
    )
    # The client's region: supervision counts projects where the client is.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属地区"))
    started_on = models.DateField(_("开始日期"))
    finished_on = models.DateField(_("完成日期"), null=True, blank=True)
    report = models.FileField(_("导航报告"), upload_to="navigation/reports/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("导航项目")
        verbose_name_plural = _("导航项目")
        ordering: ClassVar = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return self.title
