"""Protection endpoints: 蓝天 screening groups and runs, cases, assistance,
workstations (the map data is public), fast track. Thin: schema in, service or
selector call, schema out; scope and rules live in selectors and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from iphub.core.apiauth import AUTH
from iphub.core.apiparams import Limit
from iphub.core.errors import ApplicationError, NotFound
from iphub.protection import selectors
from iphub.protection.models import RunKind
from iphub.protection.services import assistance as assistance_services
from iphub.protection.services import enforcement as enforcement_services
from iphub.protection.services import screening as screening_services

router = Router(tags=["protection"])


class FlaggedGroupOut(Schema):
    id: int
    kind: str
    status: str
    score: int
    region: str
    summary: str
    applicants: list[str]
    agencies: list[str]
    member_ids: list[int]
    evidence: dict[str, Any]


class DecisionIn(Schema):
    decision: str  # "confirm" | "dismiss"
    note: str = ""


class RunOut(Schema):
    id: int
    kind: str
    status: str
    docs: int
    candidate_pairs: int
    verified_pairs: int
    groups_found: int
    duration_s: float
    message: str


def _group_out(group: Any) -> dict[str, Any]:
    return {
        "id": group.pk,
        "kind": group.kind,
        "status": group.status,
        "score": group.score,
        "region": group.region.code,
        "summary": group.summary,
        "applicants": group.applicants,
        "agencies": group.agencies,
        "member_ids": list(group.members.values_list("patent_id", flat=True)),
        "evidence": group.evidence,
    }


@router.get(
    "/protection/groups", response=list[FlaggedGroupOut], auth=AUTH, summary="疑似非正常申请组"
)
def group_list(
    request: HttpRequest, status: str = "", kind: str = "", limit: Limit = 50
) -> list[dict[str, Any]]:
    groups = selectors.flagged_group_list(user=request.user, status=status, kind=kind)
    return [_group_out(g) for g in groups.prefetch_related("members")[:limit]]


@router.get(
    "/protection/groups/{int:group_id}",
    response=FlaggedGroupOut,
    auth=AUTH,
    summary="疑似组详情",
)
def group_detail(request: HttpRequest, group_id: int) -> dict[str, Any]:
    return _group_out(selectors.flagged_group_get(user=request.user, group_id=group_id))


@router.post(
    "/protection/groups/{int:group_id}/decision",
    response=FlaggedGroupOut,
    auth=AUTH,
    summary="核查：确认或排除",
)
def group_decide(request: HttpRequest, group_id: int, payload: DecisionIn) -> dict[str, Any]:
    group = selectors.flagged_group_get(user=request.user, group_id=group_id)
    if payload.decision == "confirm":
        group = screening_services.flagged_group_confirm(
            actor=request.user, group=group, note=payload.note
        )
    elif payload.decision == "dismiss":
        group = screening_services.flagged_group_dismiss(
            actor=request.user, group=group, note=payload.note
        )
    else:
        raise ApplicationError(
            "decision 只能是 confirm 或 dismiss。",
            fields={"decision": "只能是 confirm 或 dismiss。"},
        )
    return _group_out(group)


@router.post("/protection/runs", response={202: RunOut}, auth=AUTH, summary="发起全量筛查")
def run_create(request: HttpRequest) -> Status:
    return Status(
        202, screening_services.screening_run_create(actor=request.user, kind=RunKind.FULL)
    )


class CaseIn(Schema):
    title: str
    case_type: str
    region: str
    description: str = ""
    source: str = ""
    parties: list[dict[str, str]] = []


class CaseOut(Schema):
    id: int
    number: str
    title: str
    case_type: str
    state: str
    region: str
    campaign_id: int | None
    penalty_amount: Decimal | None
    penalty_detail: str
    actions: list[dict[str, str]]


class TransitionIn(Schema):
    target: str
    expected_state: str | None = None
    note: str = ""
    penalty_amount: Decimal | None = None
    penalty_detail: str = ""


def _case_out(case: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title,
        "case_type": case.case_type,
        "state": case.state,
        "region": case.region.code,
        "campaign_id": case.campaign_id,
        "penalty_amount": case.penalty_amount,
        "penalty_detail": case.penalty_detail,
        "actions": selectors.case_actions(case),
    }


@router.get("/protection/cases", response=list[CaseOut], auth=AUTH, summary="执法案件")
def case_list(request: HttpRequest, state: str = "") -> list[dict[str, Any]]:
    return [_case_out(c) for c in selectors.case_list(user=request.user, state=state)[:200]]


@router.post("/protection/cases", response={201: CaseOut}, auth=AUTH, summary="登记案件线索")
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    case = enforcement_services.case_create(
        actor=request.user,
        title=payload.title,
        case_type=payload.case_type,
        region_code=payload.region,
        description=payload.description,
        source=payload.source,
        parties=payload.parties,
    )
    return Status(201, _case_out(case))


@router.get("/protection/cases/{int:case_id}", response=CaseOut, auth=AUTH, summary="案件详情")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _case_out(selectors.case_get(user=request.user, case_id=case_id))


@router.post(
    "/protection/cases/{int:case_id}/transition", response=CaseOut, auth=AUTH, summary="案件流转"
)
def case_move(request: HttpRequest, case_id: int, payload: TransitionIn) -> dict[str, Any]:
    case = selectors.case_get(user=request.user, case_id=case_id)
    case = enforcement_services.case_transition(
        actor=request.user,
        case=case,
        target=payload.target,
        expected_state=payload.expected_state,
        note=payload.note,
        penalty_amount=payload.penalty_amount,
        penalty_detail=payload.penalty_detail,
    )
    return _case_out(case)


@router.get("/protection/statistics", auth=AUTH, summary="执法统计（按专项行动、地区）")
def statistics(request: HttpRequest) -> dict[str, Any]:
    return selectors.enforcement_statistics(user=request.user)


class StationOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    host: str
    services: list[str]
    contact: str
    established_on: dt.date | None
    cases_handled: int
    trainings: int


@router.get("/protection/workstations", response=list[StationOut], summary="保护工作站名录（公开）")
def workstation_list(
    request: HttpRequest, region: str = "", kind: str = ""
) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "name": s.name,
            "kind": s.kind,
            "region": s.region.code,
            "host": s.host.name if s.host else "",
            "services": s.services,
            "contact": selectors.workstation_contact(s),
            "established_on": s.established_on,
            # Annotated by the selector (counts of the station's activities).
            "cases_handled": s.cases_handled,  # type: ignore[attr-defined]
            "trainings": s.trainings,  # type: ignore[attr-defined]
        }
        for s in selectors.workstation_list(region_code=region, kind=kind)
    ]


@router.get("/protection/workstations/map", summary="工作站地图数据（各市州数量与目标）")
def workstation_map(request: HttpRequest) -> dict[str, Any]:
    return selectors.workstation_map()


class AssistanceIn(Schema):
    subject: str
    description: str
    dispute_kind: str
    field: str
    counterpart: str = ""
    country: str = ""


class AssistanceOut(Schema):
    id: int
    subject: str
    status: str
    dispute_kind: str
    station: str
    due_on: dt.date
    outcome: str
    satisfaction: int | None


def _assistance_out(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "subject": item.subject,
        "status": item.status,
        "dispute_kind": item.dispute_kind,
        "station": item.station.name if item.station else "",
        "due_on": item.due_on,
        "outcome": item.outcome,
        "satisfaction": item.satisfaction,
    }


@router.get(
    "/protection/assistance", response=list[AssistanceOut], auth=AUTH, summary="维权援助申请"
)
def assistance_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_assistance_out(a) for a in selectors.assistance_list(user=request.user)[:200]]


@router.post(
    "/protection/assistance",
    response={201: AssistanceOut},
    auth=AUTH,
    summary="提交维权援助申请",
)
def assistance_submit(request: HttpRequest, payload: AssistanceIn) -> Status:
    item = assistance_services.assistance_request_submit(actor=request.user, **payload.dict())
    return Status(201, _assistance_out(item))


class FeedbackIn(Schema):
    satisfaction: int
    feedback: str = ""


@router.post(
    "/protection/assistance/{int:request_id}/feedback",
    response=AssistanceOut,
    auth=AUTH,
    summary="申请人评价（1-5）",
)
def assistance_feedback(
    request: HttpRequest, request_id: int, payload: FeedbackIn
) -> dict[str, Any]:
    item = selectors.assistance_get(user=request.user, request_id=request_id)
    item = assistance_services.assistance_feedback_submit(
        actor=request.user, item=item, satisfaction=payload.satisfaction, feedback=payload.feedback
    )
    return _assistance_out(item)


class StationIn(Schema):
    name: str
    kind: str
    region: str
    services: list[str] = []
    fields: list[str] = ["*"]
    contact_name: str = ""
    contact_phone: str = ""
    established_on: dt.date | None = None


class ActivityIn(Schema):
    kind: str
    title: str
    date: dt.date
    participants: int = 0


@router.post(
    "/protection/workstations", response={201: dict[str, Any]}, auth=AUTH, summary="登记工作站"
)
def workstation_create(request: HttpRequest, payload: StationIn) -> Status:
    data = payload.dict()
    station = assistance_services.workstation_create(
        actor=request.user, region_code=data.pop("region"), **data
    )
    return Status(201, {"id": station.pk, "name": station.name})


@router.post(
    "/protection/workstations/{int:station_id}/activities",
    response={201: dict[str, Any]},
    auth=AUTH,
    summary="登记工作站活动（办案、培训）",
)
def station_activity(request: HttpRequest, station_id: int, payload: ActivityIn) -> Status:
    station = selectors.workstation_list().filter(pk=station_id).first()
    if station is None:
        raise NotFound()
    activity = assistance_services.station_activity_record(
        actor=request.user, station=station, **payload.dict()
    )
    return Status(201, {"id": activity.pk})


class StationServiceIn(Schema):
    date: dt.date
    kind: str
    client: str
    title: str
    participants: int = 0


class StationServiceOut(Schema):
    id: int
    date: dt.date
    kind: str
    kind_label: str
    client: str
    title: str
    participants: int


def _service_out(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.date,
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "client": entry.client,
        "title": entry.title,
        "participants": entry.participants,
    }


@router.get(
    "/protection/stations/{int:station_id}/services",
    response=list[StationServiceOut],
    auth=AUTH,
    summary="高校/科研院所服务工作站的服务记录",
)
def station_services(
    request: HttpRequest, station_id: int, limit: Limit = 50
) -> list[dict[str, Any]]:
    station = selectors.station_page_get(user=request.user, station_id=station_id)
    return [_service_out(e) for e in selectors.station_service_list(station)[:limit]]


@router.post(
    "/protection/stations/{int:station_id}/services",
    response={201: StationServiceOut},
    auth=AUTH,
    summary="登记一次工作站服务",
)
def station_service_record(
    request: HttpRequest, station_id: int, payload: StationServiceIn
) -> Status:
    station = selectors.station_page_get(user=request.user, station_id=station_id)
    entry = assistance_services.station_service_record(
        actor=request.user, station=station, **payload.dict()
    )
    return Status(201, _service_out(entry))


class FastTrackIn(Schema):
    title: str
    ipc_main: str


class FastTrackOut(Schema):
    id: int
    title: str
    ipc_main: str
    eligible_field: str
    status: str
    due_on: dt.date


@router.get("/protection/fasttrack", response=list[FastTrackOut], auth=AUTH, summary="快速预审申请")
def fasttrack_list(request: HttpRequest) -> Any:
    return list(selectors.fasttrack_list(user=request.user)[:200])


@router.post(
    "/protection/fasttrack", response={201: FastTrackOut}, auth=AUTH, summary="提交快速预审申请"
)
def fasttrack_submit(request: HttpRequest, payload: FastTrackIn) -> Status:
    return Status(
        201, assistance_services.fasttrack_request_submit(actor=request.user, **payload.dict())
    )
