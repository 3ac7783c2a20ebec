"""Checks a filing passes before a clerk sees it: the patent's number, existence,
status, patentee, pledges and licences, terms and amounts.

Each failure is an ``ApplicationError`` whose ``fields`` names the form field
and says, in Chinese, what is wrong and which refusal ground it would be.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from iphub.core.amounts import YUAN_16, NumberRange, parse_number
from iphub.core.calendar import add_years
from iphub.core.errors import ApplicationError, field_error
from iphub.core.joined import JoinedLoader
from iphub.core.models import Role
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingKind, FilingState, LicenceType, Operation
from iphub.patents.models import (
    LegalEvent,
    LegalEventKind,
    PartyRole,
    Patent,
    PatentParty,
    Trademark,
)
from iphub.patents.names import applicant_key
from iphub.patents.numbers import NumberFormatError, application_type, normalize_application_number

# Patent Law Art. 42. Designs filed before the 2021 amendment (1 June 2021) kept 10 years.
TERM_YEARS = {"invention": 20, "pct_invention": 20, "utility": 10, "pct_utility": 10, "design": 15}
DESIGN_15_YEARS_FROM = dt.date(2021, 6, 1)
# Words in an imported legal-status text that mean the right is gone or not yet there.
ENDED_WORDS = ("终止", "失效", "无效", "届满", "放弃", "撤销")
PENDING_WORDS = ("审中", "实质审查", "公开", "驳回", "撤回", "未授权")
ENDING_EVENTS = (LegalEventKind.LAPSED, LegalEventKind.EXPIRED, LegalEventKind.INVALIDATED)
ACTIVE_PLEDGE_OPERATIONS = (Operation.ESTABLISH, Operation.CHANGE, Operation.EXTEND)
# 商标注册号: digits only; the register's numbers have up to 8 digits today.
TRADEMARK_NUMBER = re.compile(r"^\d{4,9}$")
NICE_CLASSES = range(1, 46)
# Words in an imported trademark status that mean the right is gone, or not yet there.
TRADEMARK_ENDED_WORDS = ("无效", "注销", "撤销", "失效", "届满", "未续展")
TRADEMARK_PENDING_WORDS = ("申请", "审查", "初审", "异议", "驳回", "待审")
MAX_AMOUNT = YUAN_16
AMOUNT_RANGE = NumberRange("金额", maximum=MAX_AMOUNT, positive=True)
LONG_TEXT = ("abstract", "claims", "description", "citations", "extra")


# An opaque "where this form was opened from" reference (``app_thing:id``), e.g.
# the financing request a pre-filled pledge follows. filings stores it and hands
# it back in ``details['origin']``; it never interprets it (the app that made the
# link does, when the filing is registered — filings imports none of them).
ORIGIN_RE = re.compile(r"^[a-z][a-z_]{0,30}:[0-9]{1,12}$")


def origin_ref(raw: Any) -> str:
    """The form's origin reference, checked for shape only ("" when absent)."""
    value = str(raw or "").strip()
    if value and not ORIGIN_RE.match(value):
        raise field_error("origin", "表单的来源链接无效，请从原页面重新打开该表单。")
    return value


def canonical_number(raw: str, *, field: str = "application_number") -> str:
    """The canonical application number, or an error on the field (check digit included)."""
    try:
        return normalize_application_number(raw or "")
    except NumberFormatError as exc:
        raise field_error(field, f"申请号有误：{exc}", FilingErrorCode.INVALID_NUMBER) from None


# The long texts are never read here; on real records they are most of the row.
# SQL built once (core.joined): every filing's submission and approval runs this.
_PATENT = {
    lock: JoinedLoader(
        Patent, [], '"t0"."application_number" = %s', defer=LONG_TEXT, lock=lock, limit=1
    )
    for lock in (False, True)
}


# A patent's facts every submission and approval reads: its legal-event kinds, its
# patentees, the pledge registered on it (SQL built once, as above).
_EVENT_KINDS = JoinedLoader(LegalEvent, [], '"t0"."patent_id" = %s', only=["kind"])
_PATENTEE_KEYS = JoinedLoader(
    PatentParty, [], '"t0"."patent_id" = %s AND "t0"."role" = %s', only=["key"]
)
_ACTIVE_PLEDGE = JoinedLoader(
    Filing,
    [],
    '"t0"."kind" = %s AND "t0"."patent_id" = %s AND "t0"."operation" IN ('
    + ", ".join(["%s"] * len(ACTIVE_PLEDGE_OPERATIONS))
    + ') AND "t0"."state" = %s AND "t0"."id" <> %s',
    only=["registration_number"],
    limit=1,
)


