"""Patent and trademark records, their parties and legal-status history, imports,
saved searches and exports."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Organisation, Region


class PatentType(models.TextChoices):
    INVENTION = "invention", _("发明")
    UTILITY = "utility", _("实用新型")
    DESIGN = "design", _("外观设计")
    PCT_INVENTION = "pct_invention", _("PCT 发明")
    PCT_UTILITY = "pct_utility", _("PCT 实用新型")


class RegionStatus(models.TextChoices):
    RESOLVED = "resolved", _("已解析")
    UNRESOLVED = "unresolved", _("无法解析")
    MISSING = "missing", _("无地址")


class Patent(models.Model):
    """One patent or application, identified by ``natural_key`` (application number
    when the source has one; see ``importers.validate.PatentIn.natural_key``)."""

    natural_key = models.CharField(max_length=120, unique=True)
    application_number = models.CharField(_("申请号"), max_length=20, blank=True, db_index=True)
    patent_type = models.CharField(
        _("专利类型"), max_length=16, choices=PatentType.choices, blank=True, db_index=True
    )
    title = models.CharField(_("名称"), max_length=500)
    abstract = models.TextField(_("摘要"), blank=True)
    claims = models.TextField(_("权利要求"), blank=True)
    description = models.TextField(_("说明书"), blank=True)
    applicants = models.JSONField(_("申请人/专利权人"), default=list, blank=True)
    inventors = models.JSONField(_("发明人"), default=list, blank=True)
    address = models.CharField(_("申请人地址"), max_length=300, blank=True)
    # Any province's GB/T 2260 codes, as resolved from the address; ``region`` is
    # the most specific Hubei region when the address lies in Hubei.
    province_code = models.CharField(_("省级代码"), max_length=6, blank=True, db_index=True)
    city_code = models.CharField(_("地市代码"), max_length=6, blank=True, db_index=True)
    county_code = models.CharField(_("区县代码"), max_length=6, blank=True)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patents",
        verbose_name=_("所属地区"),
    )
    region_status = models.CharField(
        max_length=12, choices=RegionStatus.choices, default=RegionStatus.MISSING, db_index=True
    )
    ipc_main = models.CharField(_("主分类号"), max_length=20, blank=True, db_index=True)
    ipc_codes = models.JSONField(_("分类号"), default=list, blank=True)
    app_date = models.DateField(_("申请日"), null=True, blank=True, db_index=True)
    pub_date = models.DateField(_("公开日"), null=True, blank=True)
    grant_date = models.DateField(_("授权公告日"), null=True, blank=True)
    publication_number = models.CharField(_("公开号"), max_length=20, blank=True, db_index=True)
    publication_kind = models.CharField(_("文献类型"), max_length=4, blank=True)
    grant_number = models.CharField(_("授权公告号"), max_length=24, blank=True)
    priority = models.CharField(_("优先权"), max_length=300, blank=True)
    legal_status = models.CharField(_("法律状态"), max_length=100, blank=True, db_index=True)
    agency = models.CharField(_("代理机构"), max_length=200, blank=True)
    agent = models.CharField(_("代理人"), max_length=200, blank=True)
    citations = models.JSONField(_("引证"), default=list, blank=True)
    source = models.CharField(_("数据来源"), max_length=100, blank=True)
    source_id = models.CharField(max_length=100, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专利")
        verbose_name_plural = _("专利")

    def __str__(self) -> str:
        return f"{self.application_number or self.publication_number} {self.title}"

    @property
    def patent_number(self) -> str:
        """专利号: ZL + the application number, once granted."""
        return f"ZL{self.application_number}" if self.application_number else ""


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人/专利权人")
    INVENTOR = "inventor", _("发明人")


class PatentParty(models.Model):
    """An applicant or inventor of a patent, with the normalised key that brings one
    organisation's patents together across spelling variants."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patent_parties",
    )

    class Meta:
        verbose_name = _("专利当事人")
        verbose_name_plural = _("专利当事人")
        ordering: ClassVar = ["patent", "role", "position"]
        indexes: ClassVar = [models.Index(fields=["role", "key"])]

    def __str__(self) -> str:
        return self.name


