"""The rules of 知慧桥 in one place: what a valid need is, which needs may move to
which state, and what a patent's legal history allows (listing, open licence).

Forms, the API, the Excel importer and the services all call these, so a rule
is written once and its Chinese message is the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from iphub.core.amounts import YUAN_14, NumberRange, parse_number
from iphub.core.calendar import add_years
from iphub.core.errors import ApplicationError
from iphub.core.validators import validate_mobile
from iphub.patents.ipc import IPCError, is_valid_ipc, normalize_ipc
from iphub.patents.models import LegalEventKind, Patent, PatentType
from iphub.transfer.errors import TransferError
from iphub.transfer.models import CooperationForm, NeedStatus

# The need state machine: (from, to) -> who may make the move.
#   owner = a member of the need's organisation; staff = window/supervisor in region;
#   system = the expiry sweep.
NEED_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (NeedStatus.OPEN, NeedStatus.STALE): frozenset({"staff", "system"}),
    (NeedStatus.OPEN, NeedStatus.EXPIRED): frozenset({"system"}),
    (NeedStatus.STALE, NeedStatus.EXPIRED): frozenset({"system"}),
    (NeedStatus.STALE, NeedStatus.OPEN): frozenset({"owner", "staff"}),  # renewal
    (NeedStatus.EXPIRED, NeedStatus.OPEN): frozenset({"owner", "staff"}),  # renewal
    (NeedStatus.OPEN, NeedStatus.CLOSED): frozenset({"owner", "staff"}),
    (NeedStatus.STALE, NeedStatus.CLOSED): frozenset({"owner", "staff"}),
}

FORM_LABELS = {str(label): value for value, label in CooperationForm.choices}
MAX_TEXT = {"title": 200, "description": 5000, "industry_chain": 100, "contact_name": 50}


def _money(raw: Any, name: str, label: str, errors: dict[str, str]) -> Decimal | None:
    try:
        return parse_number(raw, NumberRange(label, maximum=YUAN_14), field=name)
    except ApplicationError as exc:
        errors.update(exc.fields)
        return None


def _date(raw: Any, name: str, label: str, errors: dict[str, str]) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw or "").strip().replace("/", "-")
    if not text:
        errors[name] = f"请填写{label}。"
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        errors[name] = f"{label}格式应为 YYYY-MM-DD。"
        return None


def _forms(raw: Any, errors: dict[str, str]) -> list[str]:
    items = re.split(r"[,，;；、\s]+", raw) if isinstance(raw, str) else list(raw or [])
    out: list[str] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        value = item if item in CooperationForm.values else FORM_LABELS.get(item)
        if value is None:
            errors["preferred_forms"] = f"合作方式“{item}”无效，可选：{'、'.join(FORM_LABELS)}。"
            return []
        if value not in out:
            out.append(value)
    if not out and "preferred_forms" not in errors:
        errors["preferred_forms"] = "请至少选择一种合作方式。"
    return out


def ipc_list_clean(raw: Any, errors: dict[str, str]) -> list[str]:
    items = re.split(r"[,，;；、\s]+", raw) if isinstance(raw, str) else list(raw or [])
    out: list[str] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        try:
            # A need may name only a subclass (H01M): enterprises rarely know the group.
            code = normalize_ipc(item)
        except IPCError:
            errors["ipc_codes"] = f"“{item}”不是有效的 IPC 分类号（如 H01M 或 H01M4/505）。"
            return []
        if not is_valid_ipc(code):
            errors["ipc_codes"] = f"“{item}”不在 IPC 2026.01 分类表中，请核对或从推荐分类中选择。"
            return []
        out.append(code)
    return list(dict.fromkeys(out))


def need_clean(data: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Validate a need's fields; raise one error naming every bad field, else the clean data."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, label in (("title", "需求名称"), ("description", "技术问题描述")):
        value = str(data.get(name) or "").strip()
        if not value:
            errors[name] = f"请填写{label}。"
        elif len(value) > MAX_TEXT[name]:
            errors[name] = f"{label}不能超过 {MAX_TEXT[name]} 字。"
        out[name] = value
    if out.get("description") and len(out["description"]) < 10 and "description" not in errors:
        errors["description"] = "技术问题描述太短，请至少写 10 个字，说明要解决的技术问题。"
    out["industry_chain"] = str(data.get("industry_chain") or "").strip()[:100]
    out["ipc_codes"] = ipc_list_clean(data.get("ipc_codes"), errors)
    out["budget_min"] = _money(data.get("budget_min"), "budget_min", "预算下限", errors)
    out["budget_max"] = _money(data.get("budget_max"), "budget_max", "预算上限", errors)
    low, high = out["budget_min"], out["budget_max"]
    if low is not None and high is not None and low > high:
        errors["budget_max"] = "预算上限不能低于预算下限。"
    out["preferred_forms"] = _forms(data.get("preferred_forms"), errors)
    deadline = _date(data.get("deadline"), "deadline", "截止日期", errors)
    if deadline is not None and deadline <= today:
        errors["deadline"] = "截止日期应晚于今天。"
    out["deadline"] = deadline
    out["contact_name"] = str(data.get("contact_name") or "").strip()
    if not out["contact_name"]:
        errors["contact_name"] = "请填写联系人。"
    phone = str(data.get("contact_phone") or "").strip()
    if not phone:
        errors["contact_phone"] = "请填写联系电话。"
    else:
        try:
            out["contact_phone"] = validate_mobile(phone)
        except ApplicationError as exc:
            errors["contact_phone"] = exc.message
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(
            f"需求信息有误：{first}", code=TransferError.NEED_INVALID, fields=errors
        )
    return out


def need_transition_check(current: str, target: str, who: str) -> None:
    """Raise unless ``who`` (owner/staff/system) may move a need from ``current`` to ``target``."""
    allowed = NEED_TRANSITIONS.get((current, target))
    if not allowed or who not in allowed:
        cur, tgt = NeedStatus(current).label, NeedStatus(target).label
        raise ApplicationError(
            f"需求当前为“{cur}”，不能改为“{tgt}”。", code=TransferError.NEED_NOT_OPEN, status=409
        )


EDITABLE_NEED_STATUSES = (NeedStatus.OPEN, NeedStatus.STALE)


def need_edit_check(status: str, deadline: dt.date) -> None:
    """Raise unless a need in ``status`` may be edited: only a published need (open,
    or stale awaiting confirmation) is; an expired one is renewed first, a closed one
    posted again."""
    if status in EDITABLE_NEED_STATUSES:
        return
    if status == NeedStatus.EXPIRED:
        msg = (
            f"该需求已过期（截止日期 {deadline:%Y-%m-%d} 已过），不能修改；"
            "请先续期（在需求页填写新的截止日期），再修改。"
        )
    else:
        msg = f"该需求已{NeedStatus(status).label}，不能修改；如仍有此需求，请重新发布。"
    raise ApplicationError(msg, code=TransferError.NEED_EXPIRED, status=409)


# --- patents: what their legal history allows ---------------------------------

_DEAD_WORDS = ("失效", "终止", "届满", "无效", "撤回", "驳回", "放弃")
_TERM_YEARS = {
    PatentType.INVENTION: 20,
    PatentType.PCT_INVENTION: 20,
    PatentType.UTILITY: 10,
    PatentType.PCT_UTILITY: 10,
    PatentType.DESIGN: 15,
}
_TERM_RE = re.compile(r"至\s*(\d{4}-\d{2}-\d{2})")


@dataclass
class Availability:
    """What a patent's legal history says about offering it."""

    dead_reason: str = ""
    pledged: bool = False
    granted: bool = False
    exclusive_licence_until: dt.date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        return not self.dead_reason