def patent_for(number: str, *, field: str = "application_number", lock: bool = False) -> Patent:
    """The recorded patent with that application number (row-locked when ``lock``)."""
    patent: Patent | None = _PATENT[lock].first([number])
    if patent is None:
        raise field_error(
            field, f"专利数据库中没有申请号为 {number} 的专利。", FilingErrorCode.PATENT_NOT_FOUND
        )
    return patent


def patent_expiry(patent: Patent) -> dt.date | None:
    """The day the patent's term ends (filing date + 20/10/15 years), if known."""
    if patent.app_date is None:
        return None
    kind = patent.patent_type or application_type(patent.application_number)
    years = TERM_YEARS.get(kind, 20)
    if kind == "design" and patent.app_date < DESIGN_15_YEARS_FROM:
        years = 10
    return add_years(patent.app_date, years) - dt.timedelta(days=1)


def ensure_in_force(patent: Patent, *, today: dt.date, field: str = "application_number") -> None:
    """Granted, and not lapsed, expired or invalidated (refusal grounds 2 and 3)."""
    kinds = {kind for (kind,) in _EVENT_KINDS.values([patent.pk])}
    status = patent.legal_status or ""
    ended = bool(kinds & set(ENDING_EVENTS)) or any(w in status for w in ENDED_WORDS)
    expiry = patent_expiry(patent)
    if ended or (expiry is not None and expiry < today):
        raise field_error(
            field,
            f"专利 {patent.application_number} 的专利权已终止、届满或被宣告无效，不能办理。",
            FilingErrorCode.NOT_IN_FORCE,
        )
    granted = (
        patent.grant_date is not None
        or LegalEventKind.GRANTED in kinds
        or bool(patent.grant_number)
        or ("有效" in status or "授权" in status)
    )
    if not granted or any(w in status for w in PENDING_WORDS):
        raise field_error(
            field,
            f"专利申请 {patent.application_number} 尚未授予专利权，不能办理。",
            FilingErrorCode.NOT_GRANTED,
        )


def patentee_keys(patent: Patent) -> list[str]:
    """The normalised names of the patentees of record (the applicant parties)."""
    keys = [key for (key,) in _PATENTEE_KEYS.values([patent.pk, PartyRole.APPLICANT])]
    return keys or [applicant_key(n) for n in patent.applicants]


def ensure_patentee(
    patent: Patent, name: str, *, co_owner_consent: bool, field: str = "holder_name"
) -> None:
    """The named party is the patentee of record; co-owners have all consented."""
    keys = patentee_keys(patent)
    if applicant_key(name) not in keys:
        holders = "、".join(patent.applicants) or "（无记录）"
        raise field_error(
            field,
            f"“{name}”不是专利登记簿记载的专利权人（记载为：{holders}）。",
            FilingErrorCode.NOT_PATENTEE,
        )
    if len(keys) > 1 and not co_owner_consent:
        raise field_error(
            "co_owner_consent",
            "该专利为共有专利，须取得全体共有人同意。",
            FilingErrorCode.CO_OWNER_CONSENT,
        )


# The material that proves an agency acts for the owner (catalogue code).
AUTHORISATION = "power_of_attorney"


def filer_party(actor: Any, raw: Any, *, field: str, label: str) -> tuple[str, str]:
    """The party who disposes of the right (pledgor, licensor, transferor) as the
    form names it, checked against who files: ``(name, client)``.

    Blank means the filer's own organisation. An enterprise (any applicant that
    is not an agency) may only dispose of its own rights: naming another
    organisation is refused here, at submission, whatever the register says
    (issue 18: a Wuhan enterprise pledged a Yichang company's patent). An agency
    may act for a client; ``client`` is then the client's name, and the caller
    requires the owner's authorisation (:data:`AUTHORISATION`, 委托书) among the
    materials (:func:`authorisation_required`). Whether the party is the
    patentee (or registrant) of record is checked separately by the caller.
    """
    own = actor.organisation.name
    name = str(raw or "").strip()[:200] or own
    if applicant_key(name) == applicant_key(own):
        return name, ""
    if actor.role == Role.AGENCY:
        return name, name
    message = (
        f"{label}须为本单位（{own}），“{name}”不是本单位。"
        f"企业只能以本单位名义办理本单位的权利；请将{label}改为本单位（或留空），"
        f"或由“{name}”自行申请、委托代理机构凭其委托书代为办理。"
    )
    raise field_error(field, message, FilingErrorCode.PARTY_NOT_FILER)


