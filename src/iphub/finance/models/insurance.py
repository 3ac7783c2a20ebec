"""IP insurance (知识产权保险): policies with the rights they cover, and claims
tied to the enforcement or assistance case they arise from."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class PolicyKind(models.TextChoices):
    ENFORCEMENT = "enforcement", _("专利执行保险")
    INFRINGEMENT_LOSS = "infringement_loss", _("侵权损失保险")
    OVERSEAS = "overseas", _("海外知识产权保险")
    PLEDGE_GUARANTEE = "pledge_guarantee", _("质押融资保证保险")
    INFRINGEMENT_LIABILITY = "liability", _("侵犯专利权责任保险")
    OTHER = "other", _("其他知识产权保险")


class InsurancePolicy(models.Model):
    """One policy as its insurer or the insured registered it."""

    kind = models.CharField(_("险种"), max_length=20, choices=PolicyKind.choices)
    number = models.CharField(_("保单号"), max_length=60)
    insurer_name = models.CharField(_("保险公司"), max_length=200)
    # The insurer's organisation on the platform (kind 保险公司), when it has one:
    # its staff see the policy. Set when it registers, or when the insured names it.
    insurer_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="insured_policies",
        verbose_name=_("承保机构"),
    )
    insured = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("被保险人")
    )
    # The insured's region: the staff who see the policy and the city it counts under.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("地区"))
    patents = models.ManyToManyField("patents.Patent", blank=True, related_name="+")
    trademarks = models.ManyToManyField("patents.Trademark", blank=True, related_name="+")
    premium = models.DecimalField(_("保费（元）"), max_digits=16, decimal_places=2)
    sum_insured = models.DecimalField(_("保险金额（元）"), max_digits=16, decimal_places=2)
    subsidy_claimed = models.DecimalField(
        _("申请保费补贴（元）"), max_digits=16, decimal_places=2, default=0
    )
    starts_on = models.DateField(_("保险期间起"))
    ends_on = models.DateField(_("保险期间止"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The organisation that registered it: the insured itself, or the insurer.
    registered_by_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记单位")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("知识产权保险保单")
        verbose_name_plural = _("知识产权保险保单")
        ordering: ClassVar = ["-starts_on", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["insurer_name", "number"], name="fin_policy_number")
        ]

    def __str__(self) -> str:
        return f"{self.insurer_name} {self.number}"


class ClaimOutcome(models.TextChoices):
    PENDING = "pending", _("理赔中")
    PAID = "paid", _("已赔付")
    REFUSED = "refused", _("拒赔")


class InsuranceClaim(models.Model):
    """A claim on a policy, arising from an enforcement case or an assistance case."""

    policy = models.ForeignKey(InsurancePolicy, on_delete=models.PROTECT, related_name="claims")
    case = models.ForeignKey(
        "protection.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("执法案件"),
    )
    assistance = models.ForeignKey(
        "protection.AssistanceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("维权援助案件"),
    )
    amount_claimed = models.DecimalField(_("索赔金额（元）"), max_digits=16, decimal_places=2)
    filed_on = models.DateField(_("报案日期"))
    description = models.CharField(_("事由"), max_length=500, blank=True)
    outcome = models.CharField(
        _("理赔结果"), max_length=10, choices=ClaimOutcome.choices, default=ClaimOutcome.PENDING
    )
    amount_paid = models.DecimalField(
        _("赔付金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField(_("结案日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("保险理赔")
        verbose_name_plural = _("保险理赔")
        ordering: ClassVar = ["-filed_on", "-id"]
        constraints: ClassVar = [
            # Exactly one case: the claim says what it arises from.
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, assistance__isnull=True)
                | models.Q(case__isnull=True, assistance__isnull=False),
                name="fin_claim_one_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.amount_claimed} 元"
