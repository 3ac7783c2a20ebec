"""IP-pledge financing that enterprises ask for here (融资需求): banks' loan
products, an enterprise's financing request with the patents and marks it
offers, one answer slot per bank it went to, and the financing whitelist.

A request's answers move through ``finance/workflow.py`` (the one table of who
may do what and when each answer is due); nothing else compares their states.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class Collateral(models.TextChoices):
    """What a product accepts as pledge (质押物)."""

    INVENTION = "invention", _("发明专利")
    UTILITY = "utility", _("实用新型专利")
    DESIGN = "design", _("外观设计专利")
    TRADEMARK = "trademark", _("注册商标")
    GI = "gi", _("地理标志")


class LoanProduct(models.Model):
    """A bank's IP-pledge loan product (知识产权质押贷款产品)."""

    bank = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="loan_products", verbose_name=_("银行")
    )
    name = models.CharField(_("产品名称"), max_length=200)
    rate_min = models.DecimalField(_("年利率下限（%）"), max_digits=6, decimal_places=3)
    rate_max = models.DecimalField(_("年利率上限（%）"), max_digits=6, decimal_places=3)
    amount_min = models.DecimalField(_("额度下限（元）"), max_digits=16, decimal_places=2)
    amount_max = models.DecimalField(_("额度上限（元）"), max_digits=16, decimal_places=2)
    term_min_months = models.PositiveSmallIntegerField(_("期限下限（月）"))
    term_max_months = models.PositiveSmallIntegerField(_("期限上限（月）"))
    collateral = models.JSONField(_("接受的质押物"), default=list)
    # GB/T 2260 codes of the cities/counties served; empty: the whole province.
    region_codes = models.JSONField(_("服务地区"), default=list, blank=True)
    materials = models.TextField(_("所需材料"), blank=True)
    active = models.BooleanField(_("在售"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("质押贷款产品")
        verbose_name_plural = _("质押贷款产品")
        ordering: ClassVar = ["bank__name", "name"]

    def __str__(self) -> str:
        return f"{self.bank.name} {self.name}"


class RequestState(models.TextChoices):
    OPEN = "open", _("办理中")
    LOANED = "loaned", _("已放款（质押已登记）")
    WITHDRAWN = "withdrawn", _("已撤回")
    DECLINED = "declined", _("未获贷款")


class FinancingRequest(models.Model):
    """An enterprise's request for IP-pledge financing (融资需求)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="financing_requests",
        verbose_name=_("融资企业"),
    )
    # The enterprise's own region: the city and county staff who see it.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在地区"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("融资金额（元）"), max_digits=16, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    purpose = models.CharField(_("资金用途"), max_length=300, blank=True)
    patents = models.ManyToManyField(
        "patents.Patent", related_name="financing_requests", verbose_name=_("拟质押专利")
    )
    trademarks = models.ManyToManyField(
        "patents.Trademark",
        blank=True,
        related_name="financing_requests",
        verbose_name=_("拟质押商标"),
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN
    )
    # Filled when the pledge is registered: the real loan, and its registration.
    loan_amount = models.DecimalField(
        _("实际放款金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    loan_bank = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("放款银行"),
    )
    pledge_filing = models.ForeignKey(
        "filings.Filing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("质押登记"),
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Set by the service (its ``now``): the answer limits count from it.
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation.name}"

    @property
    def reference(self) -> str:
        return f"RZ{self.pk:07d}" if self.pk else ""


class AnswerState(models.TextChoices):
    WAITING = "waiting", _("待银行答复")
    REVIEWING = "reviewing", _("银行受理审查中")
    MORE = "more", _("需补充材料")
    DECLINED = "declined", _("银行婉拒")
    APPROVED = "approved", _("已批贷，待办理质押登记")
    LOANED = "loaned", _("已放款")
    WITHDRAWN = "withdrawn", _("企业已撤回")
    CLOSED = "closed", _("已由其他银行放款")


class DeclineReason(models.TextChoices):
    """Why a bank declines (a list, so that the figures can count them)."""

    VALUE_LOW = "value_low", _("质押物价值不足以覆盖融资金额")
    RIGHTS = "rights", _("权属或法律状态存在瑕疵")
    CREDIT = "credit", _("企业信用或经营状况不符合要求")
    REGION = "region", _("不在本行服务地区")
    PRODUCT = "product", _("不符合本行产品要求（额度、期限、质押物）")
    MATERIALS = "materials", _("材料补充后仍不完整")
    OTHER = "other", _("其他")


class BankAnswer(models.Model):
    """One bank's slot on a request: where that bank stands, and when it must answer."""

    request = models.ForeignKey(FinancingRequest, on_delete=models.CASCADE, related_name="answers")
    bank = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="financing_answers"
    )
    product = models.ForeignKey(LoanProduct, null=True, blank=True, on_delete=models.SET_NULL)
    state = models.CharField(
        _("状态"), max_length=10, choices=AnswerState.choices, default=AnswerState.WAITING
    )
    # Bumped by every step: a stale form cannot act on a slot someone else moved.
    version = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(_("答复时限"), null=True, blank=True, db_index=True)
    late = models.BooleanField(_("超期答复"), default=False)
    first_answer_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    # Set by the overdue sweep when it flagged this deadline (one notice per
    # deadline: a new deadline clears it).
    overdue_flagged_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_by_name = models.CharField(_("经办人"), max_length=150, blank=True)
    decline_reason = models.CharField(
        _("婉拒理由"), max_length=12, choices=DeclineReason.choices, blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    approved_amount = models.DecimalField(
        _("批贷金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    approved_rate = models.DecimalField(
        _("批贷年利率（%）"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    approved_term_months = models.PositiveSmallIntegerField(
        _("批贷期限（月）"), null=True, blank=True
    )
    # When the bank was asked (the request's time): answer times count from it.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("银行答复")
        verbose_name_plural = _("银行答复")
        ordering: ClassVar = ["request", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["request", "bank"], name="fin_answer_one_per_bank")
        ]
        indexes: ClassVar = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.bank.name}"


class AnswerEvent(models.Model):
    """One step of a bank answer's history (who, when, from which state)."""

    answer = models.ForeignKey(BankAnswer, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("答复记录")
        verbose_name_plural = _("答复记录")
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class SupplementFile(models.Model):
    """A file the enterprise uploaded when a bank asked for more materials
    (PDF, JPEG or PNG, checked by content as filing materials are); read by that
    bank, the enterprise and the request's region staff only."""

    answer = models.ForeignKey(BankAnswer, on_delete=models.CASCADE, related_name="files")
    # The "supplement" history row it came with (the note is on that row).
    event = models.ForeignKey(
        AnswerEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    file = models.FileField(upload_to="finance/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by_name = models.CharField(_("上传人"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("补充材料")
        verbose_name_plural = _("补充材料")
        ordering: ClassVar = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class FinanceNotice(models.Model):
    """A message in one user's financing inbox (a request arrived, a bank
    answered, an answer is overdue). finance keeps its own: the transfer app's
    inbox is in the same layer, and apps of one layer do not import each other."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="finance_notices"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    link = models.CharField(max_length=300, blank=True)
    read = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("融资消息")
        verbose_name_plural = _("融资消息")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["user", "read"])]

    def __str__(self) -> str:
        return self.title


class WhitelistCriterion(models.TextChoices):
    SPECIALISED = "zhuanjingtexin", _("专精特新企业")
    HIGH_TECH = "high_tech", _("高新技术企业")
    ADVANTAGE = "ip_advantage", _("知识产权优势/示范企业")
    HIGH_VALUE = "high_value", _("拥有高价值发明专利")
    OTHER = "other", _("其他（见说明）")


class WhitelistEntry(models.Model):
    """An enterprise on a city's or the province's financing whitelist (融资白名单)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    # The office that listed it: a city, or the province.
    listed_by_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("推荐地区")
    )
    criteria = models.JSONField(_("入选条件"), default=list)
    evidence = models.TextField(_("依据材料"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_reason = models.CharField(_("移出原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("融资白名单")
        verbose_name_plural = _("融资白名单")
        ordering: ClassVar = ["-valid_until", "organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name
