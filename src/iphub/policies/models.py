"""The policy library (政策库): laws, regulations, national and provincial
policies and local measures, with their issuing body, document number (文号),
dates, validity and region, and the full text. A subsidy or reward policy also
states its conditions as structured rules (``conditions.py``), which the
platform checks against an organisation's records."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Region


class PolicyLevel(models.TextChoices):
    LAW = "law", _("法律")
    REGULATION = "regulation", _("法规规章")
    NATIONAL = "national", _("国家政策")
    PROVINCIAL = "provincial", _("省级政策")
    LOCAL = "local", _("地方措施")


class Validity(models.TextChoices):
    EFFECTIVE = "effective", _("有效")
    AMENDED = "amended", _("已修订")
    REPEALED = "repealed", _("已废止")


class Policy(models.Model):
    """One document of the library."""

    title = models.CharField(_("标题"), max_length=300)
    level = models.CharField(_("层级"), max_length=12, choices=PolicyLevel.choices)
    issuing_body = models.CharField(_("发文机关"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=60, blank=True, db_index=True)
    issued_on = models.DateField(_("发布日期"))
    validity = models.CharField(
        _("效力"), max_length=10, choices=Validity.choices, default=Validity.EFFECTIVE
    )
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="policies", verbose_name=_("适用地区")
    )
    summary = models.TextField(_("摘要"), blank=True)
    full_text = models.TextField(_("全文"), blank=True)
    # A subsidy or reward: what it gives, and the conditions (conditions.py) to get it.
    is_support = models.BooleanField(_("奖补政策"), default=False)
    support_note = models.CharField(_("支持内容"), max_length=300, blank=True)
    conditions = models.JSONField(_("申报条件"), default=list, blank=True)
    # Demo records carry invented document numbers: the pages say so.
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="policies_created",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering: ClassVar = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title
