"""Reads of the protection app, every one scoped through ``iphub.core.permissions``.

Enforcement data (screening groups, cases, campaigns, cooperation) is visible
only to enforcement staff (and superusers) inside their region — supervisors
get case counts per region and month, not the cases; assistance
requests also to the requesting organisation; the workstation registry is public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from iphub.core.errors import NotFound
from iphub.core.jobs import JobProgress, JobState, job_state
from iphub.core.models import Organisation, OrganisationKind, Region, Role
from iphub.core.permissions import has_role, require_roles, scope_queryset
from iphub.core.validators import mask_phone
from iphub.patents.models import Patent
from iphub.protection.models import (
    AssistanceRequest,
    Campaign,
    Case,
    CaseState,
    CooperationRequest,
    FastTrackRequest,
    FlaggedGroup,
    RunStage,
    ScreeningRun,
    ServiceKind,
    StationActivity,
    StationService,
    Workstation,
)
from iphub.protection.models.assistance import (
    SERVICE_STATION_KINDS,
    WORKSTATION_KINDS,
    WORKSTATION_TARGET,
)
from iphub.protection.screening.evidence import display_text, highlight
from iphub.protection.workflow import (
    SERVICE_HOSTS,
    SERVICE_STAFF,
    station_service_reaches,
    transitions_from,
)


def _enforcement_scope(
    user: Any, queryset: QuerySet[Any], field: str = "region__path"
) -> QuerySet[Any]:
    require_roles(user, Role.ENFORCEMENT)
    return scope_queryset(user, queryset, region_path_field=field)


# -- 蓝天 screening -----------------------------------------------------------


def flagged_group_list(*, user: Any, status: str = "", kind: str = "") -> QuerySet[FlaggedGroup]:
    """Flagged groups in the officer's region, highest risk first."""
    qs = _enforcement_scope(user, FlaggedGroup.objects.select_related("region"))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    # Explicitly: Django drops Meta.ordering from a GROUP BY query (the count), which
    # left the list in no order and its pages liable to repeat or skip groups.
    return qs.annotate(member_count=Count("members")).order_by("-score", "-id")


def flagged_group_get(*, user: Any, group_id: int) -> FlaggedGroup:
    """One flagged group the officer may see, or NotFound (never "exists elsewhere")."""
    group = flagged_group_list(user=user).select_related("decided_by").filter(pk=group_id).first()
    if group is None:
        raise NotFound()
    return group


@dataclass
class SideBySide:
    index: int
    jaccard: float
    left: Patent
    right: Patent
    left_runs: list[tuple[str, bool]]
    right_runs: list[tuple[str, bool]]
    relations: dict[str, bool]
    # Set for pairs found by the edited-copy stages (0 for near-verbatim copies).
    containment: float = 0.0
    aligned: float = 0.0


def flagged_group_members(group: FlaggedGroup) -> list[Patent]:
    return list(Patent.objects.filter(flagged_groups=group).order_by("app_date", "id"))


def flagged_group_pair(group: FlaggedGroup, index: int = 0) -> SideBySide | None:
    """Pair ``index`` of a near-duplicate group, its shared passages marked in both texts."""
    pairs = [p for p in group.evidence.get("pairs", []) if "passages" in p]
    if not pairs:
        return None
    index = max(0, min(index, len(pairs) - 1))
    pair = pairs[index]
    patents = Patent.objects.in_bulk([pair["a"], pair["b"]])
    left, right = patents[pair["a"]], patents[pair["b"]]
    passages = pair["passages"]

    def text(p: Patent) -> str:
        return display_text(title=p.title, abstract=p.abstract, claims=p.claims)

    return SideBySide(
        index=index,
        jaccard=pair["jaccard"],
        left=left,
        right=right,
        left_runs=highlight(text(left), [(a, n) for a, _, n in passages]),
        right_runs=highlight(text(right), [(b, n) for _, b, n in passages]),
        relations={k: pair[k] for k in ("same_applicant", "shared_agency", "shared_address")},
        containment=pair.get("containment", 0.0),
        aligned=pair.get("aligned", 0.0),
    )


def flagged_group_pair_count(group: FlaggedGroup) -> int:
    return sum(1 for p in group.evidence.get("pairs", []) if "passages" in p)


# -- enforcement --------------------------------------------------------------


def case_list(*, user: Any, state: str = "", campaign_id: int | None = None) -> QuerySet[Case]:
    qs = _enforcement_scope(user, Case.objects.select_related("region", "campaign"))
    if state:
        qs = qs.filter(state=state)
    if campaign_id:
        qs = qs.filter(campaign_id=campaign_id)
    return qs


