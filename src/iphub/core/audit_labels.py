"""The audit trail in words: action names, object types and field labels.

Services write action codes (``filing_approve``, ``finance.fund_create``) and
snapshots keyed by field names; a clerk reads 准予登记/备案, 产业链 and 申请日.
Every action code the code base writes has its name in :data:`ACTION_LABELS`
(a test greps the services for codes missing here); a code not in the table
still reads as words (新建/修改/删除 + the object type, or 其他操作), never as
the code. Field labels come from the models' ``verbose_name``; keys that are
not model fields (``total``, ``query`` …) from :data:`FIELD_LABELS`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iphub.core.validators import mask_id_number, mask_name, mask_phone

_L = gettext_lazy

ACTION_LABELS: dict[str, str | Promise] = {
    "core.user.admin_password": _L("后台设置密码"),
    # core
    "organisation_create": _L("登记组织"),
    "organisation_update": _L("修改组织信息"),
    "user_create": _L("创建用户"),
    "user_password_change": _L("修改密码"),
    "api_token_create": _L("创建接口令牌"),
    "api_token_revoke": _L("撤销接口令牌"),
    "audit_verify": _L("校验审计日志完整性"),
    # two-factor login and the security administrator (core.twofactor, core.security)
    "two_factor_enrol": _L("启用双因素认证"),
    "two_factor_login": _L("双因素认证登录"),
    "two_factor_recovery_used": _L("使用恢复码登录"),
    "two_factor_recovery_regenerate": _L("重新生成恢复码"),
    "two_factor_reset": _L("重置双因素认证"),
    "account_lock": _L("锁定账号"),
    "account_unlock": _L("解锁账号"),
    "account_tokens_revoke": _L("撤销账号全部令牌"),
    # filings (one per step of filings.workflow.TRANSITIONS; ``<kind>_create`` below)
    "filing_submit": _L("提交申请"),
    "filing_resubmit": _L("补正后重新提交"),
    "filing_withdraw": _L("撤回申请"),
    "filing_accept": _L("受理申请"),
    "filing_return": _L("退回补正"),
    "filing_approve": _L("准予登记/备案"),
    "filing_refuse": _L("不予登记/备案"),
    "filing_supersede": _L("变更登记生效"),
    "filing_cancel": _L("注销登记生效"),
    "filing_correct": _L("补正申请内容"),
    "filing_escalate": _L("超时提级督办"),
    "filing_draft_update": _L("修改申请草稿"),
    # patents
    "patent_import": _L("导入专利数据"),
    "patent_export": _L("导出检索结果"),
    "patent_status_change": _L("变更专利法律状态"),
    "patent_owner_change": _L("变更专利权人"),
    "patent_delete": _L("删除专利记录"),
    "legal_event_append": _L("添加法律状态事件"),
    "saved_search_create": _L("保存检索式"),
    "saved_search_delete": _L("删除保存的检索式"),
    "trademark_import": _L("导入商标数据"),
    # finance
    "finance.fund_create": _L("登记风险补偿资金"),
    "finance.claim_create": _L("提交风险补偿申请"),
    "finance.claim_decide": _L("审定风险补偿申请"),
    "finance.loans_import": _L("导入质押贷款数据"),
    "finance.default_record": _L("登记贷款违约与损失分担"),
    "finance.fund_shares_set": _L("设定风险补偿分担比例"),
    "finance.insurance_claim_file": _L("提交保险理赔"),
    "finance.insurance_claim_settle": _L("办结保险理赔"),
    "finance.product_update": _L("修改贷款产品"),
    "finance.request_loaned": _L("融资需求放款办结"),
    "finance.answer_files": _L("上传融资补充材料"),
    "finance.answer_overdue": _L("银行超期答复提醒"),
    "finance.whitelist_add": _L("列入融资白名单"),
    "finance.whitelist_remove": _L("移出融资白名单"),
    "grade_weights_update": _L("修改专利价值分级权重"),
    # navigation
    "navigation.chain_create": _L("新建产业链"),
    "navigation.chain_update": _L("修改产业链"),
    "navigation.analysis_request": _L("申请导航分析"),
    "navigation.evidence_add": _L("添加补充事实"),
    "navigation.evidence_update": _L("修改补充事实"),
    "navigation.evidence_remove": _L("撤回补充事实"),
    "navigation.project_create": _L("登记导航项目"),
    # supervision
    "supervision.plan_load": _L("载入实施方案"),
    "supervision.target_update": _L("修改任务目标"),
    "supervision.scheme_save": _L("保存考核方案"),
    "supervision.report_open": _L("新建月报"),
    "supervision.report_update": _L("修改月报"),
    "supervision.report_attach": _L("上传月报附件"),
    "supervision.report_submit": _L("报送月报"),
    "supervision.report_return": _L("退回月报"),
    "supervision.report_resubmit": _L("重新报送月报"),
    "supervision.report_accept": _L("采纳月报"),
    "supervision.county_reporting_set": _L("设置县级月报"),
    # enterprises (the IP profile's applicant-name variants)
    "enterprises.variant_propose": _L("提出申请人名称归并"),
    "enterprises.variant_confirm": _L("确认申请人名称归并"),
    "enterprises.variant_reject": _L("不予确认申请人名称归并"),
    "enterprises.variant_revoke": _L("撤销申请人名称归并"),
    # protection
    "campaign_create": _L("发起专项行动"),
    "campaign_update": _L("修改专项行动"),
    "case_create": _L("登记案件"),
    "case_transition": _L("案件办理"),
    "evidence_add": _L("上传证据"),
    "evidence_recognise": _L("证据互认"),
    "cooperation_request_create": _L("发起协作请求"),
    "cooperation_request_answer": _L("答复协作请求"),
    "workstation_create": _L("登记维权工作站"),
    "station_activity_record": _L("记录工作站活动"),
    "assistance_request_submit": _L("提交维权援助申请"),
    "assistance_request_close": _L("办结维权援助申请"),
    "assistance_feedback_submit": _L("评价维权援助"),
    "fasttrack_request_submit": _L("提交快速预审申请"),
    "fasttrack_request_decide": _L("办理快速预审申请"),
    "screening_run_create": _L("发起蓝天筛查"),
    "flagged_group_confirm": _L("确认疑似非正常申请"),
    "flagged_group_dismiss": _L("排除疑似非正常申请"),
    # transfer
    "need_create": _L("发布技术需求"),
    "need_update": _L("修改技术需求"),
    "need_renew": _L("续期技术需求"),
    "need_mark_stale": _L("技术需求待确认"),
    "need_match_again": _L("重新匹配技术需求"),
    "need_close": _L("关闭技术需求"),
    "need_expire": _L("技术需求到期"),
    "need_import": _L("导入技术需求"),
    "listing_create": _L("专利挂牌"),
    "listing_withdraw": _L("撤回挂牌"),
    "listing_revoke": _L("撤销挂牌"),
    "match_run": _L("计算供需匹配"),
    "match_request_contact": _L("请求对接"),
    "match_accept": _L("同意对接"),
    "match_reject": _L("拒绝对接"),
    "match_deal": _L("匹配达成交易"),
    "deal_record": _L("登记成交"),
    "deal_link_filing": _L("成交关联备案"),
    "event_create": _L("创建对接活动"),
    "event_invite": _L("邀请参加对接活动"),
    "event_register": _L("报名对接活动"),
    "event_pair_outcome": _L("记录对接结果"),
    "notifications_mark_read": _L("通知标为已读"),
}

# Endings of action codes, for a code not in the table (a new service, the admin).
_VERB_LABELS: tuple[tuple[str, str | Promise], ...] = (
    (".admin_add", _L("后台新增")),
    (".admin_change", _L("后台修改")),
    (".admin_delete", _L("后台删除")),
    (".admin_password", _L("后台设置密码")),
    ("_create", _L("新建")),
    ("_add", _L("新增")),
    ("_update", _L("修改")),
    ("_change", _L("修改")),
    ("_delete", _L("删除")),
    ("_remove", _L("删除")),
    ("_import", _L("导入")),
    ("_export", _L("导出")),
    ("_submit", _L("提交")),
    ("_approve", _L("批准")),
    ("_close", _L("关闭")),
)

# Object types that are not (or no longer) a model.
OBJECT_LABELS: dict[str, str | Promise] = {
    "core.user": _L("用户"),
}

# Snapshot keys that are not fields of the audited model.
FIELD_LABELS: dict[str, str | Promise] = {
    "id": _L("编号"),
    "pk": _L("编号"),
    "name": _L("名称"),
    "title": _L("名称"),
    "status": _L("状态"),
    "state": _L("状态"),
    "stage": _L("阶段"),
    "kind": _L("类型"),
    "mode": _L("方式"),
    "date": _L("日期"),
    "deadline": _L("截止日期"),
    "due_at": _L("办理时限"),
    "detail": _L("详情"),
    "reason": _L("原因"),
    "note": _L("说明"),
    "query": _L("检索式"),
    "fmt": _L("文件格式"),
    "file": _L("文件"),
    "enabled": _L("是否启用"),
    "total": _L("总行数"),
    "rows": _L("行数"),
    "created": _L("新增"),
    "updated": _L("更新"),
    "bad": _L("有误行数"),
    "ok": _L("成功行数"),
    "errors": _L("错误数"),
    "new": _L("新匹配数"),
    "invited": _L("邀请的匹配"),
    "attendees": _L("参加人数"),
    "pair": _L("对接编号"),
    "outcome": _L("结果"),
    "applicants": _L("申请人/专利权人"),
    "legal_status": _L("法律状态"),
    "natural_key": _L("专利号"),
    "filing": _L("备案申请"),
    "filing_reference": _L("备案编号"),
    "escalated_to": _L("提级至"),
    "amount": _L("金额"),
    "term_end": _L("期限届满日"),
    "counterparty_name": _L("对方名称"),
    "application_number": _L("申请号"),
    "operation": _L("办理类型"),
    "segments": _L("产业链环节"),
    "version": _L("版本"),
    "created_at": _L("创建时间"),
    "updated_at": _L("更新时间"),
    "region_path": _L("所属地区"),
    "phone": _L("电话"),
    "contact_phone": _L("联系电话"),
    "contact_name": _L("联系人"),
    "contact_id_number": _L("联系人证件号"),
    # audit_verify: what the chain check found (core.auditchain)
    "checked": _L("已校验条数"),
    "sealed": _L("已链入条数"),
    "unsealed": _L("待链入条数"),
    "broken": _L("异常条数"),
    # model fields declared without a verbose_name
    "actor": _L("操作人"),
    "answered_at": _L("答复时间"),
    "at": _L("时间"),
    "case": _L("案件"),
    "chain": _L("产业链"),
    "changed_by": _L("修改人"),
    "claimed_at": _L("开始处理时间"),
    "components": _L("匹配得分构成"),
    "contact_requested_by": _L("请求对接方"),
    "content_type": _L("文件类型"),
    "created_by": _L("创建人"),
    "digest": _L("摘要值"),
    "embedded_at": _L("向量计算时间"),
    "event": _L("对接活动"),
    "expected_rows": _L("预计行数"),
    "extra": _L("其他著录项"),
    "file_path": _L("文件位置"),
    "finished_at": _L("完成时间"),
    "flagged_group": _L("疑似非正常申请组"),
    "from_state": _L("原状态"),
    "fund": _L("风险补偿资金"),
    "group": _L("疑似非正常申请组"),
    "handled_by": _L("经办人"),
    "high": _L("专利（后）"),
    "idempotency_key": _L("提交标识"),
    "import_job": _L("导入任务"),
    "imported_at": _L("导入时间"),
    "imported_by": _L("导入人"),
    "key": _L("当事人标识"),
    "last_checked_at": _L("最近检查时间"),
    "last_used_at": _L("最近使用时间"),
    "latitude": _L("纬度"),
    "link": _L("链接"),
    "listing": _L("挂牌"),
    "longitude": _L("经度"),
    "low": _L("专利（前）"),
    "match": _L("匹配"),
    "matched_at": _L("匹配时间"),
    "matching_message": _L("匹配进度说明"),
    "matching_progressed_at": _L("匹配进度时间"),
    "matching_stage": _L("匹配进度"),
    "measure": _L("措施"),
    "message": _L("处理信息"),
    "need": _L("技术需求"),
    "organisation": _L("组织"),
    "owner_key": _L("权利人标识"),
    "parent": _L("上级"),
    "password_changed_at": _L("密码修改时间"),
    "patent": _L("专利"),
    "patent_ids": _L("涉及专利"),
    "path": _L("区划路径"),
    "plan": _L("实施方案"),
    "position": _L("排列顺序"),
    "processed_rows": _L("已处理行数"),
    "read": _L("是否已读"),
    "read_at": _L("阅读时间"),
    "recorded_by": _L("登记人"),
    "region": _L("地区"),
    "region_status": _L("地区状态"),
    "registered_by": _L("报名人"),
    "report": _L("报告"),
    "requested_by": _L("申请人"),
    "requester": _L("申请人"),
    "result": _L("分析结果"),
    "revoked": _L("是否已撤销"),
    "role": _L("角色"),
    "row_count": _L("行数"),
    "run": _L("筛查任务"),
    "saved_search": _L("保存的检索式"),
    "sha256": _L("文件校验值"),
    "signature": _L("特征值"),
    "size": _L("文件大小"),
    "source_id": _L("来源编号"),
    "started_by": _L("发起人"),
    "station": _L("工作站"),
    "submitted_at": _L("提交时间"),
    "task": _L("任务"),
    "timings": _L("耗时"),
    "to_state": _L("新状态"),
    "token": _L("上传凭证"),
    "updated_by": _L("修改人"),
    "uploaded_at": _L("上传时间"),
    "uploaded_by": _L("上传人"),
    "user": _L("用户"),
    "vector": _L("特征向量"),
}

OUTCOME_LABELS: dict[str, str | Promise] = {
    "success": _L("成功"),
    "failure": _L("失败"),
    "denied": _L("拒绝"),
}


def model_for(object_type: str) -> type[models.Model] | None:
    """The model an audit ``object_type`` (``app_label.modelname``) names, if any."""
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _has_own_name(verbose_name: Any, code: str) -> bool:
    # Django derives "region path" from ``region_path`` when no verbose_name is given
    # (a plain str); one given for translation is lazy, and may read "Bank" for ``bank``.
    if isinstance(verbose_name, Promise):
        return True
    return str(verbose_name).lower() not in (code.replace("_", " ").lower(), code.lower())


def _filing_kinds() -> dict[str, str]:
    # A filing's creation is logged as ``<kind>_create`` (patent_pledge_create …).
    field = field_of(model_for("filings.filing"), "kind")
    return {str(k): str(v) for k, v in field.flatchoices} if field is not None else {}


def object_type_label(object_type: str) -> str:
    """``filings.filing`` → 一网通办申请 (the model's verbose_name)."""
    if object_type in OBJECT_LABELS:
        return str(OBJECT_LABELS[object_type])
    model = model_for(object_type)
    if model is not None and _has_own_name(model._meta.verbose_name, model._meta.model_name or ""):
        return str(model._meta.verbose_name)
    return _("其他对象")


def action_label(action: str, object_type: str = "") -> str:
    """The name of an action code in words; an unknown code reads as the kind of
    change and the object type (``foo_create`` on a chain → 新建：产业链)."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    kinds = _filing_kinds()
    if action.endswith("_create") and action.removesuffix("_create") in kinds:
        return _("新建申请：%(kind)s") % {"kind": kinds[action.removesuffix("_create")]}
    obj = object_type_label(object_type) if object_type else ""
    for ending, verb in _VERB_LABELS:
        if action.endswith(ending):
            return f"{verb}：{obj}" if obj else str(verb)
    return _("其他操作：%(object)s") % {"object": obj} if obj else _("其他操作")


def field_of(model: type[models.Model] | None, key: str) -> models.Field | None:  # type: ignore[type-arg]
    """The concrete field of ``model`` stored under ``key`` (its name or attname)."""
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if key in (field.name, field.attname):
            return field
    return None


def field_label(model: type[models.Model] | None, key: str) -> str:
    """The label of snapshot key ``key``: the field's verbose_name, else the table."""
    field = field_of(model, key)
    if field is not None and _has_own_name(field.verbose_name, field.name):
        return str(field.verbose_name)
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    if key.endswith("_id") and key[:-3] in FIELD_LABELS:
        return str(FIELD_LABELS[key[:-3]])
    return _("其他信息")


def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, _("其他")))


