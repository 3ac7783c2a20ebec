"""Thin pages of the protection app: screening, cases, workstations map, assistance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iphub.core.downloads import protected_file_response
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.jobs import job_progress_response
from iphub.core.pages import refusals_back_to
from iphub.core.permissions import has_role
from iphub.protection import selectors
from iphub.protection.models import (
    CaseType,
    DisputeKind,
    EvidenceFile,
    GroupKind,
    GroupStatus,
)
from iphub.protection.services import assistance as assistance_services
from iphub.protection.services import enforcement as enforcement_services
from iphub.protection.services import screening as screening_services
from iphub.protection.workflow import (
    ASSISTANCE_REQUESTERS,
    ASSISTANCE_STEPS,
    ENFORCERS,
    FASTTRACK_STEPS,
    REQUESTERS,
    case_is_open,
    case_moves,
    group_case_openable,
    group_decidable,
    steps_for,
)


def index(request: HttpRequest) -> HttpResponseBase:
    return render(
        request,
        "protection/index.html",
        {
            "map": selectors.workstation_map(),
            "is_enforcer": has_role(request.user, *ENFORCERS),
            "sees_stations": selectors.station_register_visible(user=request.user),
        },
    )


@login_required
def group_list(request: HttpRequest) -> HttpResponseBase:
    status = request.GET.get("status", GroupStatus.OPEN)
    kind = request.GET.get("kind", "")
    groups = selectors.flagged_group_list(user=request.user, status=status, kind=kind)
    page = Paginator(groups, 20).get_page(request.GET.get("page"))
    last_run = selectors.screening_run_latest()
    return render(
        request,
        "protection/group_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": GroupStatus.choices,
            "kinds": GroupKind.choices,
            "last_run": last_run,
            "last_run_progress": selectors.screening_run_progress(last_run) if last_run else None,
            "params": {"status": status, "kind": kind},
        },
    )


@login_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponseBase:
    group = selectors.flagged_group_get(user=request.user, group_id=group_id)
    try:
        index = int(request.GET.get("pair", "0"))
    except ValueError:
        index = 0
    case = selectors.flagged_group_case(group)
    return render(
        request,
        "protection/group_detail.html",
        {
            "group": group,
            "members": selectors.flagged_group_members(group),
            "pair": selectors.flagged_group_pair(group, index),
            "pair_count": range(selectors.flagged_group_pair_count(group)),
            "case": case,
            "can_decide": group_decidable(group),
            "can_open_case": group_case_openable(group, case),
        },
    )


@login_required
@require_POST
@refusals_back_to("protection:group_detail", "group_id")
def group_decide(request: HttpRequest, group_id: int) -> HttpResponseBase:
    group = selectors.flagged_group_get(user=request.user, group_id=group_id)
    note = request.POST.get("note", "")
    if request.POST.get("decision") == "confirm":
        screening_services.flagged_group_confirm(actor=request.user, group=group, note=note)
        messages.success(request, "已确认为非正常申请。")
    else:
        screening_services.flagged_group_dismiss(actor=request.user, group=group, note=note)
        messages.success(request, "已排除，这些记录以后不再一起标记。")
    return redirect("protection:group_detail", group_id=group_id)


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponseBase:
    """A screening run's progress, polled by the list page until the run ends."""
    run = selectors.screening_run_get(user=request.user, run_id=run_id)
    return job_progress_response(request, selectors.screening_run_progress(run))


@login_required
@require_POST
@refusals_back_to("protection:groups")
def run_create(request: HttpRequest) -> HttpResponseBase:
    screening_services.screening_run_create(actor=request.user)
    messages.success(request, "已发起全量筛查，完成后新标记的组会出现在列表中。")
    return redirect("protection:groups")


