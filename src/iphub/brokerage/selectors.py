"""Reads of the brokerage app. A push is seen by the organisation it reached and
by the holder that pushed it (never who muted: muted firms are not ranked);
brokers and their funnel by window staff and supervisors of their region; calls
are public once published, their proposals seen by the caller, the proposer
and staff of the region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from iphub.brokerage import workflow
from iphub.brokerage.models import (
    Assignment,
    Broker,
    BrokerStatus,
    Call,
    CallState,
    ContactLog,
    ContactOutcome,
    Proposal,
    Push,
    PushAnswer,
    PushPreference,
    PushRun,
    RunStatus,
)
from iphub.brokerage.ranking import explain
from iphub.core.errors import NotFound
from iphub.core.jobs import JobProgress, JobState, job_state
from iphub.core.models import Role
from iphub.core.permissions import has_role, in_region, require_roles, scope_queryset
from iphub.transfer.access import STAFF_ROLES, is_member
from iphub.transfer.models import (
    Match,
    MatchStage,
    NeedStatus,
    SupplyListing,
    TechnologyNeed,
)

# -- pushes ---------------------------------------------------------------------------


def push_inbox(*, user: Any) -> QuerySet[Push]:
    """Patents pushed to the user's organisation, newest first."""
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return Push.objects.none()
    return Push.objects.filter(organisation_id=user.organisation_id).select_related(
        "patent", "holder", "listing"
    )


def push_get(*, user: Any, push_id: int) -> Push:
    """One push, for the organisation it reached."""
    push = (
        Push.objects.select_related("patent", "holder", "listing", "need", "match")
        .filter(pk=push_id)
        .first()
    )
    if push is None or not is_member(user, push.organisation_id):
        raise NotFound("未找到该推送。")
    return push


def push_reasons(push: Push) -> list[str]:
    """Why the patent was pushed, in sentences."""
    return explain(push.reasons)


def pushes_muted(*, user: Any) -> bool:
    """Has the user's organisation muted pushes?"""
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return False
    return PushPreference.objects.filter(organisation_id=user.organisation_id, muted=True).exists()


def open_needs_of(*, user: Any) -> QuerySet[TechnologyNeed]:
    """The user's organisation's open needs (to answer a push with)."""
    return TechnologyNeed.objects.filter(
        organisation_id=user.organisation_id, status=NeedStatus.OPEN
    ).order_by("-confirmed_at")


def holder_listings(*, user: Any) -> QuerySet[SupplyListing]:
    """The user's organisation's listings, with how many organisations each reached."""
    if not is_member(user, getattr(user, "organisation_id", None)):
        return SupplyListing.objects.none()
    return SupplyListing.objects.filter(organisation_id=user.organisation_id).order_by(
        "-created_at"
    )


def listing_for_holder(*, user: Any, listing_id: int) -> SupplyListing:
    """A listing of the user's own organisation."""
    listing = SupplyListing.objects.select_related("region").filter(pk=listing_id).first()
    if listing is None or not is_member(user, listing.organisation_id):
        raise NotFound("未找到该挂牌。")
    return listing


def holder_pushes(*, user: Any, listing: SupplyListing | None = None) -> QuerySet[Push]:
    """What the user's organisation pushed (of one listing, or of its portfolio)."""
    if not is_member(user, getattr(user, "organisation_id", None)):
        return Push.objects.none()
    qs = Push.objects.filter(holder_id=user.organisation_id)
    qs = qs.filter(listing=listing) if listing is not None else qs.filter(listing__isnull=True)
    return qs.select_related("organisation__region", "patent", "match").order_by(
        "patent_id", "-score"
    )


@dataclass
class PushSummary:
    reached: int
    opened: int
    answered: int
    interested: int


def push_summary(pushes: QuerySet[Push]) -> PushSummary:
    """Organisations reached, opened, answered and interested (one query)."""
    row = pushes.aggregate(
        reached=Count("organisation", distinct=True),
        opened=Count("organisation", filter=Q(opened_at__isnull=False), distinct=True),
        answered=Count("organisation", filter=~Q(answer=""), distinct=True),
        interested=Count("organisation", filter=Q(answer=PushAnswer.INTERESTED), distinct=True),
    )
    return PushSummary(**row)