def authorisation_required(details: Any) -> tuple[str, ...]:
    """An agency filing for a client must carry the owner's 委托书."""
    return (AUTHORISATION,) if details.get("agent_for") else ()


# Who disposes of the right, per kind of filing, as its pages call them.
PARTY_LABELS: dict[str, str] = {
    FilingKind.PATENT_PLEDGE: "出质人",
    FilingKind.TRADEMARK_PLEDGE: "出质人",
    FilingKind.PATENT_LICENCE: "许可人",
    FilingKind.PATENT_TRANSFER: "转让人",
}
# States in which a clerk still decides: the register is compared as it stands now.
UNDECIDED = (FilingState.DRAFT, FilingState.SUBMITTED, FilingState.ACCEPTED, FilingState.RETURNED)


def party_warnings(filing: Filing) -> list[str]:
    """What the clerk should look at before deciding, in Chinese: where the filer
    (申请单位), the party who disposes of the right (出质人/许可人/转让人) and the
    holder of record differ.

    Submission already refuses most of this; the list catches what slipped in
    before the rule, an agency's filing for a client (its 委托书 shown as on file
    or missing), and a register that changed after submission (a transfer
    registered meanwhile). The register is compared only while the filing is
    undecided; a registered transfer has itself changed the patentee. Reads the
    filing's prefetched ``documents``.
    """
    label = PARTY_LABELS.get(filing.kind)
    if label is None:
        return []
    out: list[str] = []
    filer, party = filing.organisation.name, filing.holder_name
    if applicant_key(party) != applicant_key(filer):
        client = filing.details.get("agent_for")
        if client:
            out.append(f"代理机构“{filer}”代{label}“{party}”办理，请核对委托书。")
            if not any(d.material == AUTHORISATION for d in filing.documents.all()):
                out.append(f"未上传{label}“{party}”出具的委托书。")
        else:
            out.append(
                f"申请单位“{filer}”与{label}“{party}”不一致：企业只能以本单位名义办理本单位的权利。"
            )
    if filing.state not in UNDECIDED or filing.operation != Operation.ESTABLISH:
        return out
    if filing.patent is not None:
        keys = patentee_keys(filing.patent)
        holders = "、".join(filing.patent.applicants) or "（无记录）"
        if applicant_key(party) not in keys:
            out.append(f"{label}“{party}”不是专利登记簿记载的专利权人（记载为：{holders}）。")
        own = applicant_key(filer)
        if own != applicant_key(party) and not filing.details.get("agent_for") and own not in keys:
            out.append(f"申请单位“{filer}”不是该专利的专利权人（记载为：{holders}）。")
    elif filing.kind == FilingKind.TRADEMARK_PLEDGE:
        mark = trademark_for(str(filing.details.get("trademark_number", "")))
        if mark is not None and applicant_key(party) != mark.owner_key:
            out.append(f"{label}“{party}”不是商标库记载的注册人（记载为：{mark.owner}）。")
    return out


def active_pledge(patent: Patent, *, exclude_id: int | None = None) -> str | None:
    """The registration number of the pledge currently registered on ``patent``, if any."""
    found = _ACTIVE_PLEDGE.values(
        [
            FilingKind.PATENT_PLEDGE,
            patent.pk,
            *ACTIVE_PLEDGE_OPERATIONS,
            FilingState.REGISTERED,
            # Ids start at 1: 0 excludes nothing.
            exclude_id or 0,
        ]
    )
    # A registered filing always has its number; only the number is shown.
    return str(found[0][0]) if found else None


def ensure_not_pledged(patent: Patent, *, field: str = "application_number") -> None:
    """Refusal ground 9: a patent is pledged once until the pledge is released."""
    existing = active_pledge(patent)
    if existing is not None:
        raise field_error(
            field,
            f"该专利已质押（登记号 {existing}），须先办理质押注销登记才能再次出质。",
            FilingErrorCode.ALREADY_PLEDGED,
        )