@login_required
def case_list(request: HttpRequest) -> HttpResponseBase:
    form: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            case = enforcement_services.case_create(
                actor=request.user,
                title=form.get("title", ""),
                case_type=form.get("case_type", ""),
                region_code=form.get("region", ""),
                description=form.get("description", ""),
                source=form.get("source", ""),
                parties=[{"role": "respondent", "name": form["respondent"]}]
                if form.get("respondent")
                else [],
            )
            return redirect("protection:case_detail", case_id=case.pk)
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            errors = exc.fields or {"form_error": exc.message}
    cases = selectors.case_list(user=request.user, state=request.GET.get("state", ""))
    stats = selectors.enforcement_statistics(user=request.user)
    return render(
        request,
        "protection/case_list.html",
        {
            "page": Paginator(cases, 20).get_page(request.GET.get("page")),
            "inbox": selectors.cooperation_inbox(user=request.user).filter(
                status__in=["pending", "accepted"]
            ),
            "stats": stats,
            "case_types": CaseType.choices,
            "form": form,
            "errors": errors,
            "params": {},
        },
    )


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = selectors.case_get(user=request.user, case_id=case_id)
    actions = case_moves(request.user, case)
    return render(
        request,
        "protection/case_detail.html",
        {
            "case": case,
            "actions": actions,
            # The decision's fields are asked for when a permitted move needs them.
            "asks_penalty": any("penalty_detail" in a.requires for a in actions),
            "case_open": case_is_open(case),
        },
    )


