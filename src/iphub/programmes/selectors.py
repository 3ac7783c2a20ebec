"""Reads of the programmes app: programmes (public), applications (region- or
organisation-scoped; outside one's scope an application is "not found"), review
queues, memberships, the applicant's inbox, the figures the platform's records
give an organisation, and the export's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Organisation
from iphub.core.permissions import (
    has_role,
    is_province,
    region_path_of,
    require_login,
    require_roles,
    scope_queryset,
)
from iphub.filings.checks import ENDED_WORDS, ENDING_EVENTS, patent_expiry
from iphub.patents.models import LegalEvent, LegalEventKind, PartyRole, Patent, PatentParty
from iphub.patents.names import applicant_key
from iphub.patents.numbers import NumberFormatError
from iphub.programmes import workflow
from iphub.programmes.models import (
    ApplicationState,
    IndicatorReport,
    Membership,
    Programme,
    ProgrammeApplication,
    ProgrammeNotice,
)

# The figures an application form is pre-filled with, in the order the form shows them.
RECORD_FIELDS: tuple[tuple[str, str], ...] = (
    ("patents", "专利总数（件）"),
    ("inventions", "发明专利（件）"),
    ("utility_models", "实用新型（件）"),
    ("designs", "外观设计（件）"),
    ("inventions_in_force", "有效发明专利（件）"),
    ("pending", "审查中的申请（件）"),
    ("pledged", "办理过质押的专利（件）"),
    ("licensed", "许可备案的专利（件）"),
    ("transferred", "转让过的专利（件）"),
)
_TYPE_FIELD = {
    "invention": "inventions",
    "pct_invention": "inventions",
    "utility": "utility_models",
    "pct_utility": "utility_models",
    "design": "designs",
}


def today() -> dt.date:
    return timezone.now().astimezone(LOCAL_TZ).date()


# --------------------------------------------------------------------- programmes


def programme_list() -> QuerySet[Programme]:
    """Every programme (public), newest year first, with how many were approved."""
    return Programme.objects.annotate(
        approved=Count("applications", filter=Q(applications__state=ApplicationState.APPROVED))
    ).order_by("-year", "-opens_on", "-id")


def programme_get(programme_id: int) -> Programme:
    """One programme (public), with its approved count; NotFound if there is none."""
    programme = programme_list().filter(pk=programme_id).first()
    if programme is None:
        raise NotFound("未找到该培育项目。")
    return programme


def window_open(programme: Programme, on: dt.date | None = None) -> bool:
    """True while the programme takes applications (both dates included)."""
    day = on or today()
    return programme.opens_on <= day <= programme.closes_on


def can_define_programmes(user: Any) -> bool:
    """Province staff (window or supervisor) define programmes."""
    return has_role(user, *workflow.REVIEW_ROLES) and is_province(user)


# --------------------------------------------------------------------- applications


def _scoped(user: Any) -> QuerySet[ProgrammeApplication]:
    require_login(user)
    qs = ProgrammeApplication.objects.select_related("programme", "organisation", "region")
    return scope_queryset(user, qs, organisation_field="organisation_id")


def application_list(
    *, user: Any, programme_id: int | None = None, state: str = ""
) -> QuerySet[ProgrammeApplication]:
    """Applications ``user`` may see (staff: their region's; applicants: their own)."""
    qs = _scoped(user)
    if programme_id is not None:
        qs = qs.filter(programme_id=programme_id)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-submitted_at", "-id")


def application_queue(*, user: Any) -> QuerySet[ProgrammeApplication]:
    """What waits on ``user``'s review, most urgent first: a city's staff the
    submitted applications of their city, the province's the recommended ones;
    empty for anyone else (a county's staff review nothing here)."""
    require_roles(user, *workflow.REVIEW_ROLES)
    scope = region_path_of(user)
    if is_province(user):
        state = ApplicationState.RECOMMENDED
    elif scope and scope.count("/") == 1:
        state = ApplicationState.SUBMITTED
    else:
        return ProgrammeApplication.objects.none()
    return _scoped(user).filter(state=state).order_by("due_at", "id")


def application_get(*, user: Any, application_id: int) -> ProgrammeApplication:
    """One application with its evidence and history, if ``user`` may see it."""
    app = (
        _scoped(user)
        .select_related("region__parent", "applicant")
        .prefetch_related("evidence", "events")
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise NotFound("未找到该申报。")
    return app


def my_applications(*, user: Any) -> QuerySet[ProgrammeApplication]:
    """The applications of the user's own organisation (applicants' page)."""
    require_login(user)
    if user.organisation_id is None:
        raise ApplicationError("账号未关联单位，不能申报培育项目。", status=403)
    return (
        ProgrammeApplication.objects.filter(organisation_id=user.organisation_id)
        .select_related("programme")
        .order_by("-submitted_at", "-id")
    )


def criterion_rows(app: ProgrammeApplication) -> list[dict[str, Any]]:
    """Each criterion with the evidence filed for it and both levels' scores."""
    files: dict[str, list[Any]] = {}
    for e in app.evidence.all():
        files.setdefault(e.criterion, []).append(e)
    return [
        {
            **c,
            "files": files.get(c["key"], []),
            "city": app.city_scores.get(c["key"]),
            "province": app.province_scores.get(c["key"]),
        }
        for c in app.programme.criteria
    ]


def figure_rows(app: ProgrammeApplication) -> list[dict[str, Any]]:
    """Declared figures beside the platform's records, flagged where the declared
    figure is above what the records show (a reviewer asks for proof)."""
    rows = []
    for key, label in RECORD_FIELDS:
        declared, recorded = app.declared.get(key), app.records.get(key)
        above = declared is not None and recorded is not None and declared > recorded
        rows.append({"label": label, "declared": declared, "recorded": recorded, "above": above})
    return rows


# --------------------------------------------------------------------- records


@dataclass(frozen=True)
class OrganisationRecords:
    """What the platform's records say about an organisation's patents."""

    figures: dict[str, int]

    def rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.figures.get(key, 0)) for key, label in RECORD_FIELDS]