# Personal data inside free text (a note, a name field): the same masks as the lists.
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
MAX_ITEMS = 10
MAX_TEXT = 300


def mask_text(text: str) -> str:
    """``text`` with mobile and ID numbers masked as :mod:`iphub.core.validators` does."""
    text = _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)


def _personal(key: str, text: str) -> str:
    if "phone" in key or "mobile" in key:
        return mask_phone(text)
    if "id_number" in key:
        return mask_id_number(text)
    if key in ("contact_name", "contact_person"):
        return mask_name(text)
    return mask_text(text)


def masked(data: Any, key: str = "") -> Any:
    """``data`` (a snapshot, nested or not) with personal data masked and the
    structure kept, for readers of the raw trail (the API)."""
    if isinstance(data, dict):
        return {k: masked(v, str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [masked(v, key) for v in data]
    if isinstance(data, str) and data:
        return _personal(key, data)
    return data


def _moment(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


Names = dict[tuple[str, str], str]


def pair(label: str, value: str) -> str:
    """``label：value`` (``label: value`` in English)."""
    return _("%(label)s：%(value)s") % {"label": label, "value": value}


def field_separator() -> str:
    return _("；")


def references(object_type: str, data: dict[str, Any] | None) -> set[tuple[str, str]]:
    """The (model label, pk) pairs the foreign keys in ``data`` point to, so a page
    can look all their names up at once (see :func:`value_text`)."""
    model = model_for(object_type)
    found: set[tuple[str, str]] = set()
    for key, value in (data or {}).items():
        field = field_of(model, key)
        if field is not None and field.is_relation and value not in (None, ""):
            related = field.related_model
            if isinstance(related, type) and not isinstance(value, list | dict):
                found.add((related._meta.label_lower, str(value)))
    return found


def value_text(
    model: type[models.Model] | None, key: str, value: Any, names: Names | None = None
) -> str:
    """One snapshot value as a person reads it: choices by their label, yes/no,
    dates without the ISO ``T``, a related record by its name, lists and nested
    values as text (long lists cut), personal data masked."""
    if value is None or value == "" or value == [] or value == {}:
        return _("（空）")
    field = field_of(model, key)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and field.is_relation and isinstance(field.related_model, type):
        label = field.related_model._meta.label_lower
        name = (names or {}).get((label, str(value)))
        return name if name else _("编号 %(id)s") % {"id": value}
    if field is not None and field.flatchoices and not isinstance(value, list | dict):
        choices = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in choices:
            return choices[str(value)]
    if isinstance(value, dict):
        parts = [
            pair(field_label(None, str(k)), value_text(None, str(k), v, names))
            for k, v in list(value.items())[:MAX_ITEMS]
        ]
        return field_separator().join(parts)
    if isinstance(value, list):
        items = [
            "（" + value_text(None, key, v, names) + "）"
            if isinstance(v, list)
            else value_text(model, key, v, names)
            for v in value[:MAX_ITEMS]
        ]
        sep = field_separator() if isinstance(value[0], list) else _("、")
        joined = sep.join(items)
        if len(value) > MAX_ITEMS:
            joined += _("…共 %(n)s 项") % {"n": len(value)}
        return joined
    text = str(value)
    if _ISO_TIME.match(text):
        return _moment(text)
    if key in VALUE_LABELLERS:
        return VALUE_LABELLERS[key](text)
    if label := _known_choice(key, text):
        return label
    text = _personal(key, text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


# Snapshot keys whose stored codes only an app above core can name (filings'
# refusal grounds are codes of its catalogue, not model choices): the app
# registers a function code -> words in its ``AppConfig.ready()``.
VALUE_LABELLERS: dict[str, Callable[[str], str]] = {}


def register_value_labeller(key: str, labeller: Callable[[str], str]) -> None:
    """Name the stored values under snapshot key ``key`` with ``labeller``."""
    VALUE_LABELLERS[key] = labeller


def _known_choice(key: str, text: str) -> str:
    """A stored choice value under a key that is not a model field (``status`` of a
    need in a hand-made dict is one): its label from any iphub enum that has it."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", text):
        return ""
    label = _choice_labels().get(text)
    return str(label) if label is not None else ""


@functools.cache
def _choice_labels() -> dict[str, Any]:
    # The lazy labels, so each page reads them in its own language.
    labels: dict[str, Any] = {}
    pending = list(models.TextChoices.__subclasses__())
    while pending:
        enum = pending.pop()
        pending.extend(enum.__subclasses__())
        if enum.__module__.startswith("iphub."):
            for member in enum:
                labels.setdefault(str(member.value), member.label)
    return labels


@dataclass(frozen=True)
class Change:
    """One field of an audit entry: label, value before and after (None: no such side)."""

    label: str
    before: str | None
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return pair(self.label, str(self.after))
        if self.after is None:
            return pair(self.label, self.before)
        return pair(self.label, f"{self.before} → {self.after}")


_HIDDEN_KEYS = frozenset({"password", "id"})


def changes(
    object_type: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    names: Names | None = None,
) -> list[Change]:
    """The fields of one entry in words. A record created (no ``before``) lists its
    filled-in values; a deleted one (no ``after``) what it held."""
    model = model_for(object_type)
    before_map = before if isinstance(before, dict) else None
    after_map = after if isinstance(after, dict) else None
    keys = list(dict.fromkeys([*(before_map or {}), *(after_map or {})]))
    rows: list[Change] = []
    for key in keys:
        if key in _HIDDEN_KEYS and (before_map is None or after_map is None):
            continue
        old = before_map.get(key) if before_map is not None else None
        new = after_map.get(key) if after_map is not None else None
        if (
            (before_map is None or after_map is None)
            and (old in (None, "", [], {}))
            and (new in (None, "", [], {}))
        ):
            continue  # an empty field of a new or deleted record says nothing
        rows.append(
            Change(
                label=field_label(model, key),
                before=value_text(model, key, old, names) if before_map is not None else None,
                after=value_text(model, key, new, names) if after_map is not None else None,
            )
        )
    return rows
