"""Thin pages of the programmes app: the public list and detail, the province's
form, the apply form, my applications, the review queue, an application with
its steps, and the Excel export. Every rule lives in services and workflow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core.downloads import protected_file_response
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.exports import xlsx_response
from iphub.core.models import OrganisationKind, OrganisationTag
from iphub.core.pages import refusals_back_to
from iphub.core.permissions import has_role
from iphub.programmes import selectors, services, workflow
from iphub.programmes.models import ApplicationState, ProgrammeKind


def _files(request: HttpRequest) -> dict[str, list[Any]]:
    return {k: request.FILES.getlist(k) for k in request.FILES}


def programme_list(request: HttpRequest) -> HttpResponseBase:
    programmes = list(selectors.programme_list())
    rows = [(p, selectors.window_open(p)) for p in programmes]
    return render(
        request,
        "programmes/list.html",
        {"rows": rows, "can_create": selectors.can_define_programmes(request.user)},
    )


@login_required
def programme_new(request: HttpRequest) -> HttpResponseBase:
    if not selectors.can_define_programmes(request.user):
        raise ApplicationError("培育项目由省级工作人员设立。", status=403)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            programme = services.programme_create(actor=request.user, data=request.POST)
        except ApplicationError as exc:
            if exc.status in (401, 403):
                raise
            errors = exc.fields or {"form": exc.message}
        else:
            messages.success(request, _("已设立培育项目：%(name)s。") % {"name": programme.name})
            return redirect("programmes:detail", programme_id=programme.pk)
    return render(
        request,
        "programmes/programme_form.html",
        {
            "errors": errors,
            "values": request.POST,
            "kinds": ProgrammeKind.choices,
            "tags": OrganisationTag.choices,
            "org_kinds": OrganisationKind.choices,
            "chosen_kinds": request.POST.getlist("eligible_kinds") or ["enterprise"],
        },
    )


def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    programme = selectors.programme_get(programme_id)
    can_apply, why_not = selectors.apply_status(request.user, programme)
    staff = has_role(request.user, *workflow.REVIEW_ROLES)
    applications = (
        selectors.application_list(user=request.user, programme_id=programme.pk) if staff else None
    )
    tag = OrganisationTag(programme.confers_tag).label if programme.confers_tag else ""
    return render(
        request,
        "programmes/detail.html",
        {
            "p": programme,
            "open": selectors.window_open(programme),
            "can_apply": can_apply,
            "why_not": why_not,
            "staff": staff,
            "applications": applications,
            "tag_label": tag,
            "org_kinds": [OrganisationKind(k).label for k in programme.eligible_kinds],
            "members": selectors.member_list_public(programme),
            "places_left": max(programme.quota - programme.approved, 0),  # type: ignore[attr-defined]
        },
    )


@login_required
def apply(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    programme = selectors.programme_get(programme_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            app = services.application_submit(
                actor=request.user,
                programme_id=programme.pk,
                data=request.POST,
                files=_files(request),
            )
        except ApplicationError as exc:
            if exc.status in (401, 403, 404):
                raise
            errors = exc.fields or {"form": exc.message}
        else:
            messages.success(
                request,
                _("已提交申报，申报编号 %(reference)s，等待市级审核。")
                % {"reference": app.reference},
            )
            return redirect("programmes:application", application_id=app.pk)
    else:
        can_apply, why_not = selectors.apply_status(request.user, programme)
        if not can_apply:
            messages.error(request, why_not)
            return redirect("programmes:detail", programme_id=programme.pk)
    user: Any = request.user
    records = selectors.organisation_records(user.organisation)
    values = request.POST if request.method == "POST" else None
    figures = [
        (key, label, n, values.get(f"declared_{key}", n) if values is not None else n)
        for key, label, n in records.rows()
    ]
    return render(
        request,
        "programmes/apply.html",
        {
            "p": programme,
            "errors": errors,
            "figures": figures,
            "statement": values.get("statement", "") if values is not None else "",
            "criteria": [(c, f"evidence_{c['key']}") for c in programme.criteria],
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponseBase:
    apps = selectors.my_applications(user=request.user)
    memberships = [
        (m, list(selectors.report_list(m))) for m in selectors.membership_list(user=request.user)
    ]
    return render(
        request,
        "programmes/mine.html",
        {
            "applications": apps,
            "memberships": memberships,
            "notices": selectors.notice_list(user=request.user),
        },
    )


@login_required
def queue(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.application_queue(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "programmes/queue.html", {"page": page})


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponseBase:
    app = selectors.application_get(user=request.user, application_id=application_id)
    actions = [t.name for t in workflow.available(request.user, app)]
    return render(
        request,
        "programmes/application.html",
        {
            "a": app,
            "actions": actions,
            "scoring": bool({"recommend", "approve", "reject"} & set(actions)),
            "criteria": selectors.criterion_rows(app),
            "figures": selectors.figure_rows(app),
            "returned": app.state == ApplicationState.RETURNED,
            "rejected": app.state == ApplicationState.REJECTED,
            "history": [(e, workflow.step_label(e.action)) for e in app.events.all()],
        },
    )


@login_required
@require_POST
@refusals_back_to("programmes:application", "application_id")
def act(request: HttpRequest, application_id: int, action: str) -> HttpResponseBase:
    kwargs: dict[str, Any] = {"actor": request.user, "application_id": application_id}
    version = request.POST.get("version", "")
    if action != "withdraw" and version.isdigit():
        kwargs["expected_version"] = int(version)
    if action == "return":
        services.application_return(**kwargs, reason=request.POST.get("reason", ""))
    elif action == "recommend":
        services.application_recommend(
            **kwargs, scores=request.POST, note=request.POST.get("note", "")
        )
    elif action == "approve":
        services.application_approve(**kwargs, scores=request.POST)
    elif action == "reject":
        services.application_reject(
            **kwargs, reason=request.POST.get("reason", ""), scores=request.POST
        )
    elif action == "withdraw":
        services.application_withdraw(actor=request.user, application_id=application_id)
    else:
        raise NotFound("没有该操作。")
    messages.success(request, _("已%(step)s。") % {"step": workflow.transition(action).label})
    return redirect("programmes:application", application_id=application_id)


@login_required
def resubmit(request: HttpRequest, application_id: int) -> HttpResponseBase:
    app = selectors.application_get(user=request.user, application_id=application_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.application_resubmit(
                actor=request.user,
                application_id=app.pk,
                data=request.POST,
                files=_files(request),
            )
        except ApplicationError as exc:
            if exc.status in (401, 403, 404):
                raise
            errors = exc.fields or {"form": exc.message}
        else:
            messages.success(request, _("已补正并重新提交，等待市级审核。"))
            return redirect("programmes:application", application_id=app.pk)
    values = request.POST if request.method == "POST" else None
    records = selectors.organisation_records(app.organisation)
    figures = [
        (
            key,
            label,
            n,
            values.get(f"declared_{key}", "") if values is not None else app.declared.get(key, n),
        )
        for key, label, n in records.rows()
    ]
    return render(
        request,
        "programmes/resubmit.html",
        {
            "a": app,
            "errors": errors,
            "figures": figures,
            "statement": values.get("statement", "") if values is not None else app.statement,
            "criteria": [(c, f"evidence_{c['key']}") for c in app.programme.criteria],
        },
    )


@login_required
def evidence(request: HttpRequest, application_id: int, evidence_id: int) -> HttpResponseBase:
    app = selectors.application_get(user=request.user, application_id=application_id)
    doc = next((e for e in app.evidence.all() if e.pk == evidence_id), None)
    if doc is None:
        raise NotFound("未找到该材料。")
    return protected_file_response(
        doc.file, filename=doc.original_name, content_type=doc.content_type, as_attachment=False
    )


@login_required
def export(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    programme = selectors.programme_get(programme_id)
    headers, rows = selectors.export_table(user=request.user, programme=programme)
    return xlsx_response(
        f"培育项目申报-{programme.year}-{programme.pk}.xlsx",
        "申报与评分",
        headers,
        rows,
        query={"项目": programme.name, "年度": programme.year},
        fallback=f"programme-{programme.pk}-applications.xlsx",
    )


@login_required
@require_POST
@refusals_back_to("programmes:mine")
def report(request: HttpRequest, membership_id: int) -> HttpResponseBase:
    services.indicator_report_submit(
        actor=request.user,
        membership_id=membership_id,
        year=request.POST.get("year", ""),
        figures=request.POST,
    )
    messages.success(request, _("已保存年度指标。"))
    return redirect("programmes:mine")
