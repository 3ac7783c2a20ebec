"""Rights-protection assistance requests, the workstation registry and its
activity, and fast-track (快速预审) requests."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from iphub.core.amounts import NumberRange, parse_count
from iphub.core.audit import audit_record, snapshot
from iphub.core.calendar import add_working_days
from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation, Region, Role
from iphub.core.permissions import ensure_region_access, require_roles
from iphub.protection.audit_actions import Action
from iphub.protection.errors import ProtectionErrorCode
from iphub.protection.models import (
    AssistanceRequest,
    AssistanceStatus,
    DisputeKind,
    FastTrackRequest,
    ServiceKind,
    StationActivity,
    StationKind,
    StationService,
    Workstation,
)
from iphub.protection.models.assistance import SERVICE_STATION_KINDS
from iphub.protection.workflow import (
    ASSISTANCE_STEPS,
    FASTTRACK_STEPS,
    Step,
    station_service_check,
    step_check,
)

# Time limits in working days. *Unverified*: no regulation found that fixes them
# for Hubei's centres, so they are settings-like constants, not law.
ASSISTANCE_WORKING_DAYS = {DisputeKind.DOMESTIC: 15, DisputeKind.OVERSEAS: 30}
FASTTRACK_WORKING_DAYS = 5
IPC_SECTIONS = "ABCDEFGH"
FASTTRACK_FILE = Path(__file__).resolve().parent.parent / "data" / "fasttrack_fields.json"


def workstation_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    region_code: str,
    host: Organisation | None = None,
    services: list[str] | None = None,
    fields: list[str] | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    established_on: dt.date | None = None,
    scope: str = "",
) -> Workstation:
    """Register a workstation or centre in the actor's region.

    A university or lab service workstation (``SERVICE_STATION_KINDS``) needs its
    scope and at least one of :class:`ServiceKind` as its ``services``."""
    require_roles(actor, Role.ENFORCEMENT)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ApplicationError("未知的行政区划代码。", fields={"region": "未知的行政区划代码。"})
    ensure_region_access(actor, region)
    if not name.strip():
        raise ApplicationError("请填写名称。", fields={"name": "请填写名称。"})
    if kind not in StationKind.values:
        raise ApplicationError("工作站类型无效。", fields={"kind": "工作站类型无效。"})
    if kind in SERVICE_STATION_KINDS:
        errors = {}
        if host is None:
            errors["host"] = _("请选择依托单位。")
        if not scope.strip():
            errors["scope"] = _("请填写服务范围。")
        elif len(scope) > 2000:
            errors["scope"] = _("服务范围不超过 2000 字。")
        if not services or any(s not in ServiceKind.values for s in services):
            errors["services"] = _("请从列表中选择服务内容。")
        if errors:
            raise ApplicationError(_("提交的数据有误，请按字段提示修改。"), fields=errors)
    bad = [f for f in fields or [] if f != "*" and f not in IPC_SECTIONS]
    if bad:
        raise ApplicationError(
            "服务领域应为 IPC 部 A-H 或 *。", fields={"fields": "服务领域应为 IPC 部 A-H 或 *。"}
        )
    with transaction.atomic():
        station = Workstation.objects.create(
            name=name.strip(),
            kind=kind,
            region=region,
            host=host,
            services=services or [],
            fields=fields or ["*"],
            contact_name=contact_name,
            contact_phone=contact_phone,
            established_on=established_on,
            scope=scope.strip(),
        )
        audit_record(
            actor=actor,
            action=Action.WORKSTATION_CREATE,
            obj=station,
            region_path=region.path,
            after=snapshot(station, exclude=("contact_phone",)),
        )
    return station


# A station's training or case: how many took part (an IntegerField).
PARTICIPANTS = NumberRange("人数", unit="人", maximum=Decimal(100_000), places=0)
SATISFACTION = NumberRange("满意度", unit="", minimum=Decimal(1), maximum=Decimal(5), places=0)


def station_activity_record(
    *,
    actor: Any,
    station: Workstation,
    kind: str,
    title: str,
    date: dt.date,
    participants: int | str = 0,
) -> StationActivity:
    """Record a case handled or a training given by a station (feeds supervision)."""
    require_roles(actor, Role.ENFORCEMENT)
    people = parse_count(participants, PARTICIPANTS, field="participants") or 0
    ensure_region_access(actor, station.region)
    if kind not in StationActivity.Kind.values:
        raise ApplicationError("活动类型无效。", fields={"kind": "活动类型无效。"})
    if not title.strip():
        raise ApplicationError("请填写活动内容。", fields={"title": "请填写活动内容。"})
    with transaction.atomic():
        activity = StationActivity.objects.create(
            station=station,
            kind=kind,
            title=title.strip(),
            date=date,
            participants=people,
        )
        audit_record(
            actor=actor,
            action=Action.STATION_ACTIVITY_RECORD,
            obj=activity,
            region_path=station.region.path,
            after=snapshot(activity),
        )
    return activity


def station_service_record(
    *,
    actor: Any,
    station: Workstation,
    date: dt.date,
    kind: str,
    client: str,
    title: str,
    participants: int | str = 0,
) -> StationService:
    """Log a service a university or lab service workstation gave (who may:
    ``workflow.station_service_check``)."""
    station_service_check(actor, station)
    errors = {}
    if date > timezone.localdate():
        errors["date"] = _("服务日期不能晚于今天。")
    if kind not in station.services or kind not in ServiceKind.values:
        errors["kind"] = _("服务类型应为本工作站提供的服务之一。")
    if not client.strip():
        errors["client"] = _("请填写服务对象。")
    elif len(client.strip()) > 200:
        errors["client"] = _("服务对象不超过 200 字。")
    if not title.strip():
        errors["title"] = _("请填写服务内容。")
    elif len(title.strip()) > 200:
        errors["title"] = _("服务内容不超过 200 字。")
    try:
        people = parse_count(participants, PARTICIPANTS, field="participants") or 0
    except ApplicationError as exc:
        errors.update(exc.fields or {"participants": exc.message})
    if errors:
        raise ApplicationError(_("提交的数据有误，请按字段提示修改。"), fields=errors)
    with transaction.atomic():
        entry = StationService.objects.create(
            station=station,
            date=date,
            kind=kind,
            client=client.strip(),
            title=title.strip(),
            participants=people,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.STATION_SERVICE_RECORD,
            obj=entry,
            region_path=station.region.path,
            after=snapshot(entry),
        )
    return entry


def triage_station(*, region: Region, field: str) -> Workstation | None:
    """The most local active centre or workstation serving ``field`` for ``region``.

    Stations in the request's own county come first, then its city, then the
    province; at the same level one that names the field beats one serving all.
    """
    ancestors = region.path.split("/")
    paths = ["/".join(ancestors[: i + 1]) for i in range(len(ancestors))]
    candidates = (
        Workstation.objects.filter(active=True, region__path__in=paths)
        .exclude(kind=StationKind.PROTECTION_CENTRE)
        .exclude(kind__in=SERVICE_STATION_KINDS)
        .select_related("region")
    )
    ranked = []
    for station in candidates:
        if field not in station.fields and "*" not in station.fields:
            continue
        depth = len(station.region.path.split("/"))
        ranked.append((-depth, 0 if field in station.fields else 1, station.pk, station))
    return min(ranked, key=lambda r: r[:3])[3] if ranked else None


def assistance_request_submit(
    *,
    actor: Any,
    subject: str,
    description: str,
    dispute_kind: str,
    field: str,
    counterpart: str = "",
    country: str = "",
) -> AssistanceRequest:
    """An enterprise user asks for help; the request is triaged and its time limit set."""
    require_roles(actor, Role.ENTERPRISE)
    if actor.organisation_id is None:
        raise ApplicationError("请先关联所属企业。", fields={"organisation": "请先关联所属企业。"})
    errors = {}
    if dispute_kind not in DisputeKind.values:
        errors["dispute_kind"] = "纠纷类型无效。"
    if field not in IPC_SECTIONS:
        errors["field"] = "技术领域应为 IPC 部 A-H。"
    if not subject.strip():
        errors["subject"] = "此项为必填项。"
    if not description.strip():
        errors["description"] = "此项为必填项。"
    if dispute_kind == DisputeKind.OVERSEAS and not country.strip():
        errors["country"] = "海外纠纷请填写涉及的国家或地区。"
    if errors:
        raise ApplicationError("提交的数据有误，请按字段提示修改。", fields=errors)
    organisation = actor.organisation
    station = triage_station(region=organisation.region, field=field)
    with transaction.atomic():
        item = AssistanceRequest.objects.create(
            requester=actor,
            organisation=organisation,
            region=organisation.region,
            dispute_kind=dispute_kind,
            field=field,
            subject=subject.strip(),
            description=description,
            counterpart=counterpart,
            country=country,
            station=station,
            status=AssistanceStatus.ASSIGNED if station else AssistanceStatus.SUBMITTED,
            due_on=add_working_days(
                timezone.localdate(), ASSISTANCE_WORKING_DAYS[DisputeKind(dispute_kind)]
            ),
        )
        audit_record(
            actor=actor,
            action=Action.ASSISTANCE_REQUEST_SUBMIT,
            obj=item,
            region_path=item.region.path,
            after=snapshot(item),
        )
    return item


def _request_step(
    *,
    actor: Any,
    item: AssistanceRequest | FastTrackRequest,
    steps: tuple[Step, ...],
    name: str,
    change: dict[str, Any],
) -> Any:
    """Take step ``name`` of ``steps`` (protection.workflow) on a request: lock the
    row, check the table under the lock, write ``change`` (plus the step's target
    status), and audit it (:data:`AUDIT_ACTIONS`), in one transaction."""
    with transaction.atomic():
        locked = type(item).objects.select_for_update().select_related("region").get(pk=item.pk)
        step = step_check(actor, steps, name, locked)
        before = snapshot(locked)
        if step.target is not None:
            change = {"status": step.target} | change
        for key, value in change.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(change))
        audit_record(
            actor=actor,
            action=AUDIT_ACTIONS[(locked._meta.model_name or "", step.name)],
            obj=locked,
            region_path=locked.region.path,
            before=before,
            after=snapshot(locked),
        )
    return locked


# Each step's audit action, as the trail has always named them.
AUDIT_ACTIONS = {
    ("assistancerequest", "close"): Action.ASSISTANCE_REQUEST_CLOSE,
    ("assistancerequest", "feedback"): Action.ASSISTANCE_FEEDBACK_SUBMIT,
    **{("fasttrackrequest", s.name): Action.FASTTRACK_REQUEST_DECIDE for s in FASTTRACK_STEPS},
}


def assistance_request_close(
    *, actor: Any, item: AssistanceRequest, outcome: str
) -> AssistanceRequest:
    """Protection staff record the outcome and close the request."""
    if not outcome.strip():
        step_check(actor, ASSISTANCE_STEPS, "close", item)
        raise ApplicationError("请填写办理结果。", fields={"outcome": "此项为必填项。"})
    closed: AssistanceRequest = _request_step(
        actor=actor,
        item=item,
        steps=ASSISTANCE_STEPS,
        name="close",
        change={"outcome": outcome, "closed_on": timezone.localdate()},
    )
    return closed


def assistance_feedback_submit(
    *, actor: Any, item: AssistanceRequest, satisfaction: int | str, feedback: str = ""
) -> AssistanceRequest:
    """The requester rates a closed request 1-5, once."""
    step_check(actor, ASSISTANCE_STEPS, "feedback", item)
    if item.satisfaction is not None:
        raise ApplicationError(
            "只能对已办结且未评价的申请评价一次。", code=ProtectionErrorCode.FEEDBACK_INVALID
        )
    satisfaction = parse_count(satisfaction, SATISFACTION, field="satisfaction", required=True) or 0
    rated: AssistanceRequest = _request_step(
        actor=actor,
        item=item,
        steps=ASSISTANCE_STEPS,
        name="feedback",
        change={"satisfaction": int(satisfaction), "feedback": feedback[:500]},
    )
    return rated


@cache
def _fasttrack_fields() -> list[dict[str, Any]]:
    return list(json.loads(FASTTRACK_FILE.read_text(encoding="utf-8"))["fields"])


def fasttrack_field(ipc_main: str) -> str | None:
    """The eligible industry field of an IPC code, or ``None`` if it has none."""
    code = ipc_main.replace(" ", "").upper()
    for entry in _fasttrack_fields():
        if any(code.startswith(prefix) for prefix in entry["ipc"]):
            return str(entry["name"])
    return None


def fasttrack_request_submit(*, actor: Any, title: str, ipc_main: str) -> FastTrackRequest:
    """Ask a protection centre for pre-examination; refused outside the eligible fields."""
    require_roles(actor, Role.ENTERPRISE, Role.AGENCY)
    if actor.organisation_id is None:
        raise ApplicationError("请先关联所属组织。", fields={"organisation": "请先关联所属组织。"})
    if not (ipc_main or "").strip():
        msg = "请填写主分类号，或点“根据名称和描述推荐分类号”后选择一项。"
        raise ApplicationError(msg, fields={"ipc_main": msg})
    field = fasttrack_field(ipc_main)
    if field is None:
        raise ApplicationError(
            "该分类号不属于保护中心快速预审的产业领域。",
            code=ProtectionErrorCode.NOT_ELIGIBLE,
            fields={"ipc_main": "不在快速预审领域内。"},
        )
    with transaction.atomic():
        item = FastTrackRequest.objects.create(
            requester=actor,
            organisation=actor.organisation,
            region=actor.organisation.region,
            title=title.strip(),
            ipc_main=ipc_main.strip().upper(),
            eligible_field=field,
            due_on=add_working_days(timezone.localdate(), FASTTRACK_WORKING_DAYS),
        )
        audit_record(
            actor=actor,
            action=Action.FASTTRACK_REQUEST_SUBMIT,
            obj=item,
            region_path=item.region.path,
            after=snapshot(item),
        )
    return item


def fasttrack_request_decide(
    *, actor: Any, item: FastTrackRequest, status: str, note: str = ""
) -> FastTrackRequest:
    """The centre accepts, rejects or completes a fast-track request
    (``workflow.FASTTRACK_STEPS``: only while it is not yet rejected or completed)."""
    decided: FastTrackRequest = _request_step(
        actor=actor, item=item, steps=FASTTRACK_STEPS, name=status, change={"note": note[:500]}
    )
    return decided
