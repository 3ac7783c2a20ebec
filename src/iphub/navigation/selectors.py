"""Reads of the navigation app.

Chains, analyses and reports describe public patent data, so any signed-in user
may read them; navigation projects are scoped like every other staff record
(staff see their region, a service base its own projects).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Organisation, OrganisationKind, Role
from iphub.core.permissions import has_role, scope_queryset, signed_in
from iphub.navigation.errors import NavigationError
from iphub.navigation.models import (
    EVIDENCE_ROLES,
    Analysis,
    AnalysisStatus,
    ChainSegment,
    HighValueCriterion,
    HighValueEvidence,
    IndustryChain,
    NavigationProject,
)
from iphub.patents.models import Patent
from iphub.patents.numbers import (
    NumberFormatError,
    normalize_application_number,
    normalize_publication_number,
)


def chain_list() -> QuerySet[IndustryChain]:
    """Every chain with its segments (one query each, whatever the number of chains)."""
    return IndustryChain.objects.prefetch_related(
        Prefetch("segments", queryset=ChainSegment.objects.order_by("position", "pk"))
    )


def chain_get(chain_id: int) -> IndustryChain:
    chain = chain_list().filter(pk=chain_id).first()
    if chain is None:
        raise NotFound("未找到该产业链。")
    return chain


def chain_latest_analyses() -> dict[int, Analysis]:
    """Each chain's newest analysis, keyed by chain id (for the list page)."""
    # Two queries whatever the history: every edit adds an analysis, so reading
    # all of them to keep the newest would grow without bound.
    newest = (
        Analysis.objects.filter(chain=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")
    )
    ids = IndustryChain.objects.annotate(latest=Subquery(newest[:1])).values_list(
        "latest", flat=True
    )
    found = Analysis.objects.defer("result").in_bulk([i for i in ids if i is not None])
    return {a.chain_id: a for a in found.values() if a.chain_id is not None}


def analysis_latest(*, chain: IndustryChain) -> Analysis | None:
    """The newest analysis of ``chain`` (whatever its state)."""
    return chain.analyses.order_by("-created_at", "-pk").first()


def analysis_latest_done(*, chain: IndustryChain) -> Analysis | None:
    return chain.analyses.filter(status=AnalysisStatus.DONE).order_by("-finished_at", "-pk").first()


def analysis_get(analysis_id: int) -> Analysis:
    job = Analysis.objects.select_related("chain").filter(pk=analysis_id).first()
    if job is None:
        raise NotFound("未找到该分析。")
    return job


def analysis_result(analysis_id: int) -> Analysis:
    """A finished analysis, for the report downloads."""
    job = analysis_get(analysis_id)
    if job.status != AnalysisStatus.DONE:
        raise ApplicationError(
            "分析尚未完成，请稍后再下载报告。", code=NavigationError.ANALYSIS_NOT_READY, status=409
        )
    return job


def evidence_list(*, patent_id: int | None = None) -> QuerySet[HighValueEvidence]:
    """Staff-recorded high-value evidence, newest first (one patent's, if given)."""
    qs = HighValueEvidence.objects.select_related("patent", "created_by").order_by(
        "-created_at", "-pk"
    )
    return qs.filter(patent_id=patent_id) if patent_id else qs


def evidence_patent(number: str) -> Patent:
    """The patent staff mean by ``number``: an application number in any form the
    patents app accepts (ZL/CN prefix, no dot, full-width) or a publication or
    grant number with or without its kind code."""
    raw = (number or "").strip()
    if not raw:
        msg = "请填写申请号或公开号。"
        raise ApplicationError(msg, fields={"number": msg})
    match = Q(pk__in=[])
    with contextlib.suppress(NumberFormatError):
        match |= Q(application_number=normalize_application_number(raw))
    try:
        base, kind = normalize_publication_number(raw)
    except NumberFormatError:
        pass
    else:
        # The records keep the number and its kind code apart (publication) or
        # together (grant), and a user may leave the kind out.
        if kind:
            match |= Q(publication_number=base, publication_kind=kind)
            match |= Q(grant_number=base + kind)
        else:
            match |= Q(publication_number=base) | Q(grant_number__startswith=base)
    patent = Patent.objects.filter(match).order_by("pk").first()
    if patent is None:
        msg = f"未找到申请号或公开号为 {number.strip()} 的专利。"
        raise ApplicationError(msg, code=NavigationError.UNKNOWN_PATENT, fields={"number": msg})
    return patent


def patent_high_value(*, patent: Patent, user: Any) -> dict[str, Any]:
    """What the patent detail page shows about the high-value indicator: the
    criteria this patent meets today, and for the staff who keep the lists the
    evidence behind the ones the records cannot show."""
    from iphub.navigation.highvalue import INVENTION_TYPES, criteria_of

    labels = dict(HighValueCriterion.choices)
    met = criteria_of([patent.pk]).get(patent.pk, [])
    staff = has_role(user, *EVIDENCE_ROLES)
    return {
        "invention": patent.patent_type in INVENTION_TYPES,
        "criteria": [{"code": c, "label": str(labels[c])} for c in met],
        "can_manage": staff,
        "evidence": list(evidence_list(patent_id=patent.pk)) if staff else [],
    }


def acts_as_service_base(user: Any) -> bool:
    """True for a service agency's account: it registers and sees its own base's
    projects (staff register them for any base and see their region's)."""
    return signed_in(user) and user.role == Role.AGENCY


def project_form_choices(*, user: Any) -> dict[str, QuerySet[Organisation]]:
    """The organisations the project form offers: clients (staff: those in their
    region; a service base: every registered organisation, since its clients come
    from the whole province) and service bases (agencies, for staff to choose)."""
    orgs = Organisation.objects.select_related("region").order_by("name")
    clients = orgs if acts_as_service_base(user) else scope_queryset(user, orgs)
    bases = scope_queryset(user, orgs.filter(kind=OrganisationKind.AGENCY))
    if acts_as_service_base(user):
        bases = orgs.none()
    return {"clients": clients[:500], "bases": bases}


def project_list(*, user: Any) -> QuerySet[NavigationProject]:
    """The projects ``user`` may see: staff their region's, a service base its own."""
    qs = NavigationProject.objects.select_related("client", "service_base", "chain", "region")
    if acts_as_service_base(user):
        return (
            qs.filter(service_base_id=user.organisation_id) if user.organisation_id else qs.none()
        )
    return scope_queryset(user, qs)


def project_get(*, user: Any, project_id: int) -> NavigationProject:
    """One project ``user`` may see (anything else is "not found", not "forbidden")."""
    project = project_list(user=user).filter(pk=project_id).first()
    if project is None:
        raise NotFound("未找到该导航项目。")
    return project


def project_counts(*, user: Any) -> list[dict[str, Any]]:
    """Projects per region and month, for the supervision indicators."""
    rows = (
        project_list(user=user)
        .annotate(month=TruncMonth("started_on"))
        .values("region__code", "region__name", "month")
        .annotate(n=Count("id"))
        .order_by("month", "region__code")
    )
    return [
        {
            "region": r["region__code"],
            "region_name": r["region__name"],
            "month": r["month"].strftime("%Y-%m"),
            "count": r["n"],
        }
        for r in rows
    ]
