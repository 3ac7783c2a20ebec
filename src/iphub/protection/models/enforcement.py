"""Administrative enforcement: campaigns, cases, evidence, cooperation between regions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class Campaign(models.Model):
    """A 专项行动: a named drive over a scope (case types, region) and a period."""

    name = models.CharField(_("名称"), max_length=200)
    scope = models.TextField(_("行动范围"), blank=True)
    case_types = models.JSONField(_("案件类型"), default=list, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("组织地区"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering: ClassVar = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class CaseType(models.TextChoices):
    TRADEMARK_INFRINGEMENT = "trademark_infringement", _("商标侵权")
    WELL_KNOWN_MARK = "well_known_mark", _("驰名商标保护")
    GI_MISUSE = "gi_misuse", _("地理标志商标违法使用")
    COUNTERFEIT_PATENT = "counterfeit_patent", _("假冒专利")
    PATENT_DISPUTE = "patent_dispute", _("专利侵权纠纷")
    ABNORMAL_FILING = "abnormal_filing", _("非正常专利申请")
    MALICIOUS_TRADEMARK = "malicious_trademark", _("恶意商标注册申请")
    AGENCY_MISCONDUCT = "agency_misconduct", _("代理机构违法违规")


class CaseState(models.TextChoices):
    CLUE = "clue", _("线索")
    FILED = "filed", _("立案")
    INVESTIGATED = "investigated", _("调查终结")
    DECIDED = "decided", _("作出决定")
    CLOSED = "closed", _("结案")


class Case(models.Model):
    """An enforcement case; its state changes only through ``services.case_transition``."""

    number = models.CharField(_("案号"), max_length=40, unique=True)
    title = models.CharField(_("案由"), max_length=200)
    case_type = models.CharField(_("案件类型"), max_length=24, choices=CaseType.choices)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("专项行动"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("管辖地区"))
    state = models.CharField(
        _("状态"), max_length=12, choices=CaseState.choices, default=CaseState.CLUE, db_index=True
    )
    description = models.TextField(_("案情"), blank=True)
    source = models.CharField(_("线索来源"), max_length=100, blank=True)
    flagged_group = models.ForeignKey(
        "protection.FlaggedGroup", null=True, blank=True, on_delete=models.SET_NULL
    )
    penalty_amount = models.DecimalField(
        _("罚没金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    penalty_detail = models.CharField(_("处罚内容"), max_length=500, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("承办人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("执法案件")
        verbose_name_plural = _("执法案件")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CaseParty(models.Model):
    class PartyRole(models.TextChoices):
        RESPONDENT = "respondent", _("当事人（被调查人）")
        RIGHT_HOLDER = "right_holder", _("权利人")
        INFORMANT = "informant", _("举报人")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=14, choices=PartyRole.choices)
    name = models.CharField(_("名称/姓名"), max_length=200)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("案件当事人")
        verbose_name_plural = _("案件当事人")

    def __str__(self) -> str:
        return self.name


class CaseEvent(models.Model):
    """One step of a case's history (the case page shows it), named like the other
    apps' histories (``FilingEvent``, ``ReportEvent``, ``AnswerEvent``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, choices=CaseState.choices)
    to_state = models.CharField(max_length=12, choices=CaseState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class EvidenceFile(models.Model):
    """A PDF/JPEG/PNG piece of evidence; ``recognised_from`` marks evidence another
    region collected and this case accepts without re-collecting it (互认)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="protection/evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.IntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    recognised_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("互认来源")
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering: ClassVar = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class CooperationStatus(models.TextChoices):
    PENDING = "pending", _("待回复")
    ACCEPTED = "accepted", _("已接收")
    COMPLETED = "completed", _("已办结")
    DECLINED = "declined", _("不予协助")


class CooperationRequest(models.Model):
    """A request from a case's region to another region or department for help."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cooperation_requests")
    to_region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("协作地区"))
    to_department = models.CharField(_("协作部门"), max_length=100, blank=True)
    subject = models.CharField(_("协作事项"), max_length=300)
    due_on = models.DateField(_("答复期限"))
    status = models.CharField(
        max_length=10, choices=CooperationStatus.choices, default=CooperationStatus.PENDING
    )
    response = models.TextField(_("答复"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("协作请求")
        verbose_name_plural = _("协作请求")
        ordering: ClassVar = ["due_on", "id"]

    def __str__(self) -> str:
        return self.subject