def push_run_latest(*, user: Any, listing: SupplyListing | None = None) -> PushRun | None:
    """The latest run of the user's organisation (of a listing, or of its portfolio)."""
    qs = PushRun.objects.filter(holder_id=getattr(user, "organisation_id", None))
    qs = qs.filter(listing=listing) if listing is not None else qs.filter(listing__isnull=True)
    return qs.order_by("-created_at", "-id").first()


def push_run_get(*, user: Any, run_id: int) -> PushRun:
    run = PushRun.objects.filter(pk=run_id).first()
    if run is None or not is_member(user, run.holder_id):
        raise NotFound("未找到该推送任务。")
    return run


def push_run_progress(run: PushRun) -> JobProgress:
    """Where a run stands, for the progress partial its page polls."""
    state = job_state(run.status, last_progress_at=run.progressed_at)
    percent = round(100 * run.done / run.total) if run.total else None
    return JobProgress(
        key=f"push-run-{run.pk}",
        title=_("推送给企业"),
        state=state,
        state_text=str(RunStatus.RUNNING.label) if state == JobState.RUNNING else "",
        poll_url=reverse("brokerage:run_progress", args=[run.pk]),
        percent=percent,
        done=run.done if run.total else None,
        total=run.total or None,
        message=run.message,
        last_progress_at=run.progressed_at,
    )


# -- brokers ---------------------------------------------------------------------------


def is_broker_staff(user: Any) -> bool:
    return has_role(user, Role.WINDOW)


def broker_list(*, user: Any) -> QuerySet[Broker]:
    """Staff (window, supervisors) see every broker of their region; others see
    the verified ones with a valid certificate (to choose one)."""
    qs = Broker.objects.select_related("region", "user__organisation")
    if has_role(user, *STAFF_ROLES):
        return scope_queryset(user, qs, region_path_field="region__path")
    return qs.filter(status=BrokerStatus.VERIFIED, valid_until__gte=timezone.localdate())


def broker_choices() -> QuerySet[Broker]:
    """Brokers that may take an assignment now."""
    return Broker.objects.filter(
        status=BrokerStatus.VERIFIED, valid_until__gte=timezone.localdate()
    ).order_by("name")


def broker_of(*, user: Any) -> Broker | None:
    if user is None or not user.is_authenticated:
        return None
    return Broker.objects.filter(user=user).first()


def _assignment_qs() -> QuerySet[Assignment]:
    return Assignment.objects.select_related(
        "broker", "region", "match__need", "match__patent", "call"
    ).prefetch_related(Prefetch("logs", queryset=ContactLog.objects.order_by("-date", "-id")))


def broker_assignments(*, user: Any) -> QuerySet[Assignment]:
    """The assignments of the user as a broker."""
    if user is None or not user.is_authenticated:
        return Assignment.objects.none()
    return _assignment_qs().filter(broker__user_id=user.pk)


def assignment_get(*, user: Any, assignment_id: int) -> Assignment:
    """One assignment: for its broker, staff of its region and the parties."""
    a = _assignment_qs().filter(pk=assignment_id).first()
    if a is None:
        raise NotFound("未找到该指派。")
    if a.broker.user_id == getattr(user, "pk", None):
        return a
    if has_role(user, *STAFF_ROLES) and in_region(user, a.region):
        return a
    if a.match is not None:
        from iphub.brokerage.services.brokers import match_owners

        if any(is_member(user, o) for o in match_owners(a.match)):
            return a
    if a.call is not None and is_member(user, a.call.organisation_id):
        return a
    raise NotFound("未找到该指派。")


# How far an assignment got: the furthest of its contact log and of the match or
# call itself (a match the parties moved on, an awarded call).
STEP_OF_OUTCOME = {
    ContactOutcome.CONTACTED: 1,
    ContactOutcome.NO_DEAL: 1,
    ContactOutcome.NEGOTIATING: 2,
    ContactOutcome.DEAL: 3,
}
STEP_OF_MATCH = {MatchStage.CONTACTED: 1, MatchStage.NEGOTIATING: 2, MatchStage.DEAL: 3}
FUNNEL_STEPS = ("assigned", "contacted", "negotiating", "deal")


def assignment_step(a: Assignment) -> int:
    """0 assigned, 1 contacted, 2 negotiating, 3 deal."""
    step = max((STEP_OF_OUTCOME[ContactOutcome(log.outcome)] for log in a.logs.all()), default=0)
    if a.match is not None:
        step = max(step, STEP_OF_MATCH.get(MatchStage(a.match.stage), 0))
    if a.call is not None and a.call.state == CallState.AWARDED:
        step = 3
    return step


