"""Overseas IP dispute response (plan task 五): the expert pool with declared
conflicts, watches on the platform's records that warn subscribed exporters,
dispute cases with guidance notices and assigned experts.

A case's states move through ``overseas/workflow.py`` only.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class Expert(models.Model):
    """An expert of the province's pool (kept by province staff): field, the
    countries and languages they work in, and the parties they may not advise."""

    name = models.CharField(_("姓名"), max_length=50)
    affiliation = models.CharField(_("工作单位"), max_length=200, blank=True)
    field = models.CharField(_("专业领域"), max_length=200)
    countries = models.JSONField(_("熟悉国家/地区"), default=list)
    languages = models.JSONField(_("工作语言"), default=list)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("平台账号"),
    )
    active = models.BooleanField(_("在库"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("海外维权专家")
        verbose_name_plural = _("海外维权专家")
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ExpertConflict(models.Model):
    """A party the expert declared they may not advise on or against (利益冲突):
    a client, an employer, a party of their own cases."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("专家")
    )
    party_name = models.CharField(_("利益冲突方"), max_length=200)
    party_key = models.CharField(max_length=200, db_index=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家利益冲突声明")
        verbose_name_plural = _("专家利益冲突声明")
        ordering: ClassVar = ["expert", "party_name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["expert", "party_key"], name="conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert} ≠ {self.party_name}"


class WatchKind(models.TextChoices):
    COUNTRY = "country", _("按国家/地区")
    COMPETITOR = "competitor", _("按竞争对手")


class Watch(models.Model):
    """A watch on new patent and trademark records: a competitor's name (its
    applicant/owner key) or a country (priority claims, applicant addresses).
    ``*_watermark``: the highest record id already looked at, so each new record
    raises at most one warning."""

    kind = models.CharField(_("类型"), max_length=10, choices=WatchKind.choices)
    country = models.CharField(_("国家/地区"), max_length=2, blank=True)
    competitor = models.CharField(_("竞争对手"), max_length=200, blank=True)
    competitor_key = models.CharField(max_length=200, blank=True, db_index=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    patent_watermark = models.BigIntegerField(_("已检查专利记录至"), default=0)
    trademark_watermark = models.BigIntegerField(_("已检查商标记录至"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    last_run_at = models.DateTimeField(_("最近检查时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("海外风险监测")
        verbose_name_plural = _("海外风险监测")
        ordering: ClassVar = ["kind", "country", "competitor"]

    def __str__(self) -> str:
        return self.competitor or self.country


class WatchSubscription(models.Model):
    """An (exporting) enterprise told of the watch's warnings."""

    watch = models.ForeignKey(
        Watch, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("监测")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("订阅单位")
    )
    created_at = models.DateTimeField(_("订阅时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警订阅")
        verbose_name_plural = _("预警订阅")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["watch", "organisation"], name="subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.watch}"


class RecordKind(models.TextChoices):
    PATENT = "patent", _("专利")
    TRADEMARK = "trademark", _("商标")


class EarlyWarning(models.Model):
    """One new record a watch matched (raised once: unique per watch and record)."""

    watch = models.ForeignKey(
        Watch, on_delete=models.CASCADE, related_name="warnings", verbose_name=_("监测")
    )
    record_kind = models.CharField(_("记录类型"), max_length=10, choices=RecordKind.choices)
    record_id = models.BigIntegerField(_("记录编号"))
    number = models.CharField(_("申请号/注册号"), max_length=40, blank=True)
    title = models.CharField(_("名称"), max_length=300)
    party = models.CharField(_("申请人/注册人"), max_length=300, blank=True)
    reason = models.CharField(_("命中原因"), max_length=300)
    created_at = models.DateTimeField(_("预警时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("海外风险预警")
        verbose_name_plural = _("海外风险预警")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["watch", "record_kind", "record_id"], name="warning_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.watch} · {self.title}"


class WarningNotice(models.Model):
    """A warning delivered to one subscribed organisation (its users' inbox)."""

    warning = models.ForeignKey(
        EarlyWarning, on_delete=models.CASCADE, related_name="notices", verbose_name=_("预警")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("接收单位")
    )
    read = models.BooleanField(_("已读"), default=False)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警通知")
        verbose_name_plural = _("预警通知")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["warning", "organisation"], name="notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.warning}"


class DisputeKind(models.TextChoices):
    SECTION_337 = "s337", _("美国 337 调查")
    LITIGATION = "litigation", _("海外诉讼")
    EXHIBITION = "exhibition", _("展会纠纷")
    SQUATTING = "squatting", _("商标抢注")
    CUSTOMS = "customs", _("海关扣押")
    PLATFORM = "platform", _("电商平台投诉")
    OTHER = "other", _("其他")


class CaseState(models.TextChoices):
    OPEN = "open", _("待受理")
    HANDLING = "handling", _("应对中")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


class DisputeCase(models.Model):
    """An enterprise's overseas IP dispute, opened by the enterprise or by staff;
    handled by the staff of the enterprise's region with guidance and experts."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属地区")
    )
    country = models.CharField(_("国家/地区"), max_length=2)
    kind = models.CharField(_("纠纷类型"), max_length=12, choices=DisputeKind.choices)
    opposing_party = models.CharField(_("对方当事人"), max_length=200)
    opposing_key = models.CharField(max_length=200, db_index=True)
    summary = models.TextField(_("案情简述"))
    state = models.CharField(
        _("状态"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN
    )
    outcome = models.TextField(_("办结情况"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("海外纠纷案件")
        verbose_name_plural = _("海外纠纷案件")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.opposing_party}"


class GuidanceNotice(models.Model):
    """A dispute response guidance notice (纠纷应对指导) written by staff."""

    case = models.ForeignKey(
        DisputeCase, on_delete=models.CASCADE, related_name="guidance", verbose_name=_("案件")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("指导意见"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("撰写人"),
    )
    created_at = models.DateTimeField(_("发出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("纠纷应对指导")
        verbose_name_plural = _("纠纷应对指导")
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class CaseExpert(models.Model):
    """An expert assigned to a case (never one with a declared conflict)."""

    case = models.ForeignKey(
        DisputeCase, on_delete=models.CASCADE, related_name="experts", verbose_name=_("案件")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("专家")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("指派人"),
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指派专家")
        verbose_name_plural = _("指派专家")
        ordering: ClassVar = ["assigned_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "expert"], name="case_expert_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.expert}"