class LegalEventKind(models.TextChoices):
    """The events of a legal-status history; what each does to the status is in
    ``legal_status`` (the change files' wording too)."""

    FILED = "filed", _("申请")
    PUBLISHED = "published", _("公开")
    EXAMINATION = "examination", _("实质审查的生效")
    GRANTED = "granted", _("授权")
    LAPSED = "lapsed", _("未缴年费终止")
    EXPIRED = "expired", _("期限届满")
    INVALIDATED = "invalidated", _("宣告无效")
    PARTLY_INVALIDATED = "partly_invalidated", _("部分无效")
    REJECTED = "rejected", _("驳回")
    WITHDRAWN = "withdrawn", _("视为撤回")
    ABANDONED = "abandoned", _("放弃")
    RESTORED = "restored", _("权利恢复")
    PARTICULARS_CHANGED = "particulars_changed", _("著录事项变更")
    TRANSFERRED = "transferred", _("权利转移")
    LICENSED = "licensed", _("实施许可备案")
    LICENCE_CHANGED = "licence_changed", _("许可备案变更")
    LICENCE_CANCELLED = "licence_cancelled", _("许可备案注销")
    OPEN_LICENCE = "open_licence", _("开放许可")
    PLEDGED = "pledged", _("质押登记")
    PLEDGE_CHANGED = "pledge_changed", _("质押变更")
    PLEDGE_RELEASED = "pledge_released", _("质押注销")
    STATUS = "status", _("法律状态（导入）")


# LegalEvent.source of the events a legal-status change file appended (issue 24).
CHANGE_FILE_SOURCE = "change_file"


class LegalEvent(models.Model):
    """One entry of a patent's legal-status history. Later modules append here
    (pledges, licences, transfers) through ``services.legal_event_append``."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="legal_events")
    kind = models.CharField(_("事件"), max_length=20, choices=LegalEventKind.choices)
    date = models.DateField(_("日期"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    source = models.CharField(_("来源"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("法律状态事件")
        verbose_name_plural = _("法律状态事件")
        ordering: ClassVar = ["date", "id"]
        constraints: ClassVar = [
            # A change file applied twice (or by two workers at once) appends each
            # event once; events from other sources are checked by the service only.
            models.UniqueConstraint(
                fields=["patent", "kind", "date"],
                condition=models.Q(source=CHANGE_FILE_SOURCE),
                name="legal_event_change_file_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class TrademarkType(models.TextChoices):
    ORDINARY = "ordinary", _("普通商标")
    COLLECTIVE = "collective", _("集体商标")
    CERTIFICATION = "certification", _("证明商标")
    GI = "gi", _("地理标志")


class Trademark(models.Model):
    registration_number = models.CharField(_("注册号"), max_length=20, unique=True)
    name = models.CharField(_("商标名称"), max_length=200)
    nice_classes = models.JSONField(_("尼斯分类"), default=list)
    owner = models.CharField(_("注册人"), max_length=200)
    owner_key = models.CharField(max_length=200, db_index=True)
    mark_type = models.CharField(
        _("商标类型"), max_length=16, choices=TrademarkType.choices, default=TrademarkType.ORDINARY
    )
    status = models.CharField(_("状态"), max_length=50, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    app_date = models.DateField(_("申请日"), null=True, blank=True)
    reg_date = models.DateField(_("注册日"), null=True, blank=True)

    class Meta:
        verbose_name = _("商标")
        verbose_name_plural = _("商标")

    def __str__(self) -> str:
        return f"{self.registration_number} {self.name}"


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("全部成功才导入")
    SKIP_BAD = "skip", _("跳过错误行")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("有错误，未导入")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One import run; the page polls it for progress and shows its report."""

    file_name = models.CharField(_("文件"), max_length=255)
    file_path = models.CharField(max_length=500)
    mode = models.CharField(_("模式"), max_length=4, choices=ImportMode.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    expected_rows = models.IntegerField(default=0)
    processed_rows = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    ok = models.IntegerField(default=0)
    bad = models.IntegerField(default=0)
    created = models.IntegerField(_("新增"), default=0)
    updated = models.IntegerField(_("更新"), default=0)
    report = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def report_errors(self) -> list[tuple[int, str, str]]:
        """The stored report's errors as (line, field in words, message) for the page."""
        from iphub.patents.importers.columns import field_label

        return [
            (row.get("line", 0), field_label(e.get("field", "")), e.get("message", ""))
            for row in (self.report or {}).get("bad_rows", [])
            for e in row.get("errors", [])
        ]

    @property
    def applied(self) -> bool:
        """Finished and committed: the page shows what the file changed."""
        return self.finished_at is not None and self.status == JobStatus.DONE

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.DONE, JobStatus.REJECTED):
            return 100
        if not self.expected_rows:
            return 0
        return min(99, int(100 * self.processed_rows / self.expected_rows))


