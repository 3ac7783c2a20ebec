"""Reads of the navigation app.

Chains, analyses and reports describe public patent data, so any signed-in user
may read them; navigation projects are scoped like every other staff record
(staff see their region, a service base its own projects).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncMonth

from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Role
from iphub.core.permissions import scope_queryset
from iphub.navigation.errors import NavigationError
from iphub.navigation.models import (
    Analysis,
    AnalysisStatus,
    ChainSegment,
    HighValueEvidence,
    IndustryChain,
    NavigationProject,
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
    latest: dict[int, Analysis] = {}
    for a in Analysis.objects.exclude(chain=None).defer("result").order_by("-created_at", "-pk"):
        assert a.chain_id is not None
        latest.setdefault(a.chain_id, a)
    return latest


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
    qs = HighValueEvidence.objects.select_related("patent", "created_by").order_by("-created_at")
    return qs.filter(patent_id=patent_id) if patent_id else qs


def project_list(*, user: Any) -> QuerySet[NavigationProject]:
    """The projects ``user`` may see: staff their region's, a service base its own."""
    qs = NavigationProject.objects.select_related("client", "service_base", "chain", "region")
    if user.is_authenticated and user.role == Role.AGENCY:
        return (
            qs.filter(service_base_id=user.organisation_id) if user.organisation_id else qs.none()
        )
    return scope_queryset(user, qs)


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
