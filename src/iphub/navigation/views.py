"""Thin pages of the navigation app: chains, their reports, projects."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iphub.core.errors import ApplicationError
from iphub.core.permissions import has_role
from iphub.navigation import selectors, services
from iphub.navigation.models import (
    EVIDENCE_CRITERIA,
    EVIDENCE_ROLES,
    Analysis,
    ChainStage,
    HighValueCriterion,
    ProjectType,
)
from iphub.navigation.pdf import report_pdf
from iphub.navigation.reports import report_tables, write_report_xlsx


def _can_edit(user: Any) -> bool:
    return has_role(user, *services.EDIT_ROLES)


def _keeps_evidence(user: Any) -> bool:
    return has_role(user, *EVIDENCE_ROLES)


@login_required
def chain_list(request: HttpRequest) -> HttpResponseBase:
    latest = selectors.chain_latest_analyses()
    rows = [(c, latest.get(c.pk)) for c in selectors.chain_list()]
    return render(
        request,
        "navigation/chain_list.html",
        {"rows": rows, "keeps_evidence": _keeps_evidence(request.user)},
    )


@login_required
def chain_detail(request: HttpRequest, chain_id: int) -> HttpResponseBase:
    chain = selectors.chain_get(chain_id)
    current = selectors.analysis_latest(chain=chain)
    done = selectors.analysis_latest_done(chain=chain)
    context: dict[str, Any] = {
        "chain": chain,
        "current": current,
        "done": done,
        "can_edit": services.chain_can_edit(actor=request.user, chain=chain),
    }
    if done is not None:
        context["tables"] = report_tables(done.result)
        context["result"] = done.result
    return render(request, "navigation/chain_detail.html", context)


@login_required
def chain_edit(request: HttpRequest, chain_id: int) -> HttpResponseBase:
    chain = selectors.chain_get(chain_id)
    if not services.chain_can_edit(actor=request.user, chain=chain):
        return render(
            request,
            "portal/error.html",
            {"message": "重点产业链由省级管理部门维护，仅省级监管人员可以修改。"},
            status=403,
        )
    errors: dict[str, str] = {}
    segments = [{"stage": s.stage, "name": s.name, "query": s.query} for s in chain.segments.all()]
    if request.method == "POST":
        posted = []
        for i in range(int(request.POST.get("segment_count", "0") or 0) + 1):
            seg = {
                k: request.POST.get(f"seg-{i}-{k}", "").strip() for k in ("stage", "name", "query")
            }
            if seg["name"] or seg["query"]:
                posted.append(seg)
        segments = posted
        try:
            services.chain_update(
                actor=request.user,
                chain=chain,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                query=request.POST.get("query", ""),
                segments=posted,
            )
        except ApplicationError as exc:
            errors = {**exc.fields, "form": exc.message}
        else:
            messages.success(request, "产业链已保存，正在重新分析。")
            return redirect("navigation:chain", chain_id=chain.pk)
    return render(
        request,
        "navigation/chain_edit.html",
        {
            "chain": chain,
            "segments": [*segments, {"stage": "", "name": "", "query": ""}],
            "segment_count": len(segments),
            "stages": ChainStage.choices,
            "errors": errors,
            "values": request.POST if request.method == "POST" else None,
        },
    )


@login_required
@require_POST
def analysis_run(request: HttpRequest, chain_id: int) -> HttpResponseBase:
    chain = selectors.chain_get(chain_id)
    services.analysis_request(actor=request.user, chain=chain)
    messages.success(request, "已开始分析，完成后页面自动刷新。")
    return redirect("navigation:chain", chain_id=chain_id)


@login_required
def analysis_progress(request: HttpRequest, analysis_id: int) -> HttpResponseBase:
    job = selectors.analysis_get(analysis_id)
    response = render(request, "navigation/_progress.html", {"job": job})
    if job.status == "done" and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the finished report replaces the old one
    return response


def _report_name(job: Analysis, ext: str) -> str:
    return f"专利导航报告-{job.title}-{job.finished_at:%Y%m%d}.{ext}"


@login_required
def report_xlsx(request: HttpRequest, analysis_id: int) -> HttpResponseBase:
    job = selectors.analysis_result(analysis_id)
    buf = io.BytesIO()
    write_report_xlsx(buf, title=job.title, query=job.result["query"], result=job.result)
    buf.seek(0)
    return FileResponse(
        buf,
        as_attachment=True,
        filename=_report_name(job, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def report_pdf_view(request: HttpRequest, analysis_id: int) -> HttpResponseBase:
    job = selectors.analysis_result(analysis_id)
    data = report_pdf(title=job.title, query=job.result["query"], result=job.result)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=_report_name(job, "pdf"),
        content_type="application/pdf",
    )


@login_required
def project_list(request: HttpRequest) -> HttpResponseBase:
    return render(
        request,
        "navigation/project_list.html",
        {
            "projects": selectors.project_list(user=request.user)[:200],
            "counts": selectors.project_counts(user=request.user),
            "can_create": _can_edit(request.user),
        },
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponseBase:
    if not _can_edit(request.user):
        return render(
            request, "portal/error.html", {"message": "您的角色无权登记导航项目。"}, status=403
        )
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            project = services.project_create(
                actor=request.user, data=request.POST.dict(), report=request.FILES.get("report")
            )
        except ApplicationError as exc:
            errors = {**exc.fields, "form": exc.message}
        else:
            messages.success(request, f"已登记导航项目“{project.title}”。")
            return redirect("navigation:projects")
    return render(
        request,
        "navigation/project_form.html",
        {
            "errors": errors,
            "values": request.POST,
            "types": ProjectType.choices,
            "chains": selectors.chain_list(),
            **selectors.project_form_choices(user=request.user),
            "is_agency": selectors.acts_as_service_base(request.user),
        },
    )


@login_required
def evidence_list(request: HttpRequest) -> HttpResponseBase:
    """The staff lists behind the criteria the records cannot show: enter a
    foreign family, an award or a pledge amount against a patent number."""
    if not _keeps_evidence(request.user):
        return render(
            request,
            "portal/error.html",
            {"message": "您的角色无权维护高价值专利佐证。"},
            status=403,
        )
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            patent = selectors.evidence_patent(request.POST.get("number", ""))
            evidence = services.evidence_add(
                actor=request.user,
                patent_id=patent.pk,
                criterion=request.POST.get("criterion", ""),
                source_note=request.POST.get("source_note", ""),
                amount=request.POST.get("amount", ""),
            )
        except ApplicationError as exc:
            errors = {**exc.fields, "form": exc.message}
        else:
            messages.success(
                request,
                f"已登记 {patent.application_number}“{evidence.get_criterion_display()}”佐证。",
            )
            return redirect("navigation:evidence")
    labels = dict(HighValueCriterion.choices)
    return render(
        request,
        "navigation/evidence.html",
        {
            "evidence": selectors.evidence_list()[:300],
            "criteria": [(c.value, labels[c]) for c in EVIDENCE_CRITERIA],
            "errors": errors,
            "values": request.POST if request.method == "POST" else request.GET,
        },
    )


@login_required
@require_POST
def evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    services.evidence_remove(actor=request.user, evidence_id=evidence_id)
    messages.success(request, "已撤销该佐证。")
    return redirect("navigation:evidence")
