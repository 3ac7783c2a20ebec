"""Applicant-name variants tied to an organisation (申请人名称归并).

Patents name their applicants as the source wrote them; ``patents.names.applicant_key``
already folds spacing, bracket width, case and ``有限责任公司``/``有限公司``, so one
spelling's patents come together. What it cannot know is that ``武汉某某技术有限公司``
is the former name of ``武汉某某科技有限公司``: that is a fact a person asserts and the
region's staff confirm. A confirmed variant adds its key to the keys the profile
counts the organisation's patents (and trademarks) under.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation


class VariantStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未予确认")
    REVOKED = "revoked", _("已撤销")


class ApplicantNameVariant(models.Model):
    """One applicant name (as patents spell it) asserted to be ``organisation``;
    its ``key`` is ``applicant_key(name)``. Only ``confirmed`` rows count."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="name_variants",
        verbose_name=_("组织机构"),
    )
    name = models.CharField(_("申请人名称"), max_length=200)
    key = models.CharField(_("归一化名称"), max_length=200, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=VariantStatus.choices, default=VariantStatus.PROPOSED
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # What the proposer saw: how many patents carried the name when proposed.
    patent_count = models.PositiveIntegerField(_("涉及专利数"), default=0)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("提出人"),
    )
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("申请人名称变体")
        verbose_name_plural = _("申请人名称变体")
        ordering: ClassVar = ["-proposed_at", "-id"]
        constraints: ClassVar = [
            # A name belongs to one organisation: two confirmed owners would count
            # the same patents twice in two profiles.
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status="confirmed"),
                name="name_variant_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation}"


class PeerFigures(models.Model):
    """One organisation's figures as a peer (in-force inventions, applications of
    the last five years, A/B-grade patents, patents under each chain's prefixes),
    stored so that a profile's peer comparison reads a few rows instead of every
    peer's patents (at 1M records 40 peers hold ~140,000 patents: 2 s of SQL).

    A row is valid only for the day it was computed on (two figures depend on the
    date), the organisation's names of that time (``keys_hash``) and the corpus
    ``stamp`` (:mod:`iphub.enterprises.peer_figures`: a database counter that every
    write to patents, parties, grades and legal events moves). Anything else is
    recomputed on read and by the refresh that follows imports and the daily duty.
    """

    organisation = models.OneToOneField(
        Organisation,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("组织机构"),
    )
    stamp = models.CharField(_("数据版本"), max_length=120)
    computed_on = models.DateField(_("统计日期"))
    computed_at = models.DateTimeField(_("计算时间"))
    keys_hash = models.CharField(_("名称指纹"), max_length=40)
    alive_inventions = models.PositiveIntegerField(_("有效发明专利"), default=0)
    recent = models.PositiveIntegerField(_("近五年专利申请"), default=0)
    high_grade = models.PositiveIntegerField(_("A/B 级专利"), default=0)
    # chain prefixes signature ("H04B,H04L,H04W") -> patents under them
    in_chain = models.JSONField(_("产业链专利数"), default=dict)

    class Meta:
        verbose_name = _("同行对比数据")
        verbose_name_plural = _("同行对比数据")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.computed_on}"
