"""Training (培训): courses kept by province and city staff, their sessions (in
person or online), registrations that move through ``workflow.py``, a short
test and the certificate with a public verification code.

A registration is one person on one session. Its ``region`` is where the
person works (a staff member's region, else their organisation's), fixed when
they register, so that hours per region are a plain sum; its ``hours`` are
credited when attendance is recorded.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class Audience(models.TextChoices):
    WINDOW = "window", _("窗口人员")
    AGENCY = "agency", _("服务机构")
    ENTERPRISE = "enterprise", _("企业")


class MaterialKind(models.TextChoices):
    NONE = "", _("无")
    PDF = "pdf", _("PDF 讲义")
    VIDEO = "video", _("视频")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("线下面授")
    ONLINE = "online", _("线上直播")


class RegistrationState(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已签到")
    CERTIFIED = "certified", _("已结业")
    REVOKED = "revoked", _("证书已撤销")


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    ROLL_CALL = "roll_call", _("工作人员点名")


class Course(models.Model):
    """A course: its material, its audience, its test's pass mark and hours."""

    title = models.CharField(_("课程名称"), max_length=200)
    summary = models.TextField(_("课程简介"), blank=True)
    audience = models.JSONField(_("培训对象"), default=list)
    material_text = models.TextField(_("学习材料"), blank=True)
    material_kind = models.CharField(
        _("材料形式"), max_length=10, choices=MaterialKind.choices, blank=True
    )
    material_url = models.URLField(_("材料链接"), blank=True)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    pass_mark = models.PositiveSmallIntegerField(_("及格分"), default=60)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="courses", verbose_name=_("主办地区")
    )
    published = models.BooleanField(_("已发布"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="courses_created",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One sitting of a course: when, where (or the online link), how many seats."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("课程")
    )
    mode = models.CharField(
        _("形式"), max_length=10, choices=SessionMode.choices, default=SessionMode.IN_PERSON
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("直播链接"), blank=True)
    capacity = models.PositiveIntegerField(_("名额"))
    registration_deadline = models.DateTimeField(_("报名截止"))

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        ordering: ClassVar = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.course.title} {self.starts_at:%Y-%m-%d}"


class Question(models.Model):
    """A multiple-choice question of a course's test (one right option)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("课程")
    )
    position = models.PositiveSmallIntegerField(_("题号"), default=1)
    text = models.CharField(_("题目"), max_length=500)
    options = models.JSONField(_("选项"), default=list)
    answer = models.PositiveSmallIntegerField(_("正确选项"))

    class Meta:
        verbose_name = _("测试题")
        verbose_name_plural = _("测试题")
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Registration(models.Model):
    """One person on one session, from registration to certificate."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("班次")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_registrations",
        verbose_name=_("学员"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_registrations",
        verbose_name=_("所属单位"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="training_registrations",
        verbose_name=_("学员所在地区"),
    )
    trainee_name = models.CharField(_("学员姓名"), max_length=150)
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=RegistrationState.choices,
        default=RegistrationState.REGISTERED,
    )
    hours = models.DecimalField(_("获得学时"), max_digits=5, decimal_places=1, default=0)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True, db_index=True)
    attendance_method = models.CharField(
        _("签到方式"), max_length=10, choices=AttendanceMethod.choices, blank=True
    )
    best_score = models.PositiveSmallIntegerField(_("最高得分"), null=True, blank=True)
    certificate_code = models.CharField(
        _("证书验证码"), max_length=16, null=True, blank=True, unique=True
    )
    certificate_number = models.CharField(
        _("证书编号"), max_length=30, null=True, blank=True, unique=True
    )
    certified_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "user"], name="training_one_seat_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.trainee_name} · {self.session}"


class QuizAttempt(models.Model):
    """One submission of a course's test."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("报名")
    )
    score = models.PositiveSmallIntegerField(_("得分"))
    passed = models.BooleanField(_("是否通过"))
    answers = models.JSONField(_("作答"), default=dict)
    at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("测试记录")
        verbose_name_plural = _("测试记录")
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.score}"