# (kind, date, detail, id) of one legal event: what availability reads of it.
EventFacts = tuple[str, dt.date | None, str, int]


def patent_availability(patent: Patent, *, today: dt.date | None = None) -> Availability:
    """Read a patent's legal events and status text: dead, pledged, granted, exclusively licensed.

    ``patent.legal_events`` should be prefetched when called in a loop.
    """
    return availability_of(
        legal_status=patent.legal_status,
        patent_type=patent.patent_type,
        app_date=patent.app_date,
        grant_date=patent.grant_date,
        events=[(e.kind, e.date, e.detail, e.pk) for e in patent.legal_events.all()],
        today=today,
    )


def availability_of(
    *,
    legal_status: str | None,
    patent_type: str | None,
    app_date: dt.date | None,
    grant_date: dt.date | None,
    events: list[EventFacts],
    today: dt.date | None = None,
) -> Availability:
    """:func:`patent_availability` from the plain facts, for callers that read many
    patents as column values rather than model instances (the matchmaker)."""
    today = today or timezone.localdate()
    out = Availability(granted=bool(grant_date))
    status = legal_status or ""
    if any(w in status for w in _DEAD_WORDS):
        out.dead_reason = f"法律状态为“{status}”"
    if "授权" in status:
        out.granted = True
    years = _TERM_YEARS.get(PatentType(patent_type)) if patent_type else None
    if years and app_date and add_years(app_date, years) <= today:
        out.dead_reason = out.dead_reason or f"保护期已届满（{years} 年）"
    for kind, date, detail, _pk in sorted(events, key=lambda e: (e[1] or dt.date.min, e[3])):
        if kind in (LegalEventKind.LAPSED, LegalEventKind.EXPIRED, LegalEventKind.INVALIDATED):
            out.dead_reason = f"{LegalEventKind(kind).label}（{date or '日期不详'}）"
        elif kind == LegalEventKind.GRANTED:
            out.granted = True
        elif kind == LegalEventKind.PLEDGED:
            out.pledged = True
        elif kind == LegalEventKind.PLEDGE_RELEASED:
            out.pledged = False
        elif kind == LegalEventKind.LICENSED and ("独占" in detail or "排他" in detail):
            # The filing's detail carries "期限 <start> 至 <end>"; no end means still in force.
            m = _TERM_RE.search(detail)
            until = dt.date.fromisoformat(m.group(1)) if m else dt.date.max
            if until >= today:
                out.exclusive_licence_until = until
    if out.pledged:
        out.notes.append("该专利已质押")
    return out


