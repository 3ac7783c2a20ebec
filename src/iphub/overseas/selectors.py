"""Every read of overseas dispute response. Cases are region-scoped through
``core.permissions`` (staff: their region; an enterprise: its own; outside: 404);
the expert pool and watches are the province's, read by staff; the warning inbox
is the organisation's own."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from iphub.core.errors import NotFound
from iphub.core.models import Organisation
from iphub.core.permissions import has_role, region_path_of, scope_queryset
from iphub.overseas import workflow
from iphub.overseas.countries import COUNTRIES, country_name
from iphub.overseas.models import (
    CaseExpert,
    CaseState,
    DisputeCase,
    EarlyWarning,
    Expert,
    ExpertConflict,
    WarningNotice,
    Watch,
    WatchKind,
    WatchSubscription,
)


def case_list(*, user: Any, state: str = "", country: str = "") -> QuerySet[DisputeCase]:
    """Cases the user may see: staff of their region, an enterprise its own."""
    qs = DisputeCase.objects.select_related("organisation", "region")
    if region_path_of(user) is not None:
        if not has_role(user, *workflow.STAFF_ROLES):
            return qs.none()
        qs = scope_queryset(user, qs)
    else:
        qs = scope_queryset(user, qs, organisation_field="organisation")
    if state:
        qs = qs.filter(state=state)
    if country:
        qs = qs.filter(country=country)
    return qs.order_by("-created_at", "-id")


def case_get(*, user: Any, case_id: int) -> DisputeCase:
    """One case the user may see (else 404), with its guidance and experts."""
    case = (
        case_list(user=user)
        .prefetch_related(
            "guidance",
            Prefetch("experts", queryset=CaseExpert.objects.select_related("expert")),
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("未找到该案件。")
    return case


@dataclass(frozen=True)
class ExpertChoice:
    expert: Expert
    conflict: str  # the declared party it conflicts with on this case, "" if none


def expert_choices(*, case: DisputeCase) -> list[ExpertChoice]:
    """Active experts not yet on the case, each with the conflict that bars them
    (shown, and refused by the service if chosen anyway); the free ones first, so
    the menu never opens on a barred expert."""
    from iphub.patents.names import applicant_key

    keys = {case.opposing_key, applicant_key(case.organisation.name)[:200]} - {""}
    barred = dict(
        ExpertConflict.objects.filter(party_key__in=keys).values_list("expert_id", "party_name")
    )
    taken = set(case.experts.values_list("expert_id", flat=True))
    experts = Expert.objects.filter(active=True).exclude(pk__in=taken).order_by("name")
    choices = [ExpertChoice(e, barred.get(e.pk, "")) for e in experts]
    return sorted(choices, key=lambda c: bool(c.conflict))


def expert_list(*, user: Any) -> QuerySet[Expert]:
    """The pool, for staff (enforcement/protection, supervisors) of any region."""
    if not has_role(user, *workflow.STAFF_ROLES):
        return Expert.objects.none()
    qs = Expert.objects.prefetch_related("conflicts").annotate(
        cases=Count("assignments", distinct=True)
    )
    return qs.order_by("name")


def expert_get(*, user: Any, expert_id: int) -> Expert:
    expert = expert_list(user=user).filter(pk=expert_id).first()
    if expert is None:
        raise NotFound("未找到该专家。")
    return expert


def watch_list(*, user: Any) -> QuerySet[Watch]:
    """Active watches with their warning and subscriber counts: staff see them all,
    enterprises too (to subscribe); visitors none."""
    if not (has_role(user, *workflow.STAFF_ROLES) or has_role(user, *workflow.APPLICANT_ROLES)):
        return Watch.objects.none()
    return (
        Watch.objects.filter(active=True)
        .annotate(
            warning_count=Count("warnings", distinct=True),
            subscriber_count=Count("subscriptions", distinct=True),
        )
        .order_by("kind", "country", "competitor")
    )


def subscribed_watch_ids(*, user: Any) -> set[int]:
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return set()
    return set(
        WatchSubscription.objects.filter(organisation_id=user.organisation_id).values_list(
            "watch_id", flat=True
        )
    )


def warning_inbox(*, user: Any) -> QuerySet[WarningNotice]:
    """The warnings delivered to the user's organisation, newest first."""
    if not has_role(user, *workflow.APPLICANT_ROLES) or user.organisation_id is None:
        return WarningNotice.objects.none()
    return (
        WarningNotice.objects.filter(organisation_id=user.organisation_id)
        .select_related("warning__watch")
        .order_by("-created_at", "-id")
    )


def warning_list(*, user: Any) -> QuerySet[EarlyWarning]:
    """Every warning raised (staff), newest first."""
    if not has_role(user, *workflow.STAFF_ROLES):
        return EarlyWarning.objects.none()
    return (
        EarlyWarning.objects.select_related("watch")
        .annotate(delivered=Count("notices"))
        .order_by("-created_at", "-id")
    )


def case_organisations(*, user: Any) -> QuerySet[Organisation]:
    """Enterprises staff may open a case for (their region's)."""
    if not has_role(user, *workflow.STAFF_ROLES):
        return Organisation.objects.none()
    return scope_queryset(user, Organisation.objects.filter(kind="enterprise")).order_by("name")


@dataclass
class CountryFigures:
    code: str
    name: str
    cases: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    open_cases: int = 0
    warnings: int = 0
    experts: int = 0


def country_figures(*, user: Any) -> list[CountryFigures]:
    """Per country: the user's visible cases (all, by kind, still open), warnings
    of that country's watches, and pool experts who work there. Countries with
    nothing are left out."""
    rows = {code: CountryFigures(code, country_name(code)) for code in COUNTRIES}
    for country, kind, state in case_list(user=user).values_list("country", "kind", "state"):
        if country in rows:
            r = rows[country]
            r.cases += 1
            r.by_kind[kind] += 1
            r.open_cases += state in (CaseState.OPEN, CaseState.HANDLING)
    if has_role(user, *workflow.STAFF_ROLES):
        warned = (
            EarlyWarning.objects.filter(watch__kind=WatchKind.COUNTRY)
            .values_list("watch__country")
            .annotate(n=Count("id"))
        )
        for country, n in warned:
            if country in rows:
                rows[country].warnings = n
        for countries in Expert.objects.filter(active=True).values_list("countries", flat=True):
            for c in set(countries or []):
                if c in rows:
                    rows[c].experts += 1
    return [r for r in rows.values() if r.cases or r.warnings or r.experts]
