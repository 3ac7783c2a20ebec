"""The public-service network (信息公共服务网络): information outlets and TISCs
with their staff and service tickets, and the directory of service agencies
with their registered agents.

A ticket moves through ``network/workflow.py`` (the one table of who may do
what, and when an answer is due); nothing else compares ticket states.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class OutletKind(models.TextChoices):
    TISC = "tisc", _("技术与创新支持中心（TISC）")
    UNIVERSITY = "university", _("高校国家知识产权信息服务中心")
    PUBLIC_POINT = "public_point", _("知识产权信息公共服务网点")
    COUNTY_WINDOW = "county_window", _("县级知识产权服务窗口")


class OutletLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class ServiceKind(models.TextChoices):
    SEARCH = "search", _("检索咨询")
    NAVIGATION = "navigation", _("专利导航")
    ANALYSIS = "analysis", _("分析评议")
    INFRINGEMENT = "infringement", _("侵权判定咨询")
    OTHER = "other", _("其他")


class Outlet(models.Model):
    """An information service outlet (信息公共服务网点): a TISC, a university
    information centre, a national or provincial outlet, or a county window.
    Kept by the province's staff."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=OutletKind.choices)
    level = models.CharField(_("级别"), max_length=12, choices=OutletLevel.choices)
    host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outlets",
        verbose_name=_("依托单位"),
    )
    host_name = models.CharField(_("依托单位名称"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="outlets", verbose_name=_("所在地区")
    )
    address = models.CharField(_("地址"), max_length=300)
    longitude = models.FloatField(_("经度"))
    latitude = models.FloatField(_("纬度"))
    services = models.JSONField(_("服务内容"), default=list)
    opening_hours = models.CharField(_("开放时间"), max_length=200)
    # An office line and mailbox published for the public (not a person's own number).
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    active = models.BooleanField(_("运行中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信息服务网点")
        verbose_name_plural = _("信息服务网点")
        ordering: ClassVar = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class OutletStaff(models.Model):
    """A person who answers an outlet's tickets: a membership row linking an
    account (usually of the host organisation) to the outlet."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outlet_memberships",
        verbose_name=_("账号"),
    )
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("网点服务人员")
        verbose_name_plural = _("网点服务人员")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["outlet", "user"], name="network_staff_once")
        ]

    def __str__(self) -> str:
        return f"{self.outlet.name} · {self.user.get_username()}"


class TicketState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("办理中")
    CLOSED = "closed", _("已办结待评价")
    RATED = "rated", _("已评价")
    DECLINED = "declined", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


class ServiceTicket(models.Model):
    """A user's request to an outlet for one of its services (服务工单)."""

    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("服务网点")
    )
    service = models.CharField(_("服务事项"), max_length=14, choices=ServiceKind.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="network_tickets",
        verbose_name=_("申请人"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="network_tickets",
        verbose_name=_("申请单位"),
    )
    # The outlet's region (copied): the staff of that region see the ticket.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    subject = models.CharField(_("事项"), max_length=200)
    question = models.TextField(_("需求说明"))
    state = models.CharField(
        _("状态"), max_length=10, choices=TicketState.choices, default=TicketState.SUBMITTED
    )
    # Bumped by every step: a stale form cannot act on a ticket someone else moved.
    version = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True, db_index=True)
    late = models.BooleanField(_("超期办结"), default=False)
    overdue_flagged_at = models.DateTimeField(_("超期标记时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("经办人账号"),
    )
    handled_by_name = models.CharField(_("经办人"), max_length=150, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    result_file = models.FileField(upload_to="network/%Y/%m/", blank=True)
    result_file_name = models.CharField(_("结果附件"), max_length=255, blank=True)
    result_file_type = models.CharField(max_length=40, blank=True)
    result_file_sha256 = models.CharField(max_length=64, blank=True)
    decline_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("服务工单")
        verbose_name_plural = _("服务工单")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"GD{self.pk:07d}" if self.pk else ""


class TicketEvent(models.Model):
    """One step of a ticket's history (who, when, from which state)."""

    ticket = models.ForeignKey(ServiceTicket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class AgencyService(models.TextChoices):
    PATENT_AGENCY = "patent_agency", _("专利代理")
    TRADEMARK_AGENCY = "trademark_agency", _("商标代理")
    NAVIGATION = "navigation", _("专利导航")
    ANALYSIS = "analysis", _("分析评议")
    OPERATION = "operation", _("运营转化")
    VALUATION = "valuation", _("价值评估")
    PROTECTION = "protection", _("维权服务")
    CONSULTING = "consulting", _("咨询培训")


class AgencyProfile(models.Model):
    """What the directory says of an agency (an organisation of kind 服务机构)
    beyond core's record: its services and the regions it serves."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="agency_profile",
        verbose_name=_("服务机构"),
    )
    services = models.JSONField(_("服务内容"), default=list, blank=True)
    # GB/T 2260 codes of the cities served; empty: the whole province.
    regions_served = models.JSONField(_("服务地区"), default=list, blank=True)
    introduction = models.TextField(_("机构简介"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务机构名录信息")
        verbose_name_plural = _("服务机构名录信息")

    def __str__(self) -> str:
        return self.organisation.name


class Agent(models.Model):
    """A registered patent agent (专利代理师) working for an agency."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agents", verbose_name=_("执业机构")
    )
    name = models.CharField(_("姓名"), max_length=40)
    licence_number = models.CharField(_("代理师资格证号"), max_length=20, unique=True)
    active = models.BooleanField(_("执业中"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专利代理师")
        verbose_name_plural = _("专利代理师")
        ordering: ClassVar = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.licence_number}）"
