"""专利找企业, 技术经理人 and 揭榜挂帅: the other direction of matchmaking.

* A **push run** ranks the organisations that could use a listed patent (or a
  university's whole portfolio) and pushes the best to their inbox; each
  **push** is one (holder, firm, patent) row, so that running again never
  pushes the same patent to the same firm twice, and the holder sees who was
  reached, who opened it and who answered. A firm may **mute** pushes.
* An **organisation profile** is what the ranking reads of a firm: its
  applicant key and its patents per IPC subclass, refreshed in the background.
* A **broker** (技术经理人) is a membership row: a user with a certificate and
  fields. A transfer match or a call is **assigned** to a broker, who keeps a
  **contact log**.
* A **call** (榜单) is a published need with a deadline and weighted criteria;
  **proposals** come from universities and institutes; one is awarded and
  becomes a transfer deal.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region
from iphub.patents.models import Patent
from iphub.transfer.models import Deal, Match, SupplyListing, TechnologyNeed

# -- 专利找企业 ---------------------------------------------------------------------


class PushPreference(models.Model):
    """An organisation's choice about patents pushed to it (one row per organisation)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="push_preference",
        verbose_name=_("单位"),
    )
    muted = models.BooleanField(_("不接收专利推送"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("推送设置")
        verbose_name_plural = _("推送设置")

    def __str__(self) -> str:
        return f"{self.organisation_id}:{'muted' if self.muted else 'on'}"


class OrganisationProfile(models.Model):
    """What the reverse ranking reads of an organisation, computed ahead (the
    counts of its patents per IPC subclass need the whole corpus)."""

    organisation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.CASCADE, related_name="push_profile"
    )
    applicant_key = models.CharField(max_length=200, db_index=True)
    patent_count = models.PositiveIntegerField(_("专利数"), default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("企业技术画像")
        verbose_name_plural = _("企业技术画像")

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.patent_count}"


class ProfileSubclass(models.Model):
    """How many of an organisation's patents carry one IPC subclass."""

    profile = models.ForeignKey(
        OrganisationProfile, on_delete=models.CASCADE, related_name="subclasses"
    )
    subclass = models.CharField(_("IPC 小类"), max_length=4)
    patents = models.PositiveIntegerField(_("专利数"))

    class Meta:
        verbose_name = _("画像分类计数")
        verbose_name_plural = _("画像分类计数")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["profile", "subclass"], name="brokerage_subclass_once")
        ]
        indexes: ClassVar = [models.Index(fields=["subclass", "-patents"])]

    def __str__(self) -> str:
        return f"{self.profile_id}:{self.subclass}={self.patents}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("推送中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class PushRun(models.Model):
    """One ranking-and-pushing of a listing's patents (or the holder's whole
    portfolio), run in the background; its page follows the progress."""

    holder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("专利持有单位")
    )
    listing = models.ForeignKey(
        SupplyListing,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("挂牌"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    per_patent = models.PositiveSmallIntegerField(_("每件专利推送企业数"), default=5)
    status = models.CharField(
        _("状态"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("专利数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    pushed = models.PositiveIntegerField(_("新推送"), default=0)
    message = models.CharField(max_length=300, blank=True)
    progressed_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专利推送任务")
        verbose_name_plural = _("专利推送任务")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.holder_id}:{self.listing_id or 'portfolio'}"


class PushAnswer(models.TextChoices):
    NONE = "", _("未答复")
    INTERESTED = "interested", _("有意向")
    DECLINED = "declined", _("暂不需要")


class Push(models.Model):
    """One patent pushed by its holder to one organisation, with why, and what
    the organisation did with it. Unique per (holder, organisation, patent): a
    re-run finds the row and pushes nothing twice."""

    holder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("推送单位")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="patent_pushes",
        verbose_name=_("推送对象"),
    )
    patent = models.ForeignKey(
        Patent, on_delete=models.CASCADE, related_name="+", verbose_name=_("专利")
    )
    listing = models.ForeignKey(
        SupplyListing, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run = models.ForeignKey(PushRun, null=True, on_delete=models.SET_NULL, related_name="pushes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    score = models.FloatField(_("匹配度"))
    reasons = models.JSONField(_("推送理由"), default=list)
    need = models.ForeignKey(
        TechnologyNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pushed_at = models.DateTimeField(_("推送时间"))
    opened_at = models.DateTimeField(_("查看时间"), null=True, blank=True)
    answer = models.CharField(
        _("答复"), max_length=10, choices=PushAnswer.choices, default="", blank=True
    )
    answer_note = models.CharField(_("答复说明"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    match = models.ForeignKey(
        Match, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("专利推送")
        verbose_name_plural = _("专利推送")
        ordering: ClassVar = ["-pushed_at", "-score", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["holder", "organisation", "patent"], name="brokerage_push_once"
            )
        ]

    def __str__(self) -> str:
        return f"专利 #{self.patent_id} → 单位 #{self.organisation_id}"


# -- 技术经理人 ---------------------------------------------------------------------


class BrokerStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    VERIFIED = "verified", _("已核验")
    REVOKED = "revoked", _("已撤销")


class Broker(models.Model):
    """技术经理人: a user who holds a broker's certificate, in fields of technology."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="broker"
    )
    name = models.CharField(_("姓名"), max_length=50)
    certificate_number = models.CharField(_("证书编号"), max_length=60, unique=True)
    certifying_body = models.CharField(_("发证机构"), max_length=100)
    valid_until = models.DateField(_("有效期至"))
    ipc_sections = models.JSONField(_("技术领域（IPC 部）"), default=list, blank=True)
    industries = models.JSONField(_("服务产业"), default=list, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    status = models.CharField(
        _("状态"), max_length=10, choices=BrokerStatus.choices, default=BrokerStatus.PENDING
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("技术经理人")
        verbose_name_plural = _("技术经理人")
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A transfer match or a call handed to a broker (one broker at a time);
    exactly one of ``match`` and ``call`` is set (``services.assignment_set``)."""

    broker = models.ForeignKey(
        Broker, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("技术经理人")
    )
    match = models.OneToOneField(
        Match,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="broker_assignment",
        verbose_name=_("匹配"),
    )
    call = models.OneToOneField(
        "Call",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignment",
        verbose_name=_("榜单"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("指派时间"))

    class Meta:
        verbose_name = _("经理人指派")
        verbose_name_plural = _("经理人指派")
        ordering: ClassVar = ["-assigned_at", "-id"]

    def __str__(self) -> str:
        if self.match_id:
            subject = f"匹配 #{self.match_id}"
        else:
            subject = f"榜单 #{self.call_id}" if self.call_id else "未指定事项"
        return f"经理人 #{self.broker_id} · {subject}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("走访")
    MEETING = "meeting", _("会谈")
    ONLINE = "online", _("线上")
    EMAIL = "email", _("邮件")


class ContactOutcome(models.TextChoices):
    CONTACTED = "contacted", _("已联系")
    NEGOTIATING = "negotiating", _("洽谈中")
    DEAL = "deal", _("已成交")
    NO_DEAL = "no_deal", _("未达成")


class ContactLog(models.Model):
    """One contact a broker made for an assignment, and how it went."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="logs", verbose_name=_("指派")
    )
    date = models.DateField(_("日期"))
    party = models.CharField(_("联系对象"), max_length=100)
    channel = models.CharField(_("方式"), max_length=10, choices=ContactChannel.choices)
    note = models.CharField(_("记录"), max_length=500, blank=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=ContactOutcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联络记录")
        verbose_name_plural = _("联络记录")
        ordering: ClassVar = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.party}"


# -- 揭榜挂帅 ---------------------------------------------------------------------


class CallState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("揭榜中")
    AWARDED = "awarded", _("已揭榜")
    CANCELLED = "cancelled", _("已撤榜")


class Call(models.Model):
    """榜单: a need the caller publishes with a deadline and weighted criteria."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("发榜单位")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    need = models.ForeignKey(
        TechnologyNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("榜单名称"), max_length=200)
    description = models.TextField(_("技术需求与目标"))
    budget = models.DecimalField(
        _("榜单金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("揭榜截止日期"))
    # [{"name": "技术先进性", "weight": 40}, ...]; weights add up to 100.
    criteria = models.JSONField(_("评价标准"), default=list)
    state = models.CharField(
        _("状态"), max_length=10, choices=CallState.choices, default=CallState.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("揭榜时间"), null=True, blank=True)
    deal = models.ForeignKey(
        Deal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("揭榜挂帅榜单")
        verbose_name_plural = _("揭榜挂帅榜单")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    DECLINED = "declined", _("未入选")
    AWARDED = "awarded", _("已揭榜")
    WITHDRAWN = "withdrawn", _("已撤回")


class Proposal(models.Model):
    """A university's or institute's answer to a call (one per organisation)."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("榜单")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("揭榜单位")
    )
    text = models.TextField(_("揭榜方案"))
    amount = models.DecimalField(
        _("报价（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    patents = models.ManyToManyField(Patent, related_name="+", verbose_name=_("拟用专利"))
    state = models.CharField(
        _("状态"), max_length=10, choices=ProposalState.choices, default=ProposalState.SUBMITTED
    )
    scores = models.JSONField(_("评分"), default=dict, blank=True)
    total_score = models.DecimalField(
        _("加权得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    decline_reason = models.CharField(_("未入选原因"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("揭榜方案")
        verbose_name_plural = _("揭榜方案")
        ordering: ClassVar = ["-total_score", "submitted_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["call", "organisation"], name="brokerage_propose_once")
        ]

    def __str__(self) -> str:
        return f"榜单 #{self.call_id} · 单位 #{self.organisation_id}"


class ProposalFile(models.Model):
    """An attachment of a proposal (PDF, JPEG or PNG, checked by content)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="brokerage/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("方案附件")
        verbose_name_plural = _("方案附件")
        ordering: ClassVar = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
