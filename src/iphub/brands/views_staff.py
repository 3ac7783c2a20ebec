"""Staff and applicant pages of brands: keeping the register (new, edit, publish,
revoke, grant and revoke authorised users), the applications to use a GI's
special mark, cultivation lists, and the staff's Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.brands import selectors, services, workflow
from iphub.brands.models import ApplicationState, EntryState, IndicationKind
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.exports import write_xlsx_sheets
from iphub.core.pages import refusals_back_to


@login_required
def register(request: HttpRequest) -> HttpResponseBase:
    """The register as its keepers see it: every state, their region only."""
    user: Any = request.user
    if not selectors.keeper_regions(user=user).exists():
        raise AccessDenied("地理标志登记簿由各地窗口人员和督导人员维护。")
    state = request.GET.get("state", "")
    state = state if state in EntryState.values else ""
    entries = list(selectors.indication_staff_list(user=user, state=state))
    if request.GET.get("export") == "xlsx":
        return _export(user, entries)
    return render(
        request,
        "brands/register.html",
        {"entries": entries, "states": EntryState.choices, "state": state},
    )


def _export(user: Any, entries: list[Any]) -> HttpResponseBase:
    from django.http import HttpResponse

    from iphub.brands.models import AuthorisedUse
    from iphub.core.exports import attachment_disposition

    uses = (
        AuthorisedUse.objects.filter(indication__in=[e.pk for e in entries])
        .select_related("indication", "organisation")
        .order_by("indication__name", "organisation__name")
    )
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = attachment_disposition("brand-register.xlsx")
    write_xlsx_sheets(
        response,
        [
            (
                "登记簿",
                [
                    "名称",
                    "类别",
                    "产品",
                    "管理地区",
                    "批准/注册号",
                    "批准/注册日期",
                    "状态",
                    "当前使用单位数",
                ],
                [
                    [
                        e.name,
                        e.get_kind_display(),
                        e.product,
                        e.region.name,
                        e.approval_number,
                        e.approval_date,
                        e.get_state_display(),
                        e.current_users,
                    ]
                    for e in entries
                ],
            ),
            (
                "专用标志使用单位",
                ["地理标志", "使用单位", "使用期限自", "使用期限至", "状态"],
                [
                    [
                        u.indication.name,
                        u.organisation.name,
                        u.valid_from,
                        u.valid_until,
                        u.get_status_display(),
                    ]
                    for u in uses
                ],
            ),
        ],
    )
    return response


def _entry_form(request: HttpRequest, *, entry: Any = None) -> HttpResponseBase:
    user: Any = request.user
    regions = list(selectors.keeper_regions(user=user))
    if not regions:
        raise AccessDenied("地理标志登记簿由各地窗口人员和督导人员维护。")
    errors: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        data = request.POST.dict()
        areas = request.POST.getlist("areas")
        upload = request.FILES.get("rules_file")
        try:
            if entry is None:
                entry = services.indication_create(
                    actor=user, data=data, areas=areas, rules_file=upload
                )
                messages.success(request, _("已保存为草稿；核对无误后点“公布”。"))
            else:
                services.indication_update(
                    actor=user, indication_id=entry.pk, data=data, areas=areas, rules_file=upload
                )
                messages.success(request, _("已保存修改。"))
            return redirect("brands:indication", indication_id=entry.pk)
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            error, errors = exc.message, dict(exc.fields)
        values: dict[str, Any] = {**data, "areas": areas}
    elif entry is not None:
        values = {
            "name": entry.name,
            "kind": entry.kind,
            "product": entry.product,
            "holder": entry.holder,
            "region": entry.region_id,
            "area_note": entry.area_note,
            "rules": entry.rules,
            "approval_number": entry.approval_number,
            "approval_date": entry.approval_date.isoformat(),
            "trademark_number": entry.trademark.registration_number if entry.trademark else "",
            "areas": [a.code for a in entry.areas.all()],
        }
    else:
        values = {"areas": []}
    return render(
        request,
        "brands/indication_form.html",
        {
            "entry": entry,
            "values": values,
            "regions": regions,
            "kinds": IndicationKind.choices,
            "error": error,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def indication_new(request: HttpRequest) -> HttpResponseBase:
    return _entry_form(request)


@login_required
def indication_edit(request: HttpRequest, indication_id: int) -> HttpResponseBase:
    entry = selectors.indication_get(user=request.user, indication_id=indication_id)
    if not workflow.can_edit(request.user, entry):
        raise AccessDenied("只有草稿可以修改，且由其管理地区的工作人员修改。")
    return _entry_form(request, entry=entry)


@require_POST
@login_required
@refusals_back_to("brands:indication", "indication_id")
def indication_step(request: HttpRequest, indication_id: int, step: str) -> HttpResponseBase:
    entry = services.indication_step(
        actor=request.user,
        indication_id=indication_id,
        step=step,
        reason=request.POST.get("reason", ""),
    )
    messages.success(
        request,
        _("已%(step)s：%(name)s。") % {"step": workflow.entry_step(step).label, "name": entry.name},
    )
    return redirect("brands:indication", indication_id=indication_id)


@require_POST
@login_required
@refusals_back_to("brands:indication", "indication_id")
def use_grant(request: HttpRequest, indication_id: int) -> HttpResponseBase:
    use = services.authorised_use_grant(
        actor=request.user, indication_id=indication_id, data=request.POST.dict()
    )
    messages.success(
        request, _("已登记使用单位：%(organisation)s。") % {"organisation": use.organisation.name}
    )
    return redirect("brands:indication", indication_id=indication_id)


@require_POST
@login_required
@refusals_back_to("brands:indication", "indication_id")
def use_revoke(request: HttpRequest, indication_id: int, use_id: int) -> HttpResponseBase:
    use = services.authorised_use_revoke(
        actor=request.user, use_id=use_id, reason=request.POST.get("reason", "")
    )
    messages.success(
        request, _("已撤销 %(organisation)s 的使用授权。") % {"organisation": use.organisation.name}
    )
    return redirect("brands:indication", indication_id=indication_id)


@login_required
def apply(request: HttpRequest, indication_id: int) -> HttpResponseBase:
    """An enterprise applies to use a published GI's special mark."""
    user: Any = request.user
    entry = selectors.indication_get(user=user, indication_id=indication_id)
    if not workflow.can_apply(user, entry):
        raise AccessDenied("使用地理标志专用标志须由企业（或代理机构）账号以本单位名义申请。")
    error, errors = "", {}
    if request.method == "POST":
        try:
            app = services.use_application_submit(
                actor=user, indication_id=entry.pk, data=request.POST.dict()
            )
            messages.success(request, _("申请已提交，等待审核。"))
            return redirect("brands:application", application_id=app.pk)
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            error, errors = exc.message, dict(exc.fields)
    return render(
        request,
        "brands/apply.html",
        {"entry": entry, "values": request.POST, "error": error, "errors": errors},
        status=400 if error else 200,
    )


