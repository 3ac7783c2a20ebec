"""Pages of overseas dispute response: cases (list, open, detail with guidance
and experts), the expert pool, watches and the warning inbox, figures per
country. Thin: every rule is in ``services`` and ``workflow``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core.errors import ApplicationError
from iphub.core.exports import xlsx_response
from iphub.core.pages import refusals_back_to
from iphub.overseas import selectors, services, workflow
from iphub.overseas.countries import country_choices, country_name, language_choices
from iphub.overseas.models import CaseState, DisputeKind, WatchKind


def _country_names(codes: list[str]) -> str:
    return "、".join(country_name(c) for c in codes)


@login_required
def case_list(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    state = request.GET.get("state", "")
    state = state if state in CaseState.values else ""
    cases = list(selectors.case_list(user=user, state=state)[:500])
    return render(
        request,
        "overseas/cases.html",
        {
            "cases": [(c, country_name(c.country)) for c in cases],
            "states": CaseState.choices,
            "state": state,
            "can_open": workflow.can_open_case(user),
        },
    )


@login_required
def case_new(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    workflow.ensure_can_open_case(user)
    orgs = list(selectors.case_organisations(user=user)[:500])
    error, errors = "", {}
    if request.method == "POST":
        try:
            case = services.case_open(actor=user, data=request.POST.dict())
            messages.success(request, _("案件已登记，等待受理。"))
            return redirect("overseas:case", case_id=case.pk)
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            error, errors = exc.message, dict(exc.fields)
    return render(
        request,
        "overseas/case_form.html",
        {
            "orgs": orgs,
            "countries": country_choices(),
            "kinds": DisputeKind.choices,
            "values": request.POST,
            "error": error,
            "errors": errors,
        },
        status=400 if error else 200,
    )


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user: Any = request.user
    case = selectors.case_get(user=user, case_id=case_id)
    can_work = workflow.can_work(user, case)
    return render(
        request,
        "overseas/case_detail.html",
        {
            "case": case,
            "country": country_name(case.country),
            "actions": workflow.case_actions(user, case),
            "can_work": can_work,
            "choices": selectors.expert_choices(case=case) if can_work else [],
            "guidance": list(case.guidance.all()),
            "experts": [(a, _country_names(a.expert.countries)) for a in case.experts.all()],
        },
    )


@require_POST
@login_required
@refusals_back_to("overseas:case", "case_id")
def case_step(request: HttpRequest, case_id: int, step: str) -> HttpResponseBase:
    services.case_step(
        actor=request.user, case_id=case_id, step=step, text=request.POST.get("text", "")
    )
    messages.success(request, _("已%(step)s。") % {"step": workflow.step(step).label})
    return redirect("overseas:case", case_id=case_id)


@require_POST
@login_required
@refusals_back_to("overseas:case", "case_id")
def guidance_add(request: HttpRequest, case_id: int) -> HttpResponseBase:
    services.case_guidance_add(actor=request.user, case_id=case_id, data=request.POST.dict())
    messages.success(request, _("已发出纠纷应对指导。"))
    return redirect("overseas:case", case_id=case_id)


@require_POST
@login_required
@refusals_back_to("overseas:case", "case_id")
def expert_assign(request: HttpRequest, case_id: int) -> HttpResponseBase:
    raw = request.POST.get("expert", "")
    assignment = services.case_expert_assign(
        actor=request.user, case_id=case_id, expert_id=int(raw) if raw.isdigit() else 0
    )
    messages.success(request, _("已指派专家：%(expert)s。") % {"expert": assignment.expert.name})
    return redirect("overseas:case", case_id=case_id)


@login_required
def expert_list(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    workflow.ensure_reads_pool(user)
    error, errors = "", {}
    if request.method == "POST":
        try:
            expert = services.expert_create(
                actor=user,
                data=request.POST.dict(),
                countries=request.POST.getlist("countries"),
                languages=request.POST.getlist("languages"),
                conflicts=request.POST.get("conflicts", "").splitlines(),
            )
            messages.success(request, _("已加入专家库：%(name)s。") % {"name": expert.name})
            return redirect("overseas:experts")
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            error, errors = exc.message, dict(exc.fields)
    experts = list(selectors.expert_list(user=user))
    return render(
        request,
        "overseas/experts.html",
        {
            "experts": [(e, _country_names(e.countries)) for e in experts],
            "can_keep": workflow.keeps_pool(user),
            "countries": country_choices(),
            # Not "languages": the base template names its language switcher so.
            "language_options": language_choices(),
            "values": request.POST,
            "error": error,
            "errors": errors,
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
@refusals_back_to("overseas:experts")
def conflict_declare(request: HttpRequest, expert_id: int) -> HttpResponseBase:
    services.expert_conflict_declare(
        actor=request.user,
        expert_id=expert_id,
        party_name=request.POST.get("party_name", ""),
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("已记录利益冲突声明。"))
    return redirect("overseas:experts")


@login_required
def watch_list(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    error, errors = "", {}
    if request.method == "POST":
        try:
            services.watch_create(actor=user, data=request.POST.dict())
            messages.success(request, _("已建立监测；此后新入库的记录若命中即发出预警。"))
            return redirect("overseas:watches")
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            error, errors = exc.message, dict(exc.fields)
    watches = list(selectors.watch_list(user=user))
    mine = selectors.subscribed_watch_ids(user=user)
    return render(
        request,
        "overseas/watches.html",
        {
            "watches": [
                (w, country_name(w.country) if w.country else "", w.pk in mine) for w in watches
            ],
            "can_keep": workflow.keeps_pool(user),
            "can_subscribe": workflow.can_subscribe(user),
            "kinds": WatchKind.choices,
            "countries": country_choices(),
            "values": request.POST,
            "error": error,
            "errors": errors,
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
@refusals_back_to("overseas:watches")
def watch_subscribe(request: HttpRequest, watch_id: int) -> HttpResponseBase:
    if request.POST.get("stop"):
        services.watch_unsubscribe(actor=request.user, watch_id=watch_id)
        messages.success(request, _("已取消订阅。"))
    else:
        services.watch_subscribe(actor=request.user, watch_id=watch_id)
        messages.success(request, _("已订阅；命中的新记录将出现在“海外风险预警”中。"))
    return redirect("overseas:watches")


@login_required
def warning_list(request: HttpRequest) -> HttpResponseBase:
    """An enterprise's inbox of warnings, or every warning for staff."""
    user: Any = request.user
    if request.method == "POST":
        services.warnings_mark_read(
            actor=user, notice_ids=[int(i) for i in request.POST.getlist("notice") if i.isdigit()]
        )
        return redirect("overseas:warnings")
    return render(
        request,
        "overseas/warnings.html",
        {
            "notices": list(selectors.warning_inbox(user=user)[:300]),
            "warnings": list(selectors.warning_list(user=user)[:300]),
        },
    )


@login_required
def figures(request: HttpRequest) -> HttpResponseBase:
    """Figures per country: the user's visible cases by kind, warnings, experts."""
    rows = selectors.country_figures(user=request.user)
    kinds = DisputeKind.choices
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "overseas-figures.xlsx",
            _("海外纠纷应对数据"),
            [
                _("国家/地区"),
                _("案件"),
                _("未结案件"),
                *[str(label) for _k, label in kinds],
                _("预警"),
                _("专家"),
            ],
            (
                [
                    r.name,
                    r.cases,
                    r.open_cases,
                    *[r.by_kind[k] for k, _label in kinds],
                    r.warnings,
                    r.experts,
                ]
                for r in rows
            ),
        )
    chart = {
        "cities": [r.name for r in rows],
        "indications": [r.cases for r in rows],
        "users": [r.warnings for r in rows],
    }
    return render(
        request,
        "overseas/figures.html",
        {
            "rows": [(r, [r.by_kind[k] for k, _label in kinds]) for r in rows],
            "kinds": kinds,
            "chart": json.dumps(chart, ensure_ascii=False),
        },
    )
