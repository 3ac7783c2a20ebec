"""Core data: regions, organisations, accounts with region-scoped roles, audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iphub.core.fieldcrypt import BlindIndexField, EncryptedTextField


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    PREFECTURE = "prefecture", _("市（州）")
    COUNTY = "county", _("县（市、区）")


class Region(models.Model):
    """A GB/T 2260 administrative division.

    ``path`` holds the codes from the province down to this region
    (``420000/420100/420111``), so "is X inside Y" is a prefix test that also
    works inside a database query (``path__startswith``).
    """

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("级别"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=40, db_index=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
        return self.name

    def contains(self, other: Region) -> bool:
        """True if ``other`` is this region or lies inside it."""
        return other.path == self.path or other.path.startswith(self.path + "/")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    UNIVERSITY = "university", _("高校")
    INSTITUTE = "institute", _("科研院所")
    AGENCY = "agency", _("服务机构")
    BANK = "bank", _("银行")
    INSURER = "insurer", _("保险公司")
    GOVERNMENT = "government", _("政府部门")


class OrganisationTag(models.TextChoices):
    SPECIALISED = "zhuanjingtexin", _("专精特新")
    HIGH_TECH = "high_tech", _("高新技术企业")
    LISTING_RESERVE = "listing_reserve", _("上市后备")
    BQW_HUNDRED = "bqw_100", _("百千万计划·百")
    BQW_THOUSAND = "bqw_1000", _("百千万计划·千")
    BQW_TEN_THOUSAND = "bqw_10000", _("百千万计划·万")


class Organisation(models.Model):
    """An enterprise, university, institute, agency, bank or government unit."""

    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    kind = models.CharField(_("类型"), max_length=12, choices=OrganisationKind.choices)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("所在地区")
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    # Personal data, encrypted at rest; found through the keyed hashes (core.fieldcrypt).
    contact_phone = EncryptedTextField(_("联系电话"), max_length=20, blank=True)
    contact_id_number = EncryptedTextField(_("联系人身份证号"), max_length=18, blank=True)
    contact_phone_hmac = BlindIndexField(source="contact_phone")
    contact_id_number_hmac = BlindIndexField(source="contact_id_number")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业/公众用户")
    AGENCY = "agency", _("服务机构用户")
    WINDOW = "window", _("窗口/审核人员")
    ENFORCEMENT = "enforcement", _("执法/保护人员")
    SUPERVISOR = "supervisor", _("督导人员")
    AUDITOR = "auditor", _("审计管理员")
    # 三员分立 (GB/T 22239-2019 8.1.4.2): the system, security and audit administrators
    # are three accounts with three disjoint powers (core.permissions).
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")


# The administrators of the platform itself, as opposed to the staff who do its business.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

STAFF_ROLES = frozenset({Role.WINDOW, Role.ENFORCEMENT, Role.SUPERVISOR, Role.AUDITOR})


class User(AbstractUser):
    """An account: acts for one organisation (public roles) or within one region (staff roles)."""

    role = models.CharField(_("角色"), max_length=12, choices=Role.choices, default=Role.ENTERPRISE)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("管辖地区")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("所属组织"),
    )
    phone = EncryptedTextField(_("手机号"), max_length=20, blank=True)
    phone_hmac = BlindIndexField(source="phone")
    password_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def is_region_staff(self) -> bool:
        return self.role in STAFF_ROLES


class TokenScope(models.TextChoices):
    READ = "read", _("只读")
    WRITE = "write", _("读写")


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored. It acts for its
    owner until it expires or is revoked, and a read-only one only reads."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        _("权限范围"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"


# 等保三级 (GB/T 22239-2019 8.1.4.3): audit records kept at least six months.
AUDIT_RETENTION_DAYS = 180


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        """Refused while any entry in the set is younger than
        :data:`AUDIT_RETENTION_DAYS` (on PostgreSQL a trigger refuses such a
        DELETE from any client too, see migration 0003)."""
        cutoff = timezone.now() - dt.timedelta(days=AUDIT_RETENTION_DAYS)
        if self.filter(at__gt=cutoff).exists():
            raise PermissionError(
                f"审计日志至少保存 {AUDIT_RETENTION_DAYS} 天，"
                f"不能删除 {cutoff:%Y-%m-%d} 之后的记录。"
            )
        return super().delete()


class AuditEntry(models.Model):
    """One write made through a service: who, when, from where, what changed.

    The application only ever inserts these rows: ``save`` on an existing row
    and ``delete`` raise, so no code path can rewrite history. Each row carries
    ``digest`` (SHA-256 of its own fields, set before it is inserted) and, once
    sealed, its place on the hash chain (``chain_seq``, ``chain_hash``): see
    :mod:`iphub.core.auditchain`.
    """

    # Not auto_now_add: the time must be known before the INSERT, for the digest.
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("操作人")
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("来源 IP"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象 ID"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_path = models.CharField(max_length=40, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, default="success")
    digest = models.CharField(_("摘要"), max_length=64, blank=True, editable=False)
    chain_seq = models.PositiveBigIntegerField(_("链序号"), null=True, unique=True, editable=False)
    chain_hash = models.CharField(_("链哈希"), max_length=64, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        from iphub.core.auditchain import digest_of

        self.digest = digest_of(self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志只能追加，不能删除。")


class AuditChainHead(models.Model):
    """The end of the audit hash chain (one row, id 1): the last sealed position
    and its hash. Sealers lock this row, so the chain grows one sealer at a time."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    sealed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"


# The background machinery's tables (workers, schedule, index outbox) live in their own module.
from iphub.core.models_background import (  # noqa: E402, F401
    IndexOutbox,
    ScheduledRun,
    WorkerHeartbeat,
)
