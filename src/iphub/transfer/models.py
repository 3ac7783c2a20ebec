"""知慧桥: technology needs, supply listings, matches, docking events and deals.

Who owns what: a need and a listing belong to an organisation (the enterprise
or university that posted it) and live in that organisation's region, so staff
scoping is a prefix test on ``region__path`` and public users see their own
organisation's rows through ``organisation``.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.fieldcrypt import EncryptedTextField
from iphub.core.models import Organisation, Region
from iphub.patents.models import Patent


class CooperationForm(models.TextChoices):
    TRANSFER = "transfer", _("专利转让")
    EXCLUSIVE = "exclusive", _("独占许可")
    SOLE = "sole", _("排他许可")
    ORDINARY = "ordinary", _("普通许可")
    JOINT = "joint", _("合作开发")
    EQUITY = "equity", _("作价入股")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    STALE = "stale", _("待确认")
    EXPIRED = "expired", _("已过期")
    CLOSED = "closed", _("已关闭")


class NeedSource(models.TextChoices):
    SELF = "self", _("企业自主发布")
    VISIT = "visit", _("大走访采集")
    IMPORT = "import", _("批量导入")


class MatchingStatus(models.TextChoices):
    """Where the background matching of a need stands (blank: never queued)."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("匹配中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class MatchingStage(models.TextChoices):
    """The steps of a need's matching, shown while it runs."""

    EMBED = "embed", _("生成需求语义向量")
    RANK = "rank", _("检索并排序候选专利")
    EMBED_PATENTS = "embed_patents", _("生成挂牌专利语义向量")
    SCORE_NEEDS = "score_needs", _("为开放的技术需求评分")


class TechnologyNeed(models.Model):
    """需求库: one enterprise's technical problem it wants solved by a patent or a partner."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="technology_needs"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    title = models.CharField(_("需求名称"), max_length=200)
    description = models.TextField(_("技术问题描述"))
    industry_chain = models.CharField(_("产业链"), max_length=100, blank=True)
    ipc_codes = models.JSONField(_("IPC 领域"), default=list, blank=True)
    # IPC subclasses the suggester proposed from the title and description and the
    # user did not tick ([{code, title, confidence}]): never the need's own codes,
    # used by the matcher at a discount and marked as suggested in match reasons.
    ipc_suggested = models.JSONField(_("推荐分类（未选）"), default=list, blank=True)
    budget_min = models.DecimalField(
        _("预算下限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("预算上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    preferred_forms = models.JSONField(_("合作方式"), default=list)
    deadline = models.DateField(_("截止日期"))
    contact_name = models.CharField(_("联系人"), max_length=50)
    # Personal data, encrypted at rest (core.fieldcrypt); shown masked to the public.
    contact_phone = EncryptedTextField(_("联系电话"), max_length=20)
    status = models.CharField(
        _("状态"), max_length=8, choices=NeedStatus.choices, default=NeedStatus.OPEN, db_index=True
    )
    source = models.CharField(
        _("来源"), max_length=8, choices=NeedSource.choices, default=NeedSource.SELF
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the owner last confirmed the need is current (post or renewal); the
    # stale sweep counts from here.
    confirmed_at = models.DateTimeField(_("最近确认"))
    matched_at = models.DateTimeField(null=True, blank=True)
    # The latest matching run as its owner sees it on the need's page (queued when
    # posted, edited or renewed; the task reports its stage and outcome here).
    matching_status = models.CharField(
        _("匹配状态"), max_length=8, choices=MatchingStatus.choices, blank=True
    )
    matching_stage = models.CharField(max_length=100, blank=True)
    matching_message = models.CharField(max_length=300, blank=True)
    matching_progressed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("技术需求")
        verbose_name_plural = _("技术需求")
        ordering: ClassVar = ["-confirmed_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ListingMode(models.TextChoices):
    TRANSFER = "transfer", _("转让")
    LICENCE = "licence", _("许可")
    OPEN_LICENCE = "open_licence", _("开放许可")


class ListingStatus(models.TextChoices):
    ACTIVE = "active", _("发布中")
    WITHDRAWN = "withdrawn", _("已撤回")
    REVOKED = "revoked", _("开放许可已撤回")
    CONCLUDED = "concluded", _("已成交")


class SupplyListing(models.Model):
    """A patent holder's offer of one patent or a portfolio for transfer, licence or
    open licence (专利开放许可, Patent Law Arts. 50-52)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supply_listings"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    mode = models.CharField(_("方式"), max_length=12, choices=ListingMode.choices)
    licence_forms = models.JSONField(_("许可类型"), default=list, blank=True)
    # IPC codes the holder chose for the listing (from suggestions or typed); the
    # listed patents' own codes stay theirs.
    ipc_codes = models.JSONField(_("IPC 领域"), default=list, blank=True)
    asking_price = models.DecimalField(
        _("报价（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The open-licence declaration (Rules 2023 Art. 85): fee standard, payment
    # method and term; utility models and designs also need an evaluation report.
    fee_standard = models.CharField(_("许可使用费标准"), max_length=300, blank=True)
    payment_method = models.CharField(_("支付方式"), max_length=100, blank=True)
    term_end = models.DateField(_("许可期限至"), null=True, blank=True)
    evaluation_report = models.CharField(_("专利权评价报告编号"), max_length=60, blank=True)
    pledgee_consent = models.BooleanField(_("质权人已同意"), default=False)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ListingStatus.choices,
        default=ListingStatus.ACTIVE,
        db_index=True,
    )
    flags = models.JSONField(_("提示"), default=list, blank=True)
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤回理由"), max_length=300, blank=True)
    # The background scoring of open needs against the listing, as its holder sees it.
    matching_status = models.CharField(
        _("匹配状态"), max_length=8, choices=MatchingStatus.choices, blank=True
    )
    matching_stage = models.CharField(max_length=100, blank=True)
    matching_message = models.CharField(max_length=300, blank=True)
    matching_progressed_at = models.DateTimeField(null=True, blank=True)
    patents = models.ManyToManyField(Patent, through="ListedPatent", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专利供给")
        verbose_name_plural = _("专利供给")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ListedPatent(models.Model):
    """One patent of a listing, with what the legal-status check found when listed."""

    listing = models.ForeignKey(SupplyListing, on_delete=models.CASCADE, related_name="items")
    patent = models.ForeignKey(Patent, on_delete=models.PROTECT, related_name="listings")
    pledged = models.BooleanField(_("已质押"), default=False)

    class Meta:
        verbose_name = _("挂牌专利")
        verbose_name_plural = _("挂牌专利")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["listing", "patent"], name="transfer_listed_once")
        ]

    def __str__(self) -> str:
        return f"{self.listing_id}:{self.patent_id}"


