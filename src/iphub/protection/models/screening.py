"""蓝天 screening: runs, the groups they flag, and staff decisions on them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Region
from iphub.patents.models import Patent


class RunKind(models.TextChoices):
    FULL = "full", _("全量筛查")
    INCREMENTAL = "incremental", _("增量筛查")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RunStage(models.TextChoices):
    """The steps of a run, in order, as its page shows them."""

    LOAD = "load", _("读取专利记录")
    TEXT = "text", _("计算文本指纹")
    VERIFY = "verify", _("核对相似文本")
    SIGNALS = "signals", _("检查集中申请、拆分申请、分类号偏离与短期转让")
    STORE = "store", _("保存标记组")


class ScreeningRun(models.Model):
    """One pass of the detectors over the corpus (full) or over new records (incremental)."""

    kind = models.CharField(_("类型"), max_length=12, choices=RunKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    patent_ids = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    docs = models.IntegerField(_("记录数"), default=0)
    candidate_pairs = models.IntegerField(_("候选对"), default=0)
    verified_pairs = models.IntegerField(_("确认相似对"), default=0)
    groups_found = models.IntegerField(_("新标记组"), default=0)
    duration_s = models.FloatField(_("耗时（秒）"), default=0)
    message = models.CharField(max_length=500, blank=True)
    # Progress as the run goes (``processed`` of ``total`` in ``stage``) and when
    # it last moved: a run whose worker died stops moving, and the page says so.
    stage = models.CharField(_("阶段"), max_length=10, choices=RunStage.choices, blank=True)
    processed = models.IntegerField(_("已处理"), default=0)
    total = models.IntegerField(_("总数"), default=0)
    progressed_at = models.DateTimeField(_("最近进展"), null=True, blank=True)

    class Meta:
        verbose_name = _("筛查任务")
        verbose_name_plural = _("筛查任务")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}（{self.get_status_display()}）"


class GroupKind(models.TextChoices):
    NEAR_DUPLICATE = "near_duplicate", _("明显相同/简单替换")
    BULK_FILING = "bulk_filing", _("短期集中申请")
    SPLIT_FILING = "split_filing", _("拆分申请")
    IPC_OUTLIER = "ipc_outlier", _("偏离主营领域")
    QUICK_ASSIGNMENT = "quick_assignment", _("申请后短期转让")


class GroupStatus(models.TextChoices):
    OPEN = "open", _("待核查")
    CONFIRMED = "confirmed", _("确认为非正常申请")
    DISMISSED = "dismissed", _("排除")


class FlaggedGroup(models.Model):
    """A group of records the detectors flag together, with its evidence.

    ``signature`` is the kind plus the sorted member ids, so a later run that
    finds the same group again does not flag it twice. ``region`` is where most
    members' applicants are; groups no Hubei region can be found for go to the
    province, so that someone is responsible for every flag.
    """

    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="groups")
    kind = models.CharField(_("类型"), max_length=16, choices=GroupKind.choices)
    signature = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=GroupStatus.choices, default=GroupStatus.OPEN
    )
    score = models.IntegerField(_("风险分"), db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("地区"))
    summary = models.CharField(_("摘要"), max_length=300)
    applicants = models.JSONField(_("申请人"), default=list)
    agencies = models.JSONField(_("代理机构"), default=list)
    evidence = models.JSONField(_("证据"), default=dict)
    patents = models.ManyToManyField(Patent, through="GroupMember", related_name="flagged_groups")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("核查人"),
    )
    decided_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    decision_note = models.CharField(_("核查意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("疑似非正常申请组")
        verbose_name_plural = _("疑似非正常申请组")
        ordering: ClassVar = ["-score", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"


class GroupMember(models.Model):
    group = models.ForeignKey(FlaggedGroup, on_delete=models.CASCADE, related_name="members")
    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["group", "patent"], name="protection_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.patent_id}"


class DismissedPair(models.Model):
    """Two records staff judged not to be an abnormal pair: never flagged together again."""

    low = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        FlaggedGroup, on_delete=models.CASCADE, related_name="dismissed_pairs"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["low", "high"], name="protection_dismissed_unique")
        ]

    def __str__(self) -> str:
        return f"{self.low_id}~{self.high_id}"