@dataclass
class BrokerFunnel:
    broker: Broker
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def row(self) -> list[int]:
        return [self.counts[s] for s in FUNNEL_STEPS]


def broker_funnel(*, user: Any) -> list[BrokerFunnel]:
    """Per broker of the staff user's region: assignments, and how many reached
    contact, negotiation and a deal (a later step counts in every earlier one)."""
    require_roles(user, *STAFF_ROLES)
    brokers = list(broker_list(user=user).order_by("name", "id"))
    rows = {b.pk: BrokerFunnel(b, dict.fromkeys(FUNNEL_STEPS, 0)) for b in brokers}
    for a in _assignment_qs().filter(broker_id__in=list(rows)):
        step = assignment_step(a)
        for i, name in enumerate(FUNNEL_STEPS):
            if step >= i:
                rows[a.broker_id].counts[name] += 1
    return list(rows.values())


def funnel_headers() -> list[str]:
    return [_("技术经理人"), _("发证机构"), _("已指派"), _("已联系"), _("洽谈中"), _("已成交")]


def assignable_matches(*, user: Any) -> QuerySet[Match]:
    """Matches the user may hand to a broker: staff, their region's progressing
    matches; an organisation, its own needs' matches that are in progress."""
    qs = Match.objects.select_related("need", "patent").filter(
        stage__in=(MatchStage.MATCHED, MatchStage.CONTACTED, MatchStage.NEGOTIATING)
    )
    if has_role(user, Role.WINDOW):
        qs = scope_queryset(user, qs, region_path_field="need__region__path")
    elif is_member(user, getattr(user, "organisation_id", None)):
        qs = qs.filter(need__organisation_id=user.organisation_id)
    else:
        return Match.objects.none()
    return qs.order_by("-updated_at")[:200]  # type: ignore[return-value]


# -- calls ---------------------------------------------------------------------------


def call_hall() -> QuerySet[Call]:
    """Published calls (open first, then awarded), for everyone."""
    return (
        Call.objects.filter(state__in=(CallState.OPEN, CallState.AWARDED))
        .select_related("organisation", "region")
        .annotate(n_proposals=Count("proposals"))
        .order_by("state", "deadline", "-id")
    )


def calls_mine(*, user: Any) -> QuerySet[Call]:
    """The calls of the user's organisation, drafts included."""
    if not is_member(user, getattr(user, "organisation_id", None)):
        return Call.objects.none()
    return (
        Call.objects.filter(organisation_id=user.organisation_id)
        .select_related("region")
        .annotate(n_proposals=Count("proposals"))
    )


def call_get(*, user: Any, call_id: int) -> Call:
    """A call: published ones for everyone; drafts for the caller and staff."""
    call = (
        Call.objects.select_related("organisation", "region", "deal", "need")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        raise NotFound("未找到该榜单。")
    if call.state == CallState.DRAFT and not workflow.parties_of(user, call) - {"proposer"}:
        raise NotFound("未找到该榜单。")
    return call


def call_proposals(*, user: Any, call: Call) -> QuerySet[Proposal]:
    """The proposals a user may read: all for the caller and staff, its own for a proposer."""
    qs = call.proposals.select_related("organisation").prefetch_related("patents", "files")
    parties = workflow.parties_of(user, call)
    if parties & {"caller", "staff"} or (
        has_role(user, Role.SUPERVISOR) and in_region(user, call.region)
    ):
        return qs
    if is_member(user, getattr(user, "organisation_id", None)):
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def proposal_file_get(*, user: Any, file_id: int) -> Any:
    from iphub.brokerage.models import ProposalFile

    f = ProposalFile.objects.select_related("proposal__call__region").filter(pk=file_id).first()
    if (
        f is None
        or not call_proposals(user=user, call=f.proposal.call).filter(pk=f.proposal_id).exists()
    ):
        raise NotFound("未找到该附件。")
    return f


def proposals_mine(*, user: Any) -> QuerySet[Proposal]:
    if not is_member(user, getattr(user, "organisation_id", None)):
        return Proposal.objects.none()
    return Proposal.objects.filter(organisation_id=user.organisation_id).select_related("call")


def today() -> dt.date:
    return timezone.localdate()