class MatchStage(models.TextChoices):
    MATCHED = "matched", _("已匹配")
    CONTACTED = "contacted", _("已请求联系")
    NEGOTIATING = "negotiating", _("洽谈中")
    DEAL = "deal", _("已成交")
    REJECTED = "rejected", _("已拒绝")


class Match(models.Model):
    """A candidate pairing of a need with a patent (and the listing offering it, if
    any), with its score, the parts of the score and the reasons a user reads."""

    need = models.ForeignKey(TechnologyNeed, on_delete=models.CASCADE, related_name="matches")
    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="+")
    listing = models.ForeignKey(
        SupplyListing, null=True, blank=True, on_delete=models.SET_NULL, related_name="matches"
    )
    score = models.FloatField(_("匹配度"), db_index=True)
    components = models.JSONField(default=dict)
    reasons = models.JSONField(_("匹配理由"), default=dict)
    stage = models.CharField(
        _("进展"), max_length=12, choices=MatchStage.choices, default=MatchStage.MATCHED
    )
    contact_requested_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("供需匹配")
        verbose_name_plural = _("供需匹配")
        ordering: ClassVar = ["-score", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["need", "patent"], name="transfer_match_once")
        ]

    def __str__(self) -> str:
        return f"{self.need_id}↔{self.patent_id} {self.score:.2f}"

    @property
    def why(self) -> str:
        """The reasons as one sentence, built when shown (so generic words that
        joined the stop list since the match was stored are not offered)."""
        from iphub.transfer.matching import explain

        return explain(self.reasons) if self.reasons else ""


