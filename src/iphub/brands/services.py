"""Every write of the brands register: entries and their steps, authorised users
and the applications that lead to them, the daily expiry, cultivation lists.

Each service runs in one transaction, checks who may act through
``brands/workflow.py`` and ``core.permissions``, locks the row it moves
(``select_for_update``: two reviewers cannot both decide one application) and
leaves an audit entry. Bad input raises ``ApplicationError`` naming the field
and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from iphub.brands import workflow
from iphub.brands.audit_actions import Action
from iphub.brands.models import (
    ApplicationState,
    AuthorisedUse,
    CultivationList,
    CultivationMember,
    EntryState,
    Indication,
    IndicationKind,
    UseApplication,
    UseStatus,
)
from iphub.core.audit import audit_record, snapshot
from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, ApplicationError, NotFound, field_error
from iphub.core.models import Organisation, Region
from iphub.core.permissions import (
    ensure_in_region,
    ensure_region_access,
    has_role,
    in_region,
    require_login,
    require_roles,
)
from iphub.core.uploads import check_upload
from iphub.patents.models import Trademark

RULES_FILE_LIMIT = 10 * 1024 * 1024
# Longest authorisation period granted at once (years); renewals start a new one.
MAX_USE_YEARS = 10


def today() -> dt.date:
    """The local (Beijing) date: periods end at the end of their last local day."""
    return timezone.now().astimezone(LOCAL_TZ).date()


def _text(data: dict[str, Any], key: str, label: str, *, limit: int, required: bool = True) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise field_error(key, f"请填写{label}。")
    if len(value) > limit:
        raise field_error(key, f"{label}最多 {limit} 个字。")
    return value


def _date(data: dict[str, Any], key: str, label: str) -> dt.date:
    raw = str(data.get(key) or "").strip()
    if not raw:
        raise field_error(key, f"请填写{label}。")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise field_error(key, f"{label}应为 YYYY-MM-DD 格式的日期。") from None


def _period(data: dict[str, Any]) -> tuple[dt.date, dt.date]:
    start = _date(data, "valid_from", "使用期限起始日")
    end = _date(data, "valid_until", "使用期限截止日")
    if end < start:
        raise field_error("valid_until", "使用期限截止日不能早于起始日。")
    if end > start.replace(year=start.year + MAX_USE_YEARS) - dt.timedelta(days=1):
        raise field_error("valid_until", f"一次核准的使用期限最长 {MAX_USE_YEARS} 年。")
    return start, end


def _region(code: Any, key: str = "region") -> Region:
    region = Region.objects.filter(code=str(code or "").strip()).first()
    if region is None:
        raise field_error(key, "请选择湖北省内的地区：该地区代码不存在。")
    return region


def _areas(codes: Iterable[Any], region: Region) -> list[Region]:
    """The protected area: regions inside the keeping region (or the region itself)."""
    wanted = [str(c).strip() for c in codes if str(c).strip()]
    if not wanted:
        raise field_error("areas", "请选择保护地域（至少一个县、市、区）。")
    found = list(Region.objects.filter(code__in=wanted))
    missing = sorted(set(wanted) - {r.code for r in found})
    if missing:
        raise field_error("areas", f"地区代码不存在：{'、'.join(missing)}。")
    outside = [r.name for r in found if not region.contains(r)]
    if outside:
        raise field_error(
            "areas", f"保护地域应在{region.name}范围内：{'、'.join(outside)}不在其中。"
        )
    return found


def _trademark(number: Any) -> Trademark | None:
    number = "".join(str(number or "").split()).upper()
    if not number:
        return None
    mark = Trademark.objects.filter(registration_number=number).first()
    if mark is None:
        raise field_error("trademark_number", f"平台商标数据中没有注册号为 {number} 的商标。")
    return mark


def _store_rules(entry: Indication, upload: Any) -> None:
    checked = check_upload(upload, field="rules_file", limit=RULES_FILE_LIMIT, code="bad_file")
    entry.rules_file = ContentFile(checked.content, name=f"{uuid.uuid4().hex}.{checked.extension}")
    entry.rules_file_name = checked.original_name


def _entry_fields(data: dict[str, Any]) -> dict[str, Any]:
    kind = str(data.get("kind") or "")
    if kind not in IndicationKind.values:
        raise field_error(
            "kind", "请选择类别：地理标志产品、地理标志证明商标、集体商标或证明商标。"
        )
    return {
        "name": _text(data, "name", "名称", limit=100),
        "kind": kind,
        "product": _text(data, "product", "产品", limit=200),
        "holder": _text(data, "holder", "申请人/注册人", limit=200, required=False),
        "area_note": _text(data, "area_note", "地域范围说明", limit=2000, required=False),
        "rules": _text(data, "rules", "使用管理规则", limit=20000, required=False),
        "approval_number": _text(data, "approval_number", "批准/注册号", limit=60),
        "approval_date": _date(data, "approval_date", "批准/注册日期"),
        "trademark": _trademark(data.get("trademark_number")),
    }


def _lock_entry(indication_id: int) -> Indication:
    entry = (
        Indication.objects.select_for_update()
        .select_related("region")
        .filter(pk=indication_id)
        .first()
    )
    if entry is None:
        raise NotFound("未找到该地理标志或商标登记。")
    return entry


def _entry_snapshot(entry: Indication) -> dict[str, Any]:
    # The stored file's path says nothing to a reader; its original name is kept.
    return snapshot(entry, exclude=("rules_file",))


def _audit(actor: Any, action: Action, obj: Any, path: str, **changes: Any) -> None:
    audit_record(actor=actor, action=action, obj=obj, region_path=path, **changes)


@transaction.atomic
def indication_create(
    *, actor: Any, data: dict[str, Any], areas: Iterable[Any], rules_file: Any = None
) -> Indication:
    """Staff of a region record an entry of the register (as a draft)."""
    require_roles(actor, *workflow.KEEPER_ROLES)
    region = _region(data.get("region"))
    ensure_region_access(actor, region)
    fields = _entry_fields(data)
    area_regions = _areas(areas, region)
    if Indication.objects.filter(
        kind=fields["kind"], approval_number=fields["approval_number"]
    ).exists():
        raise field_error("approval_number", "该批准/注册号已登记，请勿重复登记。")
    entry = Indication(region=region, created_by=actor, **fields)
    if rules_file is not None:
        _store_rules(entry, rules_file)
    entry.save()
    entry.areas.set(area_regions)
    _audit(
        actor,
        Action.INDICATION_CREATE,
        entry,
        region.path,
        after={**_entry_snapshot(entry), "areas": [r.name for r in area_regions]},
    )
    return entry


@transaction.atomic
def indication_update(
    *,
    actor: Any,
    indication_id: int,
    data: dict[str, Any],
    areas: Iterable[Any],
    rules_file: Any = None,
) -> Indication:
    """Change a draft entry's content (a published one changes by revoking it)."""
    entry = _lock_entry(indication_id)
    ensure_in_region(actor, entry.region, message="未找到该地理标志或商标登记。")
    workflow.ensure_keeper(actor, entry)
    if not workflow.can_edit(actor, entry):
        raise ApplicationError("只有草稿可以修改。", code="not_editable", status=409)
    before = _entry_snapshot(entry)
    fields = _entry_fields(data)
    clash = Indication.objects.filter(
        kind=fields["kind"], approval_number=fields["approval_number"]
    ).exclude(pk=entry.pk)
    if clash.exists():
        raise field_error("approval_number", "该批准/注册号已登记，请勿重复登记。")
    area_regions = _areas(areas, entry.region)
    for key, value in fields.items():
        setattr(entry, key, value)
    if rules_file is not None:
        _store_rules(entry, rules_file)
    entry.save()
    entry.areas.set(area_regions)
    _audit(
        actor,
        Action.INDICATION_UPDATE,
        entry,
        entry.region.path,
        before=before,
        after=_entry_snapshot(entry),
    )
    return entry