class SavedSearch(models.Model):
    """A user's saved query; new records matching it after an import raise an alert."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("名称"), max_length=100)
    query = models.CharField(_("检索式"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("保存的检索")
        verbose_name_plural = _("保存的检索")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class SearchAlert(models.Model):
    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="alerts")
    import_job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL)
    new_count = models.IntegerField(_("新增命中"))
    # Records the platform already held that an update changed (a weekly file's
    # new status, a change file's lapse or pledge) and that now match.
    changed_count = models.IntegerField(_("变更命中"), default=0)
    # The new records first, then the changed ones (at most ALERT_IDS in all).
    patent_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("检索提醒")
        verbose_name_plural = _("检索提醒")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.saved_search} +{self.new_count} ~{self.changed_count}"


class ExportJob(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    query = models.CharField(max_length=2000)
    fmt = models.CharField(max_length=4)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    row_count = models.IntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True)
    # Why a failed export failed, in words the user can act on.
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    def __str__(self) -> str:
        return f"export {self.pk} {self.fmt}"


# -- patent intelligence: citations and the value grade (issue 20) -------------------


class PatentCitation(models.Model):
    """One reference a patent cites (引证), as the source listed it, resolved to a
    record of the corpus when one carries that number. Read backwards it is the
    cited record's forward citation (被引)."""

    citing = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="references")
    # Normalised: upper case, no spaces, CN publication numbers without kind code,
    # application numbers in canonical form (see intelligence.citations.normalise).
    number = models.CharField(_("被引文献号"), max_length=40, db_index=True)
    cited = models.ForeignKey(
        Patent, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by_refs"
    )

    class Meta:
        verbose_name = _("专利引证")
        verbose_name_plural = _("专利引证")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["citing", "number"], name="patent_citation_once")
        ]

    def __str__(self) -> str:
        return f"{self.citing_id} → {self.number}"


class GradeWeightKind(models.TextChoices):
    FACTOR = "factor", _("因素满分")
    BAND = "band", _("档位下限")


class GradeWeight(models.Model):
    """One row of the value grade's settings table: a factor's full points, or the
    lowest score of a band. Staff read it on the method page; province supervisors
    (and the admin) edit it; a change applies at the next recomputation."""

    key = models.CharField(_("代码"), max_length=32, unique=True)
    kind = models.CharField(_("类别"), max_length=8, choices=GradeWeightKind.choices)
    label = models.CharField(_("名称"), max_length=60)
    points = models.PositiveSmallIntegerField(_("分值"))
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("价值分级权重")
        verbose_name_plural = _("价值分级权重")
        ordering: ClassVar = ["kind", "position", "key"]

    def __str__(self) -> str:
        return f"{self.label} {self.points}"


class PatentGrade(models.Model):
    """A patent's value grade (专利价值分级): 0-100 score, band A-D, and each factor's
    points as computed (``factors``: key -> [points, max, detail]; factors the
    record has no data for are absent, and the score is scaled over those used)."""

    patent = models.OneToOneField(
        Patent, primary_key=True, on_delete=models.CASCADE, related_name="grade"
    )
    score = models.PositiveSmallIntegerField(_("价值分"), db_index=True)
    band = models.CharField(_("价值等级"), max_length=1, db_index=True)
    factors = models.JSONField(_("因素得分"), default=dict)
    forward_citations = models.PositiveIntegerField(_("被引次数"), default=0)
    method_version = models.CharField(_("方法版本"), max_length=16)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("专利价值分级")
        verbose_name_plural = _("专利价值分级")

    def __str__(self) -> str:
        return f"{self.patent_id} {self.band} {self.score}"