class Notification(models.Model):
    """A message to one user (new match, contact request, event invitation)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transfer_notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    link = models.CharField(max_length=300, blank=True)
    read = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class PatentVector(models.Model):
    """A patent's e5 sentence vector, computed ahead of matching (when the patent is
    listed, or by staff's ``embed_patents`` run), so that matching only reads it.

    ``digest`` is the hash of the text that was embedded: when a patent's title or
    abstract changes the stored vector no longer counts, and the patent is embedded
    again. Vectors are stored as float16 (768 bytes), enough for a cosine."""

    patent = models.OneToOneField(
        Patent, primary_key=True, on_delete=models.CASCADE, related_name="e5_vector"
    )
    digest = models.CharField(max_length=64)
    vector = models.BinaryField()
    embedded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专利语义向量")
        verbose_name_plural = _("专利语义向量")

    def __str__(self) -> str:
        return f"{self.patent_id}:{self.digest[:12]}"


class NeedVector(models.Model):
    """A technology need's e5 query vector, stored in the background when the need is
    posted, edited or renewed (``digest`` as for ``PatentVector``)."""

    need = models.OneToOneField(
        TechnologyNeed, primary_key=True, on_delete=models.CASCADE, related_name="e5_vector"
    )
    digest = models.CharField(max_length=64)
    vector = models.BinaryField()
    embedded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("需求语义向量")
        verbose_name_plural = _("需求语义向量")

    def __str__(self) -> str:
        return f"{self.need_id}:{self.digest[:12]}"


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class DockingEvent(models.Model):
    """对接活动: a supply-demand docking session for one industry chain."""

    title = models.CharField(_("活动名称"), max_length=200)
    industry_chain = models.CharField(_("产业链"), max_length=100)
    ipc_prefixes = models.JSONField(_("IPC 范围"), default=list, blank=True)
    date = models.DateField(_("日期"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("线上地址"), blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("主办地区"))
    status = models.CharField(
        _("状态"), max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("对接活动")
        verbose_name_plural = _("对接活动")
        ordering: ClassVar = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class PairOutcome(models.TextChoices):
    INVITED = "invited", _("已邀请")
    REGISTERED = "registered", _("已报名")
    INTENT = "intent", _("达成意向")
    SIGNED = "signed", _("现场签约")
    NO_DEAL = "no_deal", _("未达成")


class EventPair(models.Model):
    """One need–patent pairing brought to an event, and how it went."""

    event = models.ForeignKey(DockingEvent, on_delete=models.CASCADE, related_name="pairs")
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="event_pairs")
    outcome = models.CharField(
        _("结果"), max_length=10, choices=PairOutcome.choices, default=PairOutcome.INVITED
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("对接配对")
        verbose_name_plural = _("对接配对")
        ordering: ClassVar = ["-match__score", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "match"], name="transfer_pair_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.match_id} {self.outcome}"


class EventRegistration(models.Model):
    """An organisation's registration to attend an event."""

    event = models.ForeignKey(DockingEvent, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendees = models.PositiveSmallIntegerField(_("参会人数"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "organisation"], name="transfer_register_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.organisation_id}"


class DealKind(models.TextChoices):
    TRANSFER = "transfer", _("专利转让")
    EXCLUSIVE = "exclusive", _("独占许可")
    SOLE = "sole", _("排他许可")
    ORDINARY = "ordinary", _("普通许可")
    OPEN_LICENCE = "open_licence", _("开放许可")


class Deal(models.Model):
    """A concluded transfer or licence; feeds the supervision figures."""

    kind = models.CharField(_("类型"), max_length=12, choices=DealKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    seller = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("转让/许可方")
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受让/被许可方")
    )
    patents = models.ManyToManyField(Patent, related_name="+", verbose_name=_("专利"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("统计地区"))
    signed_on = models.DateField(_("签订日期"), db_index=True)
    term_end = models.DateField(_("许可期限至"), null=True, blank=True)
    match = models.ForeignKey(Match, null=True, blank=True, on_delete=models.SET_NULL)
    event = models.ForeignKey(DockingEvent, null=True, blank=True, on_delete=models.SET_NULL)
    # The 一网通办 licence-contract filing or transfer registration of this deal,
    # once filed there; ``filing_reference`` keeps its number (or one typed in
    # for a filing made outside the platform).
    filing = models.ForeignKey(
        "filings.Filing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("对应备案/登记"),
    )
    filing_reference = models.CharField(_("备案/登记号"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("成交")
        verbose_name_plural = _("成交")
        ordering: ClassVar = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} 元"