@transaction.atomic
def indication_step(*, actor: Any, indication_id: int, step: str, reason: str = "") -> Indication:
    """Publish or revoke an entry (``workflow.ENTRY_STEPS``); revoking needs a reason."""
    entry = _lock_entry(indication_id)
    ensure_in_region(actor, entry.region, message="未找到该地理标志或商标登记。")
    move = workflow.entry_step(step)
    workflow.ensure_entry_step(actor, move, entry)
    reason = reason.strip()
    if move.name == "revoke" and not reason:
        raise field_error("reason", "请填写撤销原因。")
    before = entry.state
    entry.state = move.target
    if move.name == "publish":
        entry.published_at = timezone.now()
    if move.name == "revoke":
        entry.revoke_reason = reason[:300]
        # A revoked entry's special mark may no longer be used.
        now = timezone.now()
        entry.uses.filter(status=UseStatus.ACTIVE).update(status=UseStatus.REVOKED, ended_at=now)
        entry.applications.filter(state=ApplicationState.SUBMITTED).update(
            state=ApplicationState.REFUSED,
            decided_at=now,
            decision_note="地理标志登记已撤销。",
        )
    entry.save()
    _audit(
        actor,
        Action(f"brands.indication_{move.name}"),
        entry,
        entry.region.path,
        before={"state": before},
        after={"state": entry.state, **({"reason": reason} if reason else {})},
    )
    return entry