@dataclass
class OpenLicenceTerms:
    fee_standard: str
    payment_method: str
    term_end: dt.date
    evaluation_report: str
    pledgee_consent: bool


def open_licence_clean(
    data: Mapping[str, Any], *, today: dt.date | None = None
) -> OpenLicenceTerms:
    """The declaration's required content (Rules 2023 Art. 85): fee standard, payment
    method and term. Nothing is saved when one is missing."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    fee = str(data.get("fee_standard") or "").strip()
    pay = str(data.get("payment_method") or "").strip()
    if not fee:
        errors["fee_standard"] = "开放许可声明须写明许可使用费标准。"
    if not pay:
        errors["payment_method"] = "开放许可声明须写明许可使用费支付方式。"
    term = _date(data.get("term_end"), "term_end", "许可期限", errors)
    if term is not None and term <= today:
        errors["term_end"] = "许可期限应晚于今天。"
    if errors:
        raise ApplicationError(
            f"开放许可声明不完整：{next(iter(errors.values()))}",
            code=TransferError.OPEN_LICENCE_INVALID,
            fields=errors,
        )
    assert term is not None
    return OpenLicenceTerms(
        fee_standard=fee[:300],
        payment_method=pay[:100],
        term_end=term,
        evaluation_report=str(data.get("evaluation_report") or "").strip()[:60],
        pledgee_consent=bool(data.get("pledgee_consent")),
    )


def open_licence_check(patent: Patent, avail: Availability, terms: OpenLicenceTerms) -> None:
    """Patent Law Arts. 50-51 and DOMAIN.md: granted only; no open licence while an
    exclusive or sole licence is in force or while pledged without the pledgee's
    consent; utility models and designs need a patent evaluation report."""
    label = patent.application_number or patent.title
    reasons = []
    if not avail.granted:
        reasons.append(f"专利 {label} 尚未授权，授权后才能声明开放许可")
    if avail.exclusive_licence_until is not None:
        reasons.append(f"专利 {label} 存在尚在期限内的独占或排他许可")
    if avail.pledged and not terms.pledgee_consent:
        reasons.append(f"专利 {label} 已质押，须取得质权人同意")
    needs_report = patent.patent_type in (
        PatentType.UTILITY,
        PatentType.PCT_UTILITY,
        PatentType.DESIGN,
    )
    if needs_report and not terms.evaluation_report:
        raise ApplicationError(
            f"专利 {label} 为实用新型或外观设计，开放许可声明须附专利权评价报告。",
            code=TransferError.OPEN_LICENCE_INVALID,
            fields={"evaluation_report": "请填写专利权评价报告编号。"},
        )
    if reasons:
        raise ApplicationError(
            "不能声明开放许可：" + "；".join(reasons) + "。",
            code=TransferError.OPEN_LICENCE_BARRED,
            fields={"patents": "；".join(reasons) + "。"},
            status=409,
        )