def organisation_records(
    organisation: Organisation, *, on: dt.date | None = None
) -> OrganisationRecords:
    """Patent counts by type and status, in-force inventions, and patents pledged,
    licensed or transferred, for the patents whose applicant of record is the
    organisation (by its name's grouping key, or linked to it)."""
    day = on or today()
    key = applicant_key(organisation.name)
    ids = (
        PatentParty.objects.filter(role=PartyRole.APPLICANT)
        .filter(Q(key=key) | Q(organisation_id=organisation.pk))
        .values("patent_id")
    )
    patents = list(
        Patent.objects.filter(pk__in=ids).only(
            "id",
            "patent_type",
            "app_date",
            "grant_date",
            "grant_number",
            "legal_status",
            "application_number",
        )
    )
    events: dict[int, set[str]] = {}
    for pid, kind in LegalEvent.objects.filter(patent_id__in=[p.pk for p in patents]).values_list(
        "patent_id", "kind"
    ):
        events.setdefault(pid, set()).add(kind)
    figures = dict.fromkeys((k for k, _ in RECORD_FIELDS), 0)
    for p in patents:
        kinds = events.get(p.pk, set())
        figures["patents"] += 1
        if p.patent_type in _TYPE_FIELD:
            figures[_TYPE_FIELD[p.patent_type]] += 1
        status = p.legal_status or ""
        try:
            expiry = patent_expiry(p)
        except NumberFormatError:  # no type and no number on record: term unknown
            expiry = None
        ended = (
            bool(kinds & set(ENDING_EVENTS))
            or any(w in status for w in ENDED_WORDS)
            or (expiry is not None and expiry < day)
        )
        granted = (
            p.grant_date is not None
            or bool(p.grant_number)
            or LegalEventKind.GRANTED in kinds
            or "授权" in status
            or "有效" in status
        )
        if granted and not ended and _TYPE_FIELD.get(p.patent_type) == "inventions":
            figures["inventions_in_force"] += 1
        if not granted and not ended:
            figures["pending"] += 1
        figures["pledged"] += LegalEventKind.PLEDGED in kinds
        figures["licensed"] += LegalEventKind.LICENSED in kinds
        figures["transferred"] += LegalEventKind.TRANSFERRED in kinds
    return OrganisationRecords(figures)


