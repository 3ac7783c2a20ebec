"""Risk-compensation funds with their claims and loss sharing, and loans that
banks report by spreadsheet. Pledge-financing totals are not stored:
``selectors.py`` reads them from the registered pledges of ``filings``."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Region


class RiskCompensationFund(models.Model):
    """A locality's pledge-financing risk-compensation fund (风险补偿资金池)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("地区"))
    name = models.CharField(_("名称"), max_length=200)
    size = models.DecimalField(_("资金规模（元）"), max_digits=16, decimal_places=2)
    established_on = models.DateField(_("设立日期"))
    manager = models.CharField(_("管理机构"), max_length=200, blank=True)
    # Loss sharing (政银保担): percentages of a defaulted loan's loss borne by the
    # government fund, the lending bank, the insurer and the guarantor; they sum
    # to 100 once set (services.fund_shares_set). NULL: not agreed yet, so no
    # default can be split on this fund.
    government_share = models.DecimalField(
        _("政府（资金池）分担比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    bank_share = models.DecimalField(
        _("银行分担比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    insurer_share = models.DecimalField(
        _("保险分担比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    guarantor_share = models.DecimalField(
        _("担保分担比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("风险补偿资金")
        verbose_name_plural = _("风险补偿资金")
        ordering: ClassVar = ["region", "name"]

    def __str__(self) -> str:
        return self.name


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("审核中")
    PAID = "paid", _("已补偿")
    REJECTED = "rejected", _("不予补偿")


class CompensationClaim(models.Model):
    """A bank's claim on a fund after a pledge loan went bad."""

    fund = models.ForeignKey(RiskCompensationFund, on_delete=models.PROTECT, related_name="claims")
    bank = models.CharField(_("银行"), max_length=200)
    borrower = models.CharField(_("借款企业"), max_length=200)
    amount = models.DecimalField(_("申请补偿金额（元）"), max_digits=16, decimal_places=2)
    claimed_on = models.DateField(_("申请日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("风险补偿申请")
        verbose_name_plural = _("风险补偿申请")
        ordering: ClassVar = ["-claimed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.bank} {self.amount} 元"


class LoanDefault(models.Model):
    """A defaulted pledge loan whose loss the fund's parties share (风险分担).

    The four parts are fixed when the default is recorded (largest remainder, so
    that they add up to the loss to the fen); the fund's balance is its size less
    the government parts of its defaults."""

    fund = models.ForeignKey(
        RiskCompensationFund, on_delete=models.PROTECT, related_name="defaults"
    )
    bank = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("贷款银行")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("借款企业所在地"))
    borrower = models.CharField(_("借款企业"), max_length=200)
    loan_amount = models.DecimalField(_("贷款金额（元）"), max_digits=16, decimal_places=2)
    loss = models.DecimalField(_("损失金额（元）"), max_digits=16, decimal_places=2)
    defaulted_on = models.DateField(_("违约日期"))
    government_part = models.DecimalField(_("资金池承担（元）"), max_digits=16, decimal_places=2)
    bank_part = models.DecimalField(_("银行承担（元）"), max_digits=16, decimal_places=2)
    insurer_part = models.DecimalField(_("保险承担（元）"), max_digits=16, decimal_places=2)
    guarantor_part = models.DecimalField(_("担保承担（元）"), max_digits=16, decimal_places=2)
    financing_request = models.ForeignKey(
        "finance.FinancingRequest", null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("违约损失分担")
        verbose_name_plural = _("违约损失分担")
        ordering: ClassVar = ["-defaulted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.borrower} {self.loss} 元"


class PledgeKind(models.TextChoices):
    PATENT = "patent", _("专利权质押")
    TRADEMARK = "trademark", _("商标专用权质押")
    MIXED = "mixed", _("混合质押")


class BankLoanReport(models.Model):
    """Loans secured by IP that a bank reports for a region and month (imported)."""

    bank = models.CharField(_("银行"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("地区"))
    month = models.DateField(_("月份"))
    pledge_kind = models.CharField(_("质押类型"), max_length=10, choices=PledgeKind.choices)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    loans = models.PositiveIntegerField(_("笔数"))
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("银行报送贷款")
        verbose_name_plural = _("银行报送贷款")
        ordering: ClassVar = ["-month", "bank"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["bank", "region", "month", "pledge_kind", "industry"],
                name="fin_loan_report_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank} {self.month:%Y-%m} {self.amount} 元"