@login_required
def application_list(request: HttpRequest) -> HttpResponseBase:
    state = request.GET.get("state", "")
    state = state if state in ApplicationState.values else ""
    apps = list(selectors.application_list(user=request.user, state=state)[:500])
    return render(
        request,
        "brands/applications.html",
        {"applications": apps, "states": ApplicationState.choices, "state": state},
    )


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponseBase:
    app = selectors.application_get(user=request.user, application_id=application_id)
    return render(
        request,
        "brands/application_detail.html",
        {"app": app, "actions": workflow.application_actions(request.user, app)},
    )


@require_POST
@login_required
@refusals_back_to("brands:application", "application_id")
def application_step(request: HttpRequest, application_id: int, step: str) -> HttpResponseBase:
    services.use_application_decide(
        actor=request.user,
        application_id=application_id,
        step=step,
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("已%(step)s。") % {"step": workflow.application_step(step).label})
    return redirect("brands:application", application_id=application_id)


@login_required
def cultivation_new(request: HttpRequest) -> HttpResponseBase:
    regions = list(selectors.keeper_regions(user=request.user))
    if not regions:
        raise AccessDenied("培育名单由各地窗口人员和督导人员发布。")
    error, errors = "", {}
    if request.method == "POST":
        try:
            clist = services.cultivation_list_create(actor=request.user, data=request.POST.dict())
            return redirect("brands:cultivation_list", list_id=clist.pk)
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            error, errors = exc.message, dict(exc.fields)
    return render(
        request,
        "brands/cultivation_form.html",
        {"regions": regions, "values": request.POST, "error": error, "errors": errors},
        status=400 if error else 200,
    )


@require_POST
@login_required
@refusals_back_to("brands:cultivation_list", "list_id")
def cultivation_member_add(request: HttpRequest, list_id: int) -> HttpResponseBase:
    member = services.cultivation_member_add(
        actor=request.user, list_id=list_id, data=request.POST.dict()
    )
    messages.success(request, _("已加入名单：%(brand)s。") % {"brand": member.brand})
    return redirect("brands:cultivation_list", list_id=list_id)