@login_required
@require_POST
@refusals_back_to("protection:case_detail", "case_id")
def case_move(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = selectors.case_get(user=request.user, case_id=case_id)
    # The service parses the amount (core.amounts) and says what it accepts.
    enforcement_services.case_transition(
        actor=request.user,
        case=case,
        target=request.POST.get("target", ""),
        expected_state=request.POST.get("expected_state") or None,
        note=request.POST.get("note", ""),
        penalty_amount=request.POST.get("penalty_amount", ""),
        penalty_detail=request.POST.get("penalty_detail", ""),
    )
    messages.success(request, "案件状态已更新。")
    return redirect("protection:case_detail", case_id=case_id)


@login_required
@require_POST
@refusals_back_to("protection:case_detail", "case_id")
def case_evidence_upload(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = selectors.case_get(user=request.user, case_id=case_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise ApplicationError("请选择文件。", fields={"file": "请选择文件。"})
    enforcement_services.evidence_add(
        actor=request.user,
        case=case,
        upload=upload,
        description=request.POST.get("description", ""),
    )
    messages.success(request, "证据已上传。")
    return redirect("protection:case_detail", case_id=case_id)


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    evidence = EvidenceFile.objects.filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound()
    selectors.case_get(user=request.user, case_id=evidence.case_id)
    return protected_file_response(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


def workstations(request: HttpRequest) -> HttpResponseBase:
    stations = list(selectors.workstation_list(region_code=request.GET.get("region", "")))
    for station in stations:
        # Contacts are personal information (PIPL): the page only ever shows them masked.
        station.contact_display = selectors.workstation_contact(station)  # type: ignore[attr-defined]
    return render(
        request,
        "protection/workstations.html",
        {"stations": stations, "map": selectors.workstation_map()},
    )


@login_required
def assistance(request: HttpRequest) -> HttpResponseBase:
    form: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            assistance_services.assistance_request_submit(
                actor=request.user,
                subject=form.get("subject", ""),
                description=form.get("description", ""),
                dispute_kind=form.get("dispute_kind", ""),
                field=form.get("field", ""),
                counterpart=form.get("counterpart", ""),
                country=form.get("country", ""),
            )
            messages.success(request, "已提交，已按地区和领域分派承办机构。")
            return redirect("protection:assistance")
        except ApplicationError as exc:
            errors = exc.fields or {"form_error": exc.message}
    items = list(selectors.assistance_list(user=request.user)[:100])
    for item in items:
        item.steps = {s.name for s in steps_for(request.user, ASSISTANCE_STEPS, item)}  # type: ignore[attr-defined]
    return render(
        request,
        "protection/assistance.html",
        {
            "items": items,
            "form": form,
            "errors": errors,
            "dispute_kinds": DisputeKind.choices,
            "sections": "ABCDEFGH",
            "can_submit": has_role(request.user, *ASSISTANCE_REQUESTERS),
            "overdue": selectors.assistance_overdue(user=request.user, today=timezone.localdate()),
        },
    )


@login_required
@require_POST
@refusals_back_to("protection:assistance")
def assistance_feedback(request: HttpRequest, request_id: int) -> HttpResponseBase:
    item = selectors.assistance_get(user=request.user, request_id=request_id)
    assistance_services.assistance_feedback_submit(
        actor=request.user,
        item=item,
        satisfaction=request.POST.get("satisfaction", ""),
        feedback=request.POST.get("feedback", ""),
    )
    messages.success(request, "感谢您的评价。")
    return redirect("protection:assistance")


@login_required
@require_POST
@refusals_back_to("protection:group_detail", "group_id")
def group_open_case(request: HttpRequest, group_id: int) -> HttpResponseBase:
    """Open an abnormal-filing case from a confirmed group (立案查处)."""
    group = selectors.flagged_group_get(user=request.user, group_id=group_id)
    case = enforcement_services.flagged_group_case_open(actor=request.user, group=group)
    return redirect("protection:case_detail", case_id=case.pk)


@login_required
@require_POST
@refusals_back_to("protection:case_detail", "case_id")
def cooperation_create(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = selectors.case_get(user=request.user, case_id=case_id)
    enforcement_services.cooperation_request_create(
        actor=request.user,
        case=case,
        to_region_code=request.POST.get("to_region", ""),
        to_department=request.POST.get("to_department", ""),
        subject=request.POST.get("subject", ""),
    )
    messages.success(request, "协作请求已发出。")
    return redirect("protection:case_detail", case_id=case_id)


@login_required
@require_POST
@refusals_back_to("protection:cases")
def cooperation_answer(request: HttpRequest, request_id: int) -> HttpResponseBase:
    item = selectors.cooperation_inbox(user=request.user).filter(pk=request_id).first()
    if item is None:
        raise NotFound()
    enforcement_services.cooperation_request_answer(
        actor=request.user,
        request=item,
        status=request.POST.get("status", ""),
        response=request.POST.get("response", ""),
    )
    messages.success(request, "已答复协作请求。")
    return redirect("protection:cases")


@login_required
@require_POST
@refusals_back_to("protection:assistance")
def assistance_close(request: HttpRequest, request_id: int) -> HttpResponseBase:
    item = selectors.assistance_get(user=request.user, request_id=request_id)
    assistance_services.assistance_request_close(
        actor=request.user, item=item, outcome=request.POST.get("outcome", "")
    )
    messages.success(request, "已办结。")
    return redirect("protection:assistance")


@login_required
def fasttrack(request: HttpRequest) -> HttpResponseBase:
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            if form.get("decide"):
                item = selectors.fasttrack_list(user=request.user).filter(pk=form["decide"]).first()
                if item is None:
                    raise NotFound()
                assistance_services.fasttrack_request_decide(
                    actor=request.user,
                    item=item,
                    status=form.get("status", ""),
                    note=form.get("note", ""),
                )
            else:
                assistance_services.fasttrack_request_submit(
                    actor=request.user,
                    title=form.get("title", ""),
                    # A code picked among the suggestions fills an empty field.
                    ipc_main=form.get("ipc_main", "").strip() or form.get("ipc_pick", ""),
                )
            messages.success(request, "已提交。")
            return redirect("protection:fasttrack")
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            errors = exc.fields or {"form_error": exc.message}
    items = list(selectors.fasttrack_list(user=request.user)[:100])
    for item in items:
        item.steps = steps_for(request.user, FASTTRACK_STEPS, item)  # type: ignore[attr-defined]
    return render(
        request,
        "protection/fasttrack.html",
        {
            "items": items,
            "form": form,
            "errors": errors,
            "can_submit": has_role(request.user, *REQUESTERS),
        },
    )