def case_counts(*, user: Any, start: dt.date, end: dt.date) -> list[tuple[str, str, int]]:
    """Cases filed (立案) from ``start`` to ``end`` inclusive, counted per region and month.

    ``(region path, "YYYY-MM", count)`` rows, in the user's region. Counts only,
    no parties or case facts, so supervisors may read them (their monthly
    indicators need them) while case files stay with enforcement staff.
    """
    require_roles(user, Role.ENFORCEMENT, Role.SUPERVISOR)
    qs = scope_queryset(
        user,
        Case.objects.filter(filed_on__gte=start, filed_on__lte=end),
        region_path_field="region__path",
    )
    rows = (
        qs.annotate(month=TruncMonth("filed_on"))
        .values("region__path", "month")
        .annotate(n=Count("id"))
        .order_by("region__path", "month")
    )
    return [(r["region__path"], r["month"].strftime("%Y-%m"), r["n"]) for r in rows]


def case_get(*, user: Any, case_id: int) -> Case:
    """A case in the officer's region, with parties, evidence and history."""
    case = (
        case_list(user=user)
        .prefetch_related("parties", "evidence", "events__actor", "cooperation_requests__to_region")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def case_actions(case: Case) -> list[dict[str, str]]:
    """The moves the case page offers from its current state."""
    return [{"target": t.target, "action": t.action} for t in transitions_from(case.state)]


def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    """Campaigns in the officer's region, with the number of cases each holds, latest first."""
    # Ordered here: Django drops Meta.ordering from a query with an aggregate (GROUP BY).
    return _enforcement_scope(
        user,
        Campaign.objects.select_related("region")
        .annotate(case_count=Count("cases"))
        .order_by("-starts_on", "-id"),
    )


def campaign_get(*, user: Any, campaign_id: int) -> Campaign:
    """A campaign in the officer's region, or NotFound."""
    campaign = campaign_list(user=user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


def cooperation_inbox(*, user: Any) -> QuerySet[CooperationRequest]:
    """Cooperation requests addressed to the officer's region."""
    return _enforcement_scope(
        user,
        CooperationRequest.objects.select_related("case", "to_region"),
        field="to_region__path",
    )


def enforcement_statistics(*, user: Any) -> dict[str, Any]:
    """Cases per campaign and per region (state counts and penalties), in scope."""
    cases = case_list(user=user)
    by_state = {s: Count("id", filter=Q(state=s)) for s in CaseState.values}
    per_campaign = list(
        cases.values("campaign__id", "campaign__name")
        .annotate(total=Count("id"), penalties=Sum("penalty_amount"), **by_state)
        .order_by("campaign__name")
    )
    per_region = list(
        cases.values("region__code", "region__name")
        .annotate(total=Count("id"), penalties=Sum("penalty_amount"), **by_state)
        .order_by("region__code")
    )
    return {"per_campaign": per_campaign, "per_region": per_region, "total": cases.count()}


# -- workstations -------------------------------------------------------------


def workstation_list(*, region_code: str = "", kind: str = "") -> QuerySet[Workstation]:
    """The public registry of stations by district and name (contacts are masked
    where shown)."""
    # Ordered here: Django drops Meta.ordering from a query with an aggregate (GROUP BY).
    qs = (
        Workstation.objects.filter(active=True)
        .select_related("region", "host")
        .annotate(
            cases_handled=Count("activities", filter=Q(activities__kind="case")),
            trainings=Count("activities", filter=Q(activities__kind="training")),
        )
        .order_by("region", "name", "id")
    )
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is not None:
            qs = qs.filter(
                Q(region__path=region.path) | Q(region__path__startswith=region.path + "/")
            )
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def workstation_managed(*, user: Any) -> QuerySet[Workstation]:
    """Stations (active or not) an enforcement officer keeps the records of: their
    region, by district and name."""
    # Ordered here: Django drops Meta.ordering from a query with an aggregate (GROUP BY).
    return _enforcement_scope(
        user,
        Workstation.objects.select_related("region", "host")
        .annotate(
            cases_handled=Count("activities", filter=Q(activities__kind="case")),
            trainings=Count("activities", filter=Q(activities__kind="training")),
        )
        .order_by("region", "name", "id"),
    )


def workstation_get(*, user: Any, station_id: int) -> Workstation:
    """One station in the officer's region, or NotFound (never "exists elsewhere")."""
    station = workstation_managed(user=user).filter(pk=station_id).first()
    if station is None:
        raise NotFound()
    return station


# The register's kind filter: one kind, or every university and lab service station.
SERVICE_FILTER = "service"


def _station_counts(qs: QuerySet[Workstation]) -> QuerySet[Workstation]:
    # Ordered here: Django drops Meta.ordering from a query with an aggregate (GROUP BY).
    return qs.annotate(
        cases_handled=Count("activities", filter=Q(activities__kind="case"), distinct=True),
        trainings=Count("activities", filter=Q(activities__kind="training"), distinct=True),
        services_given=Count("service_log", distinct=True),
    ).order_by("region", "name", "id")


def station_register_list(*, user: Any, kind: str = "") -> QuerySet[Workstation]:
    """The stations on ``user``'s register page: every station of an enforcement
    officer's region; the service workstations of a window or supervision officer's
    region; the service workstations an enterprise user's organisation hosts.
    ``kind`` is a StationKind value or ``SERVICE_FILTER``."""
    base = Workstation.objects.select_related("region", "host")
    if has_role(user, Role.ENFORCEMENT):
        qs = scope_queryset(user, base, region_path_field="region__path")
    elif has_role(user, *SERVICE_STAFF):
        qs = scope_queryset(
            user, base.filter(kind__in=SERVICE_STATION_KINDS), region_path_field="region__path"
        )
    else:
        if not station_register_visible(user=user):
            require_roles(user, Role.ENFORCEMENT, *SERVICE_STAFF)
        qs = base.filter(
            kind__in=SERVICE_STATION_KINDS,
            host_id=getattr(user, "organisation_id", None) or -1,
        )
    if kind == SERVICE_FILTER:
        qs = qs.filter(kind__in=SERVICE_STATION_KINDS)
    elif kind:
        qs = qs.filter(kind=kind)
    return _station_counts(qs)


def station_register_visible(*, user: Any) -> bool:
    """Whether the register page has anything for ``user`` (the protection home's card)."""
    if has_role(user, Role.ENFORCEMENT, *SERVICE_STAFF):
        return True
    return bool(
        has_role(user, *SERVICE_HOSTS)
        and getattr(user, "organisation_id", None)
        and Workstation.objects.filter(
            kind__in=SERVICE_STATION_KINDS, host_id=user.organisation_id
        ).exists()
    )


def station_host_choices(*, user: Any) -> QuerySet[Organisation]:
    """Universities and institutes of the officer's region that may host a service workstation."""
    return _enforcement_scope(
        user,
        Organisation.objects.filter(
            kind__in=(OrganisationKind.UNIVERSITY, OrganisationKind.INSTITUTE)
        ).order_by("name", "id"),
    )


def station_page_get(*, user: Any, station_id: int) -> Workstation:
    """One station for its page: an enforcement officer's station (workstation_get),
    or a service workstation its host's users or its region's window and
    supervision staff may see; else NotFound."""
    if has_role(user, Role.ENFORCEMENT):
        return workstation_get(user=user, station_id=station_id)
    station = (
        _station_counts(Workstation.objects.select_related("region", "host"))
        .filter(pk=station_id)
        .first()
    )
    if station is not None and station.kind not in SERVICE_STATION_KINDS:
        require_roles(user, Role.ENFORCEMENT)  # protection stations are enforcement's
    if station is None or not station_service_reaches(user, station):
        raise NotFound()
    return station


def station_service_list(station: Workstation) -> QuerySet[StationService]:
    """A service workstation's services log, newest first (the caller has scoped it)."""
    return station.service_log.select_related("recorded_by").order_by("-date", "-id")


def service_station_services() -> QuerySet[StationService]:
    """Every service logged by university and lab service workstations (supervision
    counts them per region and month; the indicator scopes them)."""
    return StationService.objects.filter(station__kind__in=SERVICE_STATION_KINDS).select_related(
        "station", "station__region"
    )


def station_service_counts(station: Workstation) -> list[dict[str, Any]]:
    """How many services of each of the station's kinds it has logged, and the people."""
    rows: dict[str, tuple[int, int]] = {
        kind: (n, people or 0)
        for kind, n, people in station.service_log.values("kind")
        .annotate(n=Count("id"), people=Sum("participants"))
        .values_list("kind", "n", "people")
    }
    kinds = [k for k in ServiceKind.values if k in station.services or k in rows]
    return [
        {
            "kind": k,
            "label": ServiceKind(k).label,
            "count": rows.get(k, (0, 0))[0],
            "participants": rows.get(k, (0, 0))[1],
        }
        for k in kinds
    ]


def station_activity_list(station: Workstation) -> QuerySet[StationActivity]:
    """A station's activity log, newest first (the caller has scoped the station)."""
    return station.activities.all()


def workstation_map() -> dict[str, Any]:
    """Workstations per prefecture-level unit (named as in the Hubei GeoJSON), and the target."""
    prefectures = {
        r.code: r for r in Region.objects.filter(level="prefecture", path__startswith="420000/")
    }
    counts = dict.fromkeys(prefectures, 0)
    points = []
    for station in workstation_list().filter(kind__in=WORKSTATION_KINDS):
        parts = station.region.path.split("/")
        if len(parts) > 1 and parts[1] in counts:
            counts[parts[1]] += 1
        if station.region.longitude is not None:
            points.append(
                {
                    "name": station.name,
                    "value": [station.region.longitude, station.region.latitude, 1],
                    "kind": station.get_kind_display(),
                }
            )
    total = sum(counts.values())
    return {
        "target": WORKSTATION_TARGET,
        "total": total,
        "by_city": [
            {"code": c, "name": prefectures[c].name, "value": n} for c, n in sorted(counts.items())
        ],
        "points": points,
    }


def workstation_contact(station: Workstation) -> str:
    return f"{station.contact_name} {mask_phone(station.contact_phone)}".strip()


# -- assistance ---------------------------------------------------------------


def assistance_list(*, user: Any) -> QuerySet[AssistanceRequest]:
    """Protection staff and supervisors see requests in their region; an enterprise
    user its own organisation's; other staff (windows) nothing."""
    if getattr(user, "is_region_staff", False) and user.role not in (
        Role.ENFORCEMENT,
        Role.SUPERVISOR,
    ):
        return AssistanceRequest.objects.none()
    return scope_queryset(
        user,
        AssistanceRequest.objects.select_related("station", "region", "organisation"),
        organisation_field="organisation_id",
    )


def assistance_get(*, user: Any, request_id: int) -> AssistanceRequest:
    item = assistance_list(user=user).filter(pk=request_id).first()
    if item is None:
        raise NotFound()
    return item


def assistance_overdue(*, user: Any, today: Any) -> QuerySet[AssistanceRequest]:
    """Open requests past their time limit, oldest first (for the centre's follow-up)."""
    return (
        assistance_list(user=user)
        .exclude(status="closed")
        .filter(due_on__lt=today)
        .order_by("due_on")
    )


# -- fast track ----------------------------------------------------------------


def fasttrack_list(*, user: Any) -> QuerySet[FastTrackRequest]:
    """Protection staff see requests in their region; applicants their organisation's."""
    if getattr(user, "is_region_staff", False) and user.role != Role.ENFORCEMENT:
        return FastTrackRequest.objects.none()
    return scope_queryset(
        user,
        FastTrackRequest.objects.select_related("region", "organisation"),
        organisation_field="organisation_id",
    )


def flagged_group_case(group: FlaggedGroup) -> Case | None:
    """The case opened from a confirmed group, if any."""
    return Case.objects.filter(flagged_group=group).first()


def screening_run_latest() -> ScreeningRun | None:
    """The most recent screening run, for the "last screened" line on the list page."""
    return ScreeningRun.objects.first()


# Each stage's share of a run's bar (from, to), in order; the detectors' text
# fingerprints take most of a full run.
_STAGE_SPAN = {
    RunStage.LOAD: (0, 10),
    RunStage.TEXT: (10, 55),
    RunStage.VERIFY: (55, 75),
    RunStage.SIGNALS: (75, 85),
    RunStage.STORE: (85, 99),
}


def screening_run_get(*, user: Any, run_id: int) -> ScreeningRun:
    """One screening run, for enforcement staff (runs cover the whole corpus)."""
    require_roles(user, Role.ENFORCEMENT)
    run = ScreeningRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("未找到该筛查任务。")
    return run


def screening_run_progress(run: ScreeningRun) -> JobProgress:
    """A run as its page shows it: stage, records processed of total, and when it
    last moved (a run whose worker died is shown as stalled, not 进行中 forever)."""
    stage = RunStage(run.stage) if run.stage in RunStage else None
    percent = None
    if stage is not None:
        low, high = _STAGE_SPAN[stage]
        share = run.processed / run.total if run.total else 0.0
        percent = int(low + (high - low) * min(1.0, share))
    moved = run.progressed_at or run.claimed_at or run.created_at
    state = job_state(run.status, last_progress_at=moved)
    return JobProgress(
        key=f"screening-run-{run.pk}",
        title=_("%(kind)s（%(when)s 发起）")
        % {
            "kind": run.get_kind_display(),
            "when": timezone.localtime(run.created_at).strftime("%m-%d %H:%M"),
        },
        state=state,
        poll_url=reverse("protection:run_progress", args=[run.pk]),
        percent=percent,
        done=run.processed if state != JobState.DONE and stage is not None else None,
        total=run.total if state != JobState.DONE and stage is not None else None,
        stage=str(stage.label) if stage is not None and state != JobState.DONE else "",
        message=run.message,
        last_progress_at=moved,
    )