def _organisation(org_id: Any) -> Organisation:
    org = Organisation.objects.select_related("region").filter(pk=int(org_id or 0)).first()
    if org is None:
        raise field_error("organisation", "请选择使用单位。")
    return org


def _grant(
    actor: Any,
    entry: Indication,
    org: Organisation,
    start: dt.date,
    end: dt.date,
    application: UseApplication | None = None,
) -> AuthorisedUse:
    if end < today():
        raise field_error("valid_until", "使用期限已过，不能核准。")
    current = AuthorisedUse.objects.select_for_update().filter(
        indication=entry, organisation=org, status=UseStatus.ACTIVE
    )
    if current.exists():
        raise field_error(
            "organisation",
            f"{org.name}已在使用期内（至 {current.first().valid_until:%Y-%m-%d}），"  # type: ignore[union-attr]
            "到期后再办理续期。",
        )
    try:
        with transaction.atomic():
            use = AuthorisedUse.objects.create(
                indication=entry,
                organisation=org,
                valid_from=start,
                valid_until=end,
                application=application,
                granted_by=actor,
            )
    except IntegrityError:
        raise field_error("organisation", f"{org.name}已在使用期内。") from None
    _audit(actor, Action.USE_GRANT, use, entry.region.path, after=snapshot(use))
    return use


@transaction.atomic
def authorised_use_grant(*, actor: Any, indication_id: int, data: dict[str, Any]) -> AuthorisedUse:
    """Staff record an organisation authorised to use a published GI's special mark
    (for a period; one live authorisation per organisation)."""
    entry = _lock_entry(indication_id)
    ensure_in_region(actor, entry.region, message="未找到该地理标志或商标登记。")
    workflow.ensure_keeper(actor, entry)
    if not workflow.can_grant(actor, entry):
        raise ApplicationError(
            "只有已公布的地理标志可以登记专用标志使用单位。", code="wrong_state", status=409
        )
    org = _organisation(data.get("organisation"))
    start, end = _period(data)
    return _grant(actor, entry, org, start, end)


@transaction.atomic
def authorised_use_revoke(*, actor: Any, use_id: int, reason: str) -> AuthorisedUse:
    """Staff end an authorisation before its period (e.g. misuse of the mark)."""
    use = (
        AuthorisedUse.objects.select_for_update()
        .select_related("indication__region", "organisation")
        .filter(pk=use_id)
        .first()
    )
    if use is None:
        raise NotFound("未找到该使用单位。")
    ensure_in_region(actor, use.indication.region, message="未找到该使用单位。")
    workflow.ensure_keeper(actor, use.indication)
    if use.status != UseStatus.ACTIVE:
        raise ApplicationError("该授权已终止。", code="wrong_state", status=409)
    if not reason.strip():
        raise field_error("reason", "请填写撤销原因。")
    use.status = UseStatus.REVOKED
    use.ended_at = timezone.now()
    use.save(update_fields=["status", "ended_at"])
    _audit(
        actor,
        Action.USE_REVOKE,
        use,
        use.indication.region.path,
        before={"status": UseStatus.ACTIVE},
        after={"status": use.status, "reason": reason.strip()[:300]},
    )
    return use


@transaction.atomic
def use_application_submit(
    *, actor: Any, indication_id: int, data: dict[str, Any]
) -> UseApplication:
    """An enterprise applies to use a published GI's special mark."""
    require_login(actor)
    entry = Indication.objects.select_related("region").filter(pk=indication_id).first()
    if entry is None or entry.state != EntryState.PUBLISHED:
        raise NotFound("未找到该地理标志。")
    if not workflow.can_apply(actor, entry):
        raise AccessDenied("使用地理标志专用标志须由企业（或代理机构）账号以本单位名义申请。")
    org = actor.organisation
    if not any(area.contains(org.region) for area in entry.areas.all()):
        raise field_error(
            "organisation",
            f"{org.name}不在“{entry.name}”的保护地域内，不能申请使用其专用标志。",
        )
    if UseApplication.objects.filter(
        indication=entry, organisation=org, state=ApplicationState.SUBMITTED
    ).exists():
        raise ApplicationError("本单位已有一件待审核的申请。", code="duplicate", status=409)
    start, end = _period(data)
    app = UseApplication.objects.create(
        indication=entry,
        organisation=org,
        products=_text(data, "products", "使用产品", limit=300),
        production_site=_text(data, "production_site", "生产地址", limit=300),
        valid_from=start,
        valid_until=end,
        submitted_by=actor,
    )
    _audit(actor, Action.USE_APPLY, app, entry.region.path, after=snapshot(app))
    return app


