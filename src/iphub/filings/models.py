"""Online filings (一网通办): pledge registrations, licence-contract filings and the
rest, each moving through the one state machine of ``workflow.py``.

One table holds every kind of filing: the columns that other modules read
(patent, parties, amount, term, region, dates) are real columns so that the
queue, the board and the ``finance`` figures are plain queries; what only one
kind's form asks for lives in ``details``.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class FilingKind(models.TextChoices):
    PATENT_PLEDGE = "patent_pledge", _("专利权质押登记")
    TRADEMARK_PLEDGE = "trademark_pledge", _("商标专用权质押登记")
    PATENT_LICENCE = "patent_licence", _("专利实施许可合同备案")
    PATENT_TRANSFER = "patent_transfer", _("专利权转让登记")
    PATENT_PRODUCT = "patent_product", _("专利产品备案")


class Operation(models.TextChoices):
    ESTABLISH = "establish", _("设立")
    CHANGE = "change", _("变更")
    # Trademark pledges only: the pledge's term is extended (延期登记).
    EXTEND = "extend", _("延期")
    CANCEL = "cancel", _("注销")


class FilingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交待受理")
    RETURNED = "returned", _("退回补正")
    ACCEPTED = "accepted", _("已受理待审核")
    REGISTERED = "registered", _("已登记/备案")
    REFUSED = "refused", _("不予登记")
    WITHDRAWN = "withdrawn", _("已撤回")
    CHANGED = "changed", _("已变更")
    CANCELLED = "cancelled", _("已注销")


class LicenceType(models.TextChoices):
    EXCLUSIVE = "exclusive", _("独占许可")
    SOLE = "sole", _("排他许可")
    ORDINARY = "ordinary", _("普通许可")
    OPEN = "open", _("开放许可")


class Filing(models.Model):
    """One application to the window: who filed it, what it is about, where it stands."""

    kind = models.CharField(_("事项"), max_length=20, choices=FilingKind.choices, db_index=True)
    operation = models.CharField(
        _("登记类型"), max_length=10, choices=Operation.choices, default=Operation.ESTABLISH
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=FilingState.choices, default=FilingState.DRAFT
    )
    # Bumped by every transition: a reviewer's form carries the version it was
    # rendered from, so a stale click cannot act on a filing someone else moved.
    version = models.PositiveIntegerField(default=0)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="filings", verbose_name=_("受理地区")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="filings", verbose_name=_("申请单位")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="filings_created",
        verbose_name=_("提交人"),
    )
    # NULL, not "": filings without a key must not collide in the unique constraint.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # The registration a change or cancellation applies to.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("原登记"),
    )
    patent = models.ForeignKey(
        "patents.Patent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings",
        verbose_name=_("专利"),
    )
    application_number = models.CharField(_("申请号"), max_length=20, blank=True, db_index=True)
    # Pledge: pledgor/pledgee; licence: licensor/licensee; transfer: transferor/
    # transferee; product filing: the filer and (blank) no counterparty.
    holder_name = models.CharField(_("出质人/许可人"), max_length=200, blank=True)
    counterparty_name = models.CharField(_("质权人/被许可人"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    term_start = models.DateField(_("起始日"), null=True, blank=True)
    term_end = models.DateField(_("届满日"), null=True, blank=True)
    details = models.JSONField(_("其他内容"), default=dict, blank=True)

    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True, db_index=True)
    # Set once any staff step finished after its due time; the on-time rate counts it.
    late = models.BooleanField(_("超期办结"), default=False)
    escalated_at = models.DateTimeField(_("升级督办时间"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_filings",
        verbose_name=_("督办地区"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filings_handled",
    )
    handled_by_name = models.CharField(_("经办人"), max_length=150, blank=True)
    return_reasons = models.TextField(_("补正意见"), blank=True)
    refusal_ground = models.CharField(_("不予登记理由"), max_length=40, blank=True)
    refusal_note = models.TextField(_("说明"), blank=True)
    # NULL until approved, and unique once given.
    registration_number = models.CharField(
        _("登记号"), max_length=30, null=True, blank=True, unique=True
    )
    verification_code = models.CharField(
        _("验证码"), max_length=16, null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], name="filing_idempotency_key_unique"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        """办件编号 shown to the applicant and the clerk."""
        return f"BJ{self.pk:08d}" if self.pk else ""


class FilingEvent(models.Model):
    """One step of a filing's history as the applicant and the clerk read it."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class FilingDocument(models.Model):
    """An uploaded material (PDF, JPEG or PNG, checked by content)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="documents")
    material = models.CharField(_("材料"), max_length=40)
    file = models.FileField(upload_to="filings/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering: ClassVar = ["material", "id"]

    def __str__(self) -> str:
        return self.original_name


class PendingUpload(models.Model):
    """A material attached to a form that was refused for another reason (a field
    error), kept so that the applicant need not attach it again: bound to the user
    who uploaded it, named in the re-shown form by ``token``, used on the next
    submission and deleted then (or after a day, unused)."""

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_uploads"
    )
    material = models.CharField(_("材料"), max_length=40)
    file = models.FileField(upload_to="filings/pending/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("暂存材料")
        verbose_name_plural = _("暂存材料")
        ordering: ClassVar = ["material", "id"]

    def __str__(self) -> str:
        return self.original_name