# --------------------------------------------------------------------- members, inbox


def membership_list(
    *, user: Any, programme_id: int | None = None, active_only: bool = False
) -> QuerySet[Membership]:
    """Memberships ``user`` may see (staff: their region's; members: their own)."""
    require_login(user)
    qs = scope_queryset(
        user,
        Membership.objects.select_related("organisation", "region", "programme"),
        organisation_field="organisation_id",
    )
    if programme_id is not None:
        qs = qs.filter(programme_id=programme_id)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("-valid_from", "-id")


def membership_get(*, user: Any, membership_id: int) -> Membership:
    """One membership in ``user``'s scope, else NotFound."""
    m = membership_list(user=user).filter(pk=membership_id).first()
    if m is None:
        raise NotFound("未找到该成员资格。")
    return m


def organisation_memberships(organisation: Organisation) -> QuerySet[Membership]:
    """Every membership of ``organisation``, current and ended, newest period first,
    with its programme (the enterprise profile reads these; its caller has already
    decided who may see which form)."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("programme")
        .order_by("-valid_from", "-id")
    )


def report_list(membership: Membership) -> QuerySet[IndicatorReport]:
    """A member's yearly figures, newest year first (the caller scoped the membership)."""
    return membership.reports.order_by("-year")


def notice_list(*, user: Any, limit: int = 20) -> list[ProgrammeNotice]:
    """The user's programme messages, newest first."""
    require_login(user)
    return list(ProgrammeNotice.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


# --------------------------------------------------------------------- export


EXPORT_COLUMNS_HEAD = ["申报编号", "申报单位", "所在地区", "状态", "续期", "提交时间"]


def export_table(*, user: Any, programme: Programme) -> tuple[list[str], Iterator[list[Any]]]:
    """The programme's applications in ``user``'s scope with each criterion's city
    and province score and both totals: headers and rows (staff only)."""
    require_roles(user, *workflow.REVIEW_ROLES)
    criteria = programme.criteria
    headers = [
        *EXPORT_COLUMNS_HEAD,
        *(f"{c['name']}（市级）" for c in criteria),
        "市级得分",
        *(f"{c['name']}（省级）" for c in criteria),
        "省级得分",
        "未通过理由",
    ]
    qs = application_list(user=user, programme_id=programme.pk).order_by("id")

    def rows() -> Iterator[list[Any]]:
        for a in qs:
            yield [
                a.reference,
                a.organisation.name,
                a.region.name,
                a.get_state_display(),
                "是" if a.renewal else "否",
                timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M"),
                *(a.city_scores.get(c["key"], "") for c in criteria),
                a.city_total if a.city_total is not None else "",
                *(a.province_scores.get(c["key"], "") for c in criteria),
                a.province_total if a.province_total is not None else "",
                a.reject_reason,
            ]

    return headers, rows()


def apply_status(user: Any, programme: Programme) -> tuple[bool, str]:
    """Whether ``user`` may apply to ``programme`` now, and if not, why (shown
    instead of the button; the service checks the same again)."""
    if not has_role(user, *workflow.APPLICANT_ROLES) or user.organisation_id is None:
        return False, "企业、高校等单位的用户登录后可在线申报。"
    if not window_open(programme):
        return False, (
            f"申报时间为 {programme.opens_on:%Y-%m-%d} 至 {programme.closes_on:%Y-%m-%d}。"
        )
    if user.organisation.kind not in programme.eligible_kinds:
        return False, "本单位的类型不在该项目的申报范围内。"
    if ProgrammeApplication.objects.filter(
        programme=programme, organisation_id=user.organisation_id
    ).exists():
        return False, "本单位已申报该项目，请在“我的申报”中查看进度。"
    return True, ""


def member_list_public(programme: Programme) -> QuerySet[Membership]:
    """The organisations a programme approved (the public announcement, 公示)."""
    return (
        Membership.objects.filter(programme=programme)
        .select_related("organisation", "region")
        .order_by("region__code", "organisation__name")
    )
