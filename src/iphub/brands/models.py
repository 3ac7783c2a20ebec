"""Brands (plan task 三): the register of geographical indications, collective and
certification marks kept by the area's staff, the enterprises authorised to use
a GI's special mark (and their applications), and brand cultivation lists.

Trademark records themselves live in ``patents`` (``Trademark``); this app
searches them through its own index (``search_index``) and links to them.
An entry's and an application's states move through ``brands/workflow.py`` only.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region
from iphub.patents.models import Trademark


class IndicationKind(models.TextChoices):
    GI_PRODUCT = "gi_product", _("地理标志产品")
    GI_MARK = "gi_mark", _("地理标志证明商标")
    COLLECTIVE = "collective", _("集体商标")
    CERTIFICATION = "certification", _("证明商标")


class EntryState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公布")
    REVOKED = "revoked", _("已撤销")


class Indication(models.Model):
    """One entry of the register: a geographical indication (product protection or
    certification mark), or a collective or certification mark, with the product,
    the protected area, the rules of use and its approval/registration number.
    Kept by the staff of ``region`` (the area's city, or a county)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=IndicationKind.choices)
    product = models.CharField(_("产品"), max_length=200)
    holder = models.CharField(_("申请人/注册人"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("管理地区")
    )
    areas = models.ManyToManyField(Region, related_name="+", verbose_name=_("保护地域"))
    area_note = models.TextField(_("地域范围说明"), blank=True)
    rules = models.TextField(_("使用管理规则"), blank=True)
    rules_file = models.FileField(_("管理规则文件"), upload_to="brands/rules/", blank=True)
    rules_file_name = models.CharField(_("规则文件名"), max_length=255, blank=True)
    approval_number = models.CharField(_("批准/注册号"), max_length=60)
    approval_date = models.DateField(_("批准/注册日期"))
    trademark = models.ForeignKey(
        Trademark,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("商标记录"),
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=EntryState.choices, default=EntryState.DRAFT
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("地理标志与集体、证明商标")
        verbose_name_plural = _("地理标志与集体、证明商标")
        ordering: ClassVar = ["region__code", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "approval_number"], name="indication_number")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class UseStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已到期")
    REVOKED = "revoked", _("已撤销")


class AuthorisedUse(models.Model):
    """An organisation authorised to use the entry's special mark
    (企业使用地理标志专用标志) from ``valid_from`` to ``valid_until`` inclusive; the
    daily duty turns it expired after that day."""

    indication = models.ForeignKey(
        Indication, on_delete=models.CASCADE, related_name="uses", verbose_name=_("地理标志")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("使用单位")
    )
    valid_from = models.DateField(_("使用期限自"))
    valid_until = models.DateField(_("使用期限至"))
    status = models.CharField(
        _("状态"), max_length=8, choices=UseStatus.choices, default=UseStatus.ACTIVE
    )
    application = models.OneToOneField(
        "UseApplication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grant",
        verbose_name=_("使用申请"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("核准人"),
    )
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("地理标志专用标志使用单位")
        verbose_name_plural = _("地理标志专用标志使用单位")
        ordering: ClassVar = ["indication", "organisation__name", "-valid_from"]
        constraints: ClassVar = [
            # One live authorisation per organisation and entry (a renewal replaces it).
            models.UniqueConstraint(
                fields=["indication", "organisation"],
                condition=models.Q(status="active"),
                name="one_active_use",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="use_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.indication.name}"


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已核准")
    REFUSED = "refused", _("不予核准")
    WITHDRAWN = "withdrawn", _("已撤回")


class UseApplication(models.Model):
    """An enterprise's application to use a GI's special mark, reviewed by the
    entry's staff; approval creates the :class:`AuthorisedUse`."""

    indication = models.ForeignKey(
        Indication,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("地理标志"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请单位")
    )
    products = models.CharField(_("使用产品"), max_length=300)
    production_site = models.CharField(_("生产地址"), max_length=300)
    valid_from = models.DateField(_("申请使用期限自"))
    valid_until = models.DateField(_("申请使用期限至"))
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=ApplicationState.choices,
        default=ApplicationState.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("申请人"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("地理标志专用标志使用申请")
        verbose_name_plural = _("地理标志专用标志使用申请")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.indication.name}"


class CultivationList(models.Model):
    """A year's list of brands under cultivation (知名品牌培育名单) of a region,
    with the criteria members were chosen by."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名单名称"), max_length=200)
    criteria = models.TextField(_("入选条件"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布地区")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("知名品牌培育名单")
        verbose_name_plural = _("知名品牌培育名单")
        ordering: ClassVar = ["-year", "region__code", "title"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region", "year", "title"], name="cultivation_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CultivationMember(models.Model):
    """An enterprise's brand on a cultivation list."""

    cultivation_list = models.ForeignKey(
        CultivationList, on_delete=models.CASCADE, related_name="members", verbose_name=_("名单")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    brand = models.CharField(_("品牌"), max_length=100)
    trademark = models.ForeignKey(
        Trademark,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("商标记录"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("培育品牌")
        verbose_name_plural = _("培育品牌")
        ordering: ClassVar = ["cultivation_list", "organisation__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["cultivation_list", "organisation", "brand"], name="cultivation_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand}（{self.organisation}）"