@transaction.atomic
def use_application_decide(
    *, actor: Any, application_id: int, step: str, note: str = ""
) -> UseApplication:
    """Approve (creating the authorised use), refuse (with a reason) or withdraw an
    application. The row is locked first: of two reviewers deciding at once, the
    second finds it decided and is told so."""
    app = (
        UseApplication.objects.select_for_update()
        .select_related("indication__region", "organisation")
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise NotFound("未找到该申请。")
    own = (
        has_role(actor, *workflow.APPLICANT_ROLES) and actor.organisation_id == app.organisation_id
    )
    if not own and not in_region(actor, app.indication.region):
        raise NotFound("未找到该申请。")
    move = workflow.application_step(step)
    workflow.ensure_application_step(actor, move, app)
    note = note.strip()
    if move.name == "refuse" and not note:
        raise field_error("note", "请填写不予核准的理由。")
    before = app.state
    app.state = move.target
    app.decided_by = actor if move.party == "staff" else None
    app.decided_at = timezone.now()
    app.decision_note = note[:500]
    app.save()
    if move.name == "approve":
        _grant(actor, app.indication, app.organisation, app.valid_from, app.valid_until, app)
    _audit(
        actor,
        Action(f"brands.use_{move.name}"),
        app,
        app.indication.region.path,
        before={"state": before},
        after={"state": app.state, **({"note": note} if note else {})},
    )
    return app


def authorised_uses_expire(*, on: dt.date | None = None) -> int:
    """The daily duty: authorisations whose last day is before ``on`` (today) end.
    Claims each row with a conditional UPDATE, so two runs never expire one twice;
    one audit entry per expired authorisation."""
    day = on or today()
    due = list(
        AuthorisedUse.objects.filter(status=UseStatus.ACTIVE, valid_until__lt=day)
        .select_related("indication__region")
        .values_list("pk", "indication__region__path", "valid_until")
    )
    expired = 0
    for pk, path, until in due:
        with transaction.atomic():
            changed = AuthorisedUse.objects.filter(pk=pk, status=UseStatus.ACTIVE).update(
                status=UseStatus.EXPIRED, ended_at=timezone.now()
            )
            if not changed:
                continue
            audit_record(
                actor=None,
                action=Action.USE_EXPIRE,
                object_type="brands.authoriseduse",
                object_id=str(pk),
                region_path=path,
                before={"status": UseStatus.ACTIVE},
                after={"status": UseStatus.EXPIRED, "valid_until": until},
            )
            expired += 1
    return expired


@transaction.atomic
def cultivation_list_create(*, actor: Any, data: dict[str, Any]) -> CultivationList:
    """Staff publish a year's brand cultivation list with its criteria."""
    require_roles(actor, *workflow.KEEPER_ROLES)
    region = _region(data.get("region"))
    ensure_region_access(actor, region)
    year_text = str(data.get("year") or "").strip()
    if not year_text.isdigit() or not 2000 <= int(year_text) <= today().year + 1:
        raise field_error("year", f"年度应为 2000 到 {today().year + 1} 之间的年份。")
    title = _text(data, "title", "名单名称", limit=200)
    if CultivationList.objects.filter(region=region, year=int(year_text), title=title).exists():
        raise field_error("title", "本地区该年度已有同名名单。")
    clist = CultivationList.objects.create(
        year=int(year_text),
        title=title,
        criteria=_text(data, "criteria", "入选条件", limit=5000),
        region=region,
        created_by=actor,
    )
    _audit(actor, Action.CULTIVATION_CREATE, clist, region.path, after=snapshot(clist))
    return clist


@transaction.atomic
def cultivation_member_add(*, actor: Any, list_id: int, data: dict[str, Any]) -> CultivationMember:
    """Add an enterprise's brand to a cultivation list of the staff's region."""
    clist = (
        CultivationList.objects.select_for_update()
        .select_related("region")
        .filter(pk=list_id)
        .first()
    )
    if clist is None:
        raise NotFound("未找到该培育名单。")
    ensure_in_region(actor, clist.region, message="未找到该培育名单。")
    require_roles(actor, *workflow.KEEPER_ROLES)
    org = _organisation(data.get("organisation"))
    if not clist.region.contains(org.region):
        raise field_error("organisation", f"{org.name}不在{clist.region.name}范围内。")
    brand = _text(data, "brand", "品牌", limit=100)
    if CultivationMember.objects.filter(
        cultivation_list=clist, organisation=org, brand=brand
    ).exists():
        raise field_error("brand", "该品牌已在名单中。")
    member = CultivationMember.objects.create(
        cultivation_list=clist,
        organisation=org,
        brand=brand,
        trademark=_trademark(data.get("trademark_number")),
        note=_text(data, "note", "说明", limit=300, required=False),
    )
    _audit(actor, Action.CULTIVATION_MEMBER_ADD, member, clist.region.path, after=snapshot(member))
    return member
