"""Cultivation programmes (培育项目): the province's programmes with their criteria
and quota, organisations' applications with evidence and scores, the memberships
an approval confers (with the organisation tag and its period), members' yearly
figures, and the applicants' inbox."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class ProgrammeKind(models.TextChoices):
    BQW_HUNDRED = "bqw_100", _("百千万知识产权强企工程·百")
    BQW_THOUSAND = "bqw_1000", _("百千万知识产权强企工程·千")
    BQW_TEN_THOUSAND = "bqw_10000", _("百千万知识产权强企工程·万")
    DEMONSTRATION = "demonstration", _("知识产权示范企业")
    ADVANTAGE = "advantage", _("知识产权优势企业")
    NAVIGATION_PILOT = "navigation_pilot", _("专利导航试点")
    HIGH_VALUE_CENTRE = "high_value_centre", _("高价值专利培育中心")
    STRONG_COUNTY = "strong_county", _("知识产权强县工程")


class Programme(models.Model):
    """One year's call of a programme: its criteria (name, full score, the evidence
    asked), the figures members report each year, the quota, the application
    window, and the tag and period an approval confers."""

    kind = models.CharField(_("项目类型"), max_length=20, choices=ProgrammeKind.choices)
    name = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    description = models.TextField(_("项目说明"), blank=True)
    # [{"key": "c1", "name": "…", "max_score": 30, "evidence": "…"}]
    criteria = models.JSONField(_("评审标准"), default=list)
    # [{"key": "i1", "name": "…", "unit": "件"}]
    indicators = models.JSONField(_("年度跟踪指标"), default=list, blank=True)
    eligible_kinds = models.JSONField(_("可申报的单位类型"), default=list)
    quota = models.PositiveIntegerField(_("名额"))
    opens_on = models.DateField(_("申报开始日"))
    closes_on = models.DateField(_("申报截止日"))
    confers_tag = models.CharField(_("授予的组织标签"), max_length=20, blank=True)
    term_years = models.PositiveSmallIntegerField(_("有效期（年）"), default=3)
    renewable = models.BooleanField(_("期满可续期"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培育项目")
        verbose_name_plural = _("培育项目")
        ordering: ClassVar = ["-year", "-opens_on", "-id"]

    def __str__(self) -> str:
        return self.name


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("待市级审核")
    RETURNED = "returned", _("退回补正")
    RECOMMENDED = "recommended", _("市级推荐，待省级审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class ProgrammeApplication(models.Model):
    """An organisation's application to a programme, with what it declares, what the
    platform's records said when it applied, and each review level's scores."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="applications", verbose_name=_("项目")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("申报单位")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申报人"),
    )
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=ApplicationState.choices,
        default=ApplicationState.SUBMITTED,
    )
    # Bumped by every step: a reviewer's form carries the version it showed.
    version = models.PositiveIntegerField(default=0)
    statement = models.TextField(_("申报说明"))
    declared = models.JSONField(_("申报数据"), default=dict)
    records = models.JSONField(_("平台记录"), default=dict)
    city_scores = models.JSONField(_("市级评分"), default=dict, blank=True)
    city_total = models.DecimalField(
        _("市级得分"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    city_note = models.TextField(_("市级意见"), blank=True)
    province_scores = models.JSONField(_("省级评分"), default=dict, blank=True)
    province_total = models.DecimalField(
        _("省级得分"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    return_reason = models.TextField(_("补正意见"), blank=True)
    reject_reason = models.TextField(_("未通过理由"), blank=True)
    renewal = models.BooleanField(_("续期申请"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("审核时限"), null=True, blank=True, db_index=True)
    late = models.BooleanField(_("超期审核"), default=False)
    handled_by_name = models.CharField(_("经办人"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("培育项目申报")
        verbose_name_plural = _("培育项目申报")
        ordering: ClassVar = ["-submitted_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="programme_application_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation_id}"

    @property
    def reference(self) -> str:
        """申报编号 the applicant and the reviewers quote."""
        return f"PY{self.pk:07d}" if self.pk else ""


class ApplicationEvidence(models.Model):
    """A file proving one criterion (PDF, JPEG or PNG, checked by content)."""

    application = models.ForeignKey(
        ProgrammeApplication, on_delete=models.CASCADE, related_name="evidence"
    )
    criterion = models.CharField(_("评审标准"), max_length=20)
    file = models.FileField(upload_to="programmes/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申报证明材料")
        verbose_name_plural = _("申报证明材料")
        ordering: ClassVar = ["criterion", "id"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """One step of an application's history, as the applicant and reviewers read it."""

    application = models.ForeignKey(
        ProgrammeApplication, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("经办人"), max_length=150)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("申报办理记录")
        verbose_name_plural = _("申报办理记录")
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class Membership(models.Model):
    """An organisation's standing in a programme kind for a period (the tag it
    carries meanwhile); a renewal moves ``valid_until`` on, a lapse ends it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    kind = models.CharField(_("项目类型"), max_length=20, choices=ProgrammeKind.choices)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("批准项目")
    )
    application = models.ForeignKey(
        ProgrammeApplication, on_delete=models.PROTECT, related_name="+", verbose_name=_("申报")
    )
    tag = models.CharField(_("组织标签"), max_length=20, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    renewals = models.PositiveSmallIntegerField(_("续期次数"), default=0)
    active = models.BooleanField(_("有效"), default=True)
    ended_on = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("培育项目成员")
        verbose_name_plural = _("培育项目成员")
        ordering: ClassVar = ["-valid_from", "-id"]

    def __str__(self) -> str:
        # Read in the audit log and the admin: names and words, not ids and codes.
        return (
            f"{self.organisation.name} {self.get_kind_display()} "
            f"{self.valid_from}–{self.valid_until}"
        )


class IndicatorReport(models.Model):
    """A member's figures for one year, against its programme's tracked indicators."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    figures = models.JSONField(_("填报数据"), default=dict)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填报人"),
    )
    reported_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("年度指标填报")
        verbose_name_plural = _("年度指标填报")
        ordering: ClassVar = ["-year", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["membership", "year"], name="indicator_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.year}"


class ProgrammeNotice(models.Model):
    """A message to a user of an applicant organisation (returned, approved,
    rejected, expired); written inside the step's transaction."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_notices"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("培育项目消息")
        verbose_name_plural = _("培育项目消息")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
