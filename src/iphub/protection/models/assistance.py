"""Rights-protection assistance, protection workstations and fast-track pre-examination."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.fieldcrypt import EncryptedTextField
from iphub.core.models import Organisation, Region


class StationKind(models.TextChoices):
    ASSISTANCE_CENTRE = "assistance_centre", _("维权援助中心")
    PROTECTION_CENTRE = "protection_centre", _("知识产权保护中心")
    ENTERPRISE = "enterprise", _("企业工作站")
    MARKET = "market", _("市场工作站")
    PARK = "park", _("园区工作站")
    UNIVERSITY = "university", _("高校知识产权服务工作站")
    LAB = "lab", _("科研院所（实验室）服务工作站")


WORKSTATION_KINDS = (StationKind.ENTERPRISE, StationKind.MARKET, StationKind.PARK)
# Service workstations at universities and labs (issue 21 item 2): registered with
# their scope and services and logging what they give; not protection workstations,
# so they count toward neither WORKSTATION_TARGET nor the protection indicator.
SERVICE_STATION_KINDS = (StationKind.UNIVERSITY, StationKind.LAB)


class ServiceKind(models.TextChoices):
    """What a university or lab service workstation offers (its ``services``)."""

    SEARCH_ANALYSIS = "search_analysis", _("检索分析")
    NAVIGATION = "navigation", _("专利导航")
    TRANSFER = "transfer", _("转化运用")
    TRAINING = "training", _("培训宣传")
    PLEDGE_COACHING = "pledge_coaching", _("质押融资辅导")
    OTHER = "other", _("其他")


# The plan's target for protection workstations in IP-dense enterprises, markets and parks.
WORKSTATION_TARGET = 200


class Workstation(models.Model):
    """A protection workstation, assistance centre or protection centre.

    ``fields`` are the industry fields it takes on (IPC sections A-H, or ``*``
    for all), used to triage assistance requests to it.
    """

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=18, choices=StationKind.choices)
    host = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("依托单位")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    # Free text for protection stations; ServiceKind values for service workstations.
    services = models.JSONField(_("服务内容"), default=list, blank=True)
    fields = models.JSONField(_("服务领域"), default=list, blank=True)
    # Required for SERVICE_STATION_KINDS (the service enforces it).
    scope = models.TextField(_("服务范围"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    # Encrypted at rest like every phone number (core.fieldcrypt); shown masked.
    contact_phone = EncryptedTextField(_("联系电话"), max_length=20, blank=True)
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    active = models.BooleanField(_("运行中"), default=True)

    class Meta:
        verbose_name = _("保护工作站")
        verbose_name_plural = _("保护工作站")
        ordering: ClassVar = ["region", "name"]

    def __str__(self) -> str:
        return self.name

    def service_labels(self) -> list[str]:
        """The services in words: ServiceKind labels for a service workstation, else as typed."""
        return [str(ServiceKind(s).label) if s in ServiceKind.values else s for s in self.services]


class StationActivity(models.Model):
    class Kind(models.TextChoices):
        CASE = "case", _("办理案件")
        TRAINING = "training", _("培训宣传")
        CONSULTATION = "consultation", _("咨询服务")

    station = models.ForeignKey(Workstation, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("内容"), max_length=200)
    date = models.DateField(_("日期"))
    participants = models.IntegerField(_("人数"), default=0)

    class Meta:
        verbose_name = _("工作站活动")
        verbose_name_plural = _("工作站活动")
        ordering: ClassVar = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class StationService(models.Model):
    """One service a university or lab service workstation gave (its services log)."""

    station = models.ForeignKey(
        Workstation, on_delete=models.CASCADE, related_name="service_log", verbose_name=_("工作站")
    )
    date = models.DateField(_("服务日期"))
    kind = models.CharField(_("服务类型"), max_length=16, choices=ServiceKind.choices)
    client = models.CharField(_("服务对象"), max_length=200)
    title = models.CharField(_("服务内容"), max_length=200)
    participants = models.IntegerField(_("人数"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工作站服务记录")
        verbose_name_plural = _("工作站服务记录")
        ordering: ClassVar = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class DisputeKind(models.TextChoices):
    DOMESTIC = "domestic", _("国内纠纷")
    OVERSEAS = "overseas", _("海外纠纷")


class AssistanceStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ASSIGNED = "assigned", _("已分派")
    CLOSED = "closed", _("已办结")


class AssistanceRequest(models.Model):
    """An enterprise's request for help with an IP dispute (维权援助)."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("地区"))
    dispute_kind = models.CharField(_("纠纷类型"), max_length=10, choices=DisputeKind.choices)
    field = models.CharField(_("技术领域（IPC 部）"), max_length=1)
    subject = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("情况说明"))
    counterpart = models.CharField(_("对方当事人"), max_length=200, blank=True)
    country = models.CharField(_("涉及国家/地区"), max_length=50, blank=True)
    station = models.ForeignKey(
        Workstation, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("承办机构")
    )
    status = models.CharField(
        max_length=10, choices=AssistanceStatus.choices, default=AssistanceStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("办理期限"))
    outcome = models.TextField(_("办理结果"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    feedback = models.CharField(_("评价"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("维权援助申请")
        verbose_name_plural = _("维权援助申请")
        ordering: ClassVar = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class FastTrackStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    COMPLETED = "completed", _("预审完成")


class FastTrackRequest(models.Model):
    """A 快速预审 request to a protection centre; eligible fields come from a data file."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    region = models.ForeignKey(Region, on_delete=models.PROTECT)
    title = models.CharField(_("发明名称"), max_length=300)
    ipc_main = models.CharField(_("主分类号"), max_length=20)
    eligible_field = models.CharField(_("所属产业领域"), max_length=100, blank=True)
    status = models.CharField(
        max_length=10, choices=FastTrackStatus.choices, default=FastTrackStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("预审期限"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("快速预审申请")
        verbose_name_plural = _("快速预审申请")
        ordering: ClassVar = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.title