def parse_amount(raw: Any, *, field: str, required: bool = True) -> Decimal | None:
    """Yuan with at most two decimals, greater than zero (core.amounts, one parser)."""
    if raw in (None, "") and required:
        raise field_error(field, "请填写金额（元）。", FilingErrorCode.BAD_AMOUNT)
    try:
        return parse_number(raw, AMOUNT_RANGE, field=field, required=required)
    except ApplicationError as exc:
        raise field_error(field, exc.message, FilingErrorCode.BAD_AMOUNT) from None


def parse_date(raw: Any, *, field: str, label: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise field_error(
            field, f"请按 YYYY-MM-DD 填写{label}。", FilingErrorCode.BAD_TERM
        ) from None


def ensure_term(start: dt.date, end: dt.date, patent: Patent, *, end_field: str, what: str) -> None:
    """The term ends after it starts and no later than the patent's expiry (ground 6)."""
    if end <= start:
        raise field_error(end_field, f"{what}的届满日须晚于起始日。", FilingErrorCode.BAD_TERM)
    expiry = patent_expiry(patent)
    if expiry is not None and end > expiry:
        raise field_error(
            end_field,
            f"{what}的届满日（{end:%Y-%m-%d}）晚于专利权期限届满日（{expiry:%Y-%m-%d}）。",
            FilingErrorCode.TERM_AFTER_EXPIRY,
        )


def ensure_licence_compatible(patent: Patent, licence_type: str, *, pledgee_consent: bool) -> None:
    """Open and exclusive licences exclude each other; a pledged patent needs the pledgee."""
    registered = Filing.objects.filter(
        kind=FilingKind.PATENT_LICENCE, patent=patent, state=FilingState.REGISTERED
    )
    types = set(registered.values_list("details__licence_type", flat=True))
    if licence_type == LicenceType.OPEN and types & {LicenceType.EXCLUSIVE, LicenceType.SOLE}:
        raise field_error(
            "licence_type",
            "独占或排他许可有效期间不能以开放许可方式许可。",
            FilingErrorCode.LICENCE_CONFLICT,
        )
    if licence_type in (LicenceType.EXCLUSIVE, LicenceType.SOLE) and types:
        raise field_error(
            "licence_type",
            "该专利已有备案的实施许可（或处于开放许可期间），不能再备案独占或排他许可。",
            FilingErrorCode.LICENCE_CONFLICT,
        )
    if active_pledge(patent) is not None and not pledgee_consent:
        raise field_error(
            "pledgee_consent",
            "该专利处于质押期间，须取得质权人同意。",
            FilingErrorCode.ALREADY_PLEDGED,
        )


def ensure_not_ended(patent: Patent, *, today: dt.date, field: str = "application_number") -> None:
    """The right (or the application) still exists: an application may be transferred
    before grant, but not once it has lapsed, expired or been invalidated."""
    try:
        ensure_in_force(patent, today=today, field=field)
    except ApplicationError as exc:
        if exc.code == FilingErrorCode.NOT_IN_FORCE:
            raise
        # Not granted yet: the application itself may change hands.


def pending_transfer(patent: Patent) -> Filing | None:
    """A transfer of ``patent`` still in the window (submitted, accepted, or returned
    for correction). A registered one has already changed the patentee of record,
    so the new owner may transfer again and the old one no longer can."""
    return (
        Filing.objects.filter(kind=FilingKind.PATENT_TRANSFER, patent=patent)
        .filter(state__in=(FilingState.SUBMITTED, FilingState.ACCEPTED, FilingState.RETURNED))
        .first()
    )


def trademark_number(raw: Any, *, field: str = "trademark_number") -> str:
    """The trademark's registration number (商标注册号): digits only."""
    value = str(raw or "").strip().replace(" ", "")
    if not TRADEMARK_NUMBER.match(value):
        raise field_error(
            field, "商标注册号应为 4 至 9 位数字。", FilingErrorCode.INVALID_TRADEMARK_NUMBER
        )
    return value


def nice_classes(raw: Any, *, field: str = "trademark_classes") -> list[int]:
    """Classes of the Nice classification (1-45), given as "9, 35" or "9；35"."""
    parts = [p for p in re.split(r"[\s,，;；、]+", str(raw or "")) if p]
    if not parts:
        raise field_error(field, "请填写核定使用商品/服务的国际分类号。", FilingErrorCode.BAD_CLASS)
    out = []
    for p in parts:
        if not p.isdigit() or int(p) not in NICE_CLASSES:
            raise field_error(
                field, f"国际分类号“{p}”无效：应为 1 至 45。", FilingErrorCode.BAD_CLASS
            )
        out.append(int(p))
    return sorted(set(out))


def has_registered_licence(patent: Patent, licensee: str, *, today: dt.date) -> bool:
    """``licensee`` holds a registered licence of ``patent`` running on ``today``."""
    key = applicant_key(licensee)
    for name, end in Filing.objects.filter(
        kind=FilingKind.PATENT_LICENCE, patent=patent, state=FilingState.REGISTERED
    ).values_list("counterparty_name", "term_end"):
        if applicant_key(name) == key and (end is None or end >= today):
            return True
    return False


# ---------------------------------------------------------------- trademarks


def trademark_for(number: str, *, lock: bool = False) -> Trademark | None:
    """The platform's record of the trademark (``iphub import_trademarks``), if any
    (row-locked when ``lock``). The platform holds the records it imported, not
    the national register, so a missing record is left to the clerk."""
    qs = Trademark.objects.filter(registration_number=number)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def ensure_trademark_registered(mark: Trademark, *, field: str = "trademark_number") -> None:
    """Registered and still valid: not cancelled, revoked, invalidated or lapsed
    unrenewed, and not a mere application (trademark refusal ground 不予登记 ``not_valid``)."""
    status = mark.status or ""
    if any(w in status for w in TRADEMARK_ENDED_WORDS):
        raise field_error(
            field,
            f"商标 {mark.registration_number} 的专用权已被撤销、注销、宣告无效或期满未续展"
            f"（商标库记载状态：{status}），不能出质。",
            FilingErrorCode.TRADEMARK_EXPIRED,
        )
    if any(w in status for w in TRADEMARK_PENDING_WORDS):
        raise field_error(
            field,
            f"商标 {mark.registration_number} 尚未核准注册（商标库记载状态：{status}），"
            "只有注册商标专用权可以出质。",
            FilingErrorCode.TRADEMARK_NOT_REGISTERED,
        )


def ensure_trademark_owner(mark: Trademark, name: str, *, field: str = "pledgor") -> None:
    """The pledgor is the registrant of record (ground ``name_mismatch``)."""
    if applicant_key(name) != mark.owner_key:
        raise field_error(
            field,
            f"“{name}”不是商标 {mark.registration_number} 的注册人（商标库记载为：{mark.owner}）；"
            "注册人名义已变更的，请先办理变更注册人名义。",
            FilingErrorCode.NOT_TRADEMARK_OWNER,
        )


def ensure_trademark_matches(
    mark: Trademark, name: str, classes: list[int], *, field: str = "trademark_classes"
) -> None:
    """The form names the recorded mark and only classes it is registered in."""
    if name and mark.name and name != mark.name:
        raise field_error(
            "trademark_name",
            f"商标名称与商标库记载不一致（记载为：{mark.name}）。",
            FilingErrorCode.TRADEMARK_MISMATCH,
        )
    registered = set(mark.nice_classes or [])
    extra = [c for c in classes if registered and c not in registered]
    if extra:
        listed = "、".join(str(c) for c in sorted(registered))
        raise field_error(
            field,
            f"第 {'、'.join(str(c) for c in extra)} 类不在该商标核定使用的类别内"
            f"（商标库记载为第 {listed} 类）。",
            FilingErrorCode.TRADEMARK_MISMATCH,
        )


def active_trademark_pledge(number: str, *, exclude_id: int | None = None) -> Filing | None:
    """The registered, not released, pledge of trademark ``number``, if any."""
    qs = Filing.objects.filter(
        kind=FilingKind.TRADEMARK_PLEDGE,
        operation__in=ACTIVE_PLEDGE_OPERATIONS,
        state=FilingState.REGISTERED,
        details__trademark_number=number,
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.first()


def ensure_trademark_not_pledged(number: str, *, field: str = "trademark_number") -> None:
    """A trademark is pledged once until that pledge is cancelled (注销)."""
    existing = active_trademark_pledge(number)
    if existing is not None:
        raise field_error(
            field,
            f"商标 {number} 已办理质权登记（登记号 {existing.registration_number}），"
            "须先办理质权注销登记才能再次出质。",
            FilingErrorCode.ALREADY_PLEDGED,
        )
