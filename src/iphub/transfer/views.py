"""Thin pages of 知慧桥: the need and supply halls, a need's page with its
matches, posting and editing forms, listing withdrawal, the staff import, the
funnel and deal figures. Events live in ``views_events``, deal records in
``views_deals``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iphub.core.errors import AccessDenied, ApplicationError, NotFound
from iphub.core.exports import xlsx_response
from iphub.core.jobs import job_progress_response
from iphub.core.models import Organisation
from iphub.core.permissions import has_role, scope_queryset
from iphub.patents.models import ImportMode
from iphub.patents.selectors import applicant_portfolio
from iphub.transfer import selectors, services
from iphub.transfer.access import STAFF_ROLES, ensure_holder, is_member
from iphub.transfer.models import (
    CooperationForm,
    ListingMode,
    ListingStatus,
    MatchStage,
    NeedStatus,
)
from iphub.transfer.services.need_imports import COLUMNS, EXAMPLE_ROW
from iphub.transfer.workflow import EDITABLE_NEED_STATUSES, need_edit_check

FILTERS = ("q", "form", "city", "ipc", "chain", "status")


def _is_staff(user: Any) -> bool:
    return has_role(user, *STAFF_ROLES)


def need_hall(request: HttpRequest) -> HttpResponseBase:
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS if k != "status"}
    page = Paginator(selectors.need_hall(**filters), 20).get_page(request.GET.get("page"))
    rows = [(n, selectors.need_contact(request.user, n)) for n in page]
    return render(
        request,
        "transfer/need_hall.html",
        {"page": page, "rows": rows, "filters": filters, "forms": CooperationForm.choices},
    )


@login_required
def need_mine(request: HttpRequest) -> HttpResponseBase:
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    page = Paginator(selectors.need_list(user=request.user, **filters), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "transfer/need_mine.html", {"page": page, "filters": filters})


def _need_data(post: Any) -> dict[str, Any]:
    data = {
        k: post.get(k, "")
        for k in (
            "title",
            "description",
            "industry_chain",
            "ipc_codes",
            "budget_min",
            "budget_max",
            "deadline",
            "contact_name",
            "contact_phone",
        )
    }
    data["preferred_forms"] = post.getlist("preferred_forms")
    # Codes ticked among the suggestions join the typed ones: both are the user's choice.
    data["ipc_codes"] = ", ".join([data["ipc_codes"], *post.getlist("ipc_pick")]).strip(", ")
    return data


@login_required
def need_new(request: HttpRequest) -> HttpResponseBase:
    staff = _is_staff(request.user)
    orgs = (
        scope_queryset(request.user, Organisation.objects.select_related("region"))
        if staff
        else None
    )
    context: dict[str, Any] = {"forms": CooperationForm.choices, "orgs": orgs, "data": {}}
    if request.method == "POST":
        data = _need_data(request.POST)
        org_id = request.POST.get("organisation") if staff else None
        try:
            need = services.need_create(
                actor=request.user, data=data, organisation_id=int(org_id) if org_id else None
            )
        except (ApplicationError, ValueError) as exc:
            if not isinstance(exc, ApplicationError):
                exc = ApplicationError("请选择企业。", fields={"organisation": "请选择企业。"})
            context |= {"error": exc, "data": data}
            return render(request, "transfer/need_form.html", context, status=400)
        messages.success(request, "需求已发布，系统正在为您匹配专利。")
        return redirect("transfer:need_detail", need_id=need.pk)
    return render(request, "transfer/need_form.html", context)


def need_detail(request: HttpRequest, need_id: int) -> HttpResponseBase:
    need = selectors.need_get(user=request.user, need_id=need_id)
    manage = selectors.can_manage_need(request.user, need)
    matches = list(selectors.match_list_for_need(user=request.user, need=need)) if manage else []
    for m in matches:
        m.open_to_answer = m.stage == MatchStage.MATCHED  # type: ignore[attr-defined]
    staff = _is_staff(request.user)
    matching = selectors.need_matching_progress(need) if manage else None
    return render(
        request,
        "transfer/need_detail.html",
        {
            "need": need,
            "contact": selectors.need_contact(request.user, need),
            "manage": manage,
            "matches": matches,
            "matching": matching,
            "can_match_again": bool(
                matching
                and (matching.failed or matching.stalled)
                and need.status == NeedStatus.OPEN
            ),
            "can_edit": need.status in EDITABLE_NEED_STATUSES,
            "can_mark_stale": staff and need.status == NeedStatus.OPEN,
            # Whether unchosen suggestions count in matching (off by default, see settings).
            "suggested_ipc_matched": settings.TRANSFER_MATCH_SUGGESTED_IPC,
            "forms": dict(CooperationForm.choices),
        },
    )


@login_required
def need_matching(request: HttpRequest, need_id: int) -> HttpResponseBase:
    """The need's matching progress, polled by its page until matching is done."""
    need = selectors.need_get(user=request.user, need_id=need_id)
    job = selectors.need_matching_progress(need)
    if not selectors.can_manage_need(request.user, need) or job is None:
        raise NotFound("未找到该需求的匹配任务。")
    return job_progress_response(request, job)


def _need_initial(need: Any) -> dict[str, Any]:
    """The form's fields as the need holds them now."""
    data = {k: getattr(need, k) for k in ("title", "description", "industry_chain")}
    data |= {
        "ipc_codes": ", ".join(need.ipc_codes),
        "budget_min": need.budget_min if need.budget_min is not None else "",
        "budget_max": need.budget_max if need.budget_max is not None else "",
        "preferred_forms": list(need.preferred_forms),
        "deadline": need.deadline.isoformat(),
        "contact_name": need.contact_name,
        "contact_phone": need.contact_phone,
    }
    return data


@login_required
def need_edit(request: HttpRequest, need_id: int) -> HttpResponseBase:
    """The owner, or staff of its region, edit a published need (the service decides)."""
    need = selectors.need_get(user=request.user, need_id=need_id)
    if not selectors.can_manage_need(request.user, need):
        raise AccessDenied("只有发布需求的单位或所在地区的工作人员可以修改该需求。")
    context: dict[str, Any] = {
        "need": need,
        "forms": CooperationForm.choices,
        "orgs": None,
        "data": _need_initial(need),
    }
    if request.method == "POST":
        data = _need_data(request.POST)
        try:
            services.need_update(actor=request.user, need_id=need_id, data=data)
        except ApplicationError as exc:
            context |= {"error": exc, "data": data}
            return render(request, "transfer/need_form.html", context, status=exc.status)
        messages.success(request, "需求已修改，系统将按新内容重新匹配专利。")
        return redirect("transfer:need_detail", need_id=need_id)
    try:
        need_edit_check(need.status, need.deadline)
    except ApplicationError as exc:
        context |= {"error": exc, "locked": True}
    return render(request, "transfer/need_form.html", context)


@login_required
@require_POST
def need_action(request: HttpRequest, need_id: int, action: str) -> HttpResponseBase:
    try:
        if action == "renew":
            services.need_renew(
                actor=request.user, need_id=need_id, deadline=request.POST.get("deadline", "")
            )
        elif action == "close":
            services.need_close(actor=request.user, need_id=need_id)
        elif action == "stale":
            services.need_mark_stale(actor=request.user, need_id=need_id)
        elif action == "match":
            services.need_match_again(actor=request.user, need_id=need_id)
        else:
            raise ApplicationError("未知操作。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已更新。")
    return redirect("transfer:need_detail", need_id=need_id)


@login_required
def need_import(request: HttpRequest) -> HttpResponseBase:
    context: dict[str, Any] = {"modes": ImportMode.choices}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError("请选择文件。", fields={"file": "请选择文件。"})
            report = services.need_import(
                actor=request.user, file=upload, mode=request.POST.get("mode", "")
            )
        except ApplicationError as exc:
            context["error"] = exc
            return render(request, "transfer/need_import.html", context, status=exc.status)
        context["report"] = report
    return render(request, "transfer/need_import.html", context)


@login_required
def need_import_template(request: HttpRequest) -> HttpResponseBase:
    return xlsx_response("需求导入模板.xlsx", "技术需求", list(COLUMNS), [EXAMPLE_ROW])


def listing_hall(request: HttpRequest) -> HttpResponseBase:
    q, mode = request.GET.get("q", "").strip(), request.GET.get("mode", "")
    page = Paginator(selectors.listing_hall(q=q, mode=mode), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "transfer/listing_hall.html",
        {"page": page, "q": q, "mode": mode, "modes": ListingMode.choices},
    )


@login_required
def listing_new(request: HttpRequest) -> HttpResponseBase:
    org = request.user.organisation  # type: ignore[union-attr]
    try:
        own = list(applicant_portfolio(org.name).patents[:200]) if org else []
    except ApplicationError:
        own = []
    context: dict[str, Any] = {"own": own, "modes": ListingMode.choices, "data": {}}
    if request.method == "POST":
        data: dict[str, Any] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        data["licence_forms"] = request.POST.getlist("licence_forms")
        data["ipc_pick"] = request.POST.getlist("ipc_pick")
        data["pledgee_consent"] = request.POST.get("pledgee_consent") == "on"
        try:
            ids = [int(i) for i in request.POST.getlist("patents")]
            listing = services.listing_create(actor=request.user, data=data, patent_ids=ids)
        except ApplicationError as exc:
            context |= {"error": exc, "data": data}
            return render(request, "transfer/listing_form.html", context, status=exc.status)
        messages.success(request, "已挂牌。")
        return redirect("transfer:listing_detail", listing_id=listing.pk)
    return render(request, "transfer/listing_form.html", context)


def listing_detail(request: HttpRequest, listing_id: int) -> HttpResponseBase:
    listing = selectors.listing_get(user=request.user, listing_id=listing_id)
    try:
        matches = selectors.match_list_for_listing(user=request.user, listing=listing)
    except ApplicationError:
        matches = None
    owner = is_member(request.user, listing.organisation_id)
    return render(
        request,
        "transfer/listing_detail.html",
        {
            "l": listing,
            "matches": matches,
            "matching": selectors.listing_matching_progress(listing)
            if matches is not None
            else None,
            "owner": owner,
            # The holder withdraws (or revokes) a listing while it is on offer.
            "can_withdraw": owner and listing.status == ListingStatus.ACTIVE,
        },
    )


@login_required
def listing_matching(request: HttpRequest, listing_id: int) -> HttpResponseBase:
    """The listing's matching progress, polled by its page until matching is done."""
    listing = selectors.listing_get(user=request.user, listing_id=listing_id)
    selectors.match_list_for_listing(user=request.user, listing=listing)
    job = selectors.listing_matching_progress(listing)
    if job is None:
        raise NotFound("未找到该挂牌的匹配任务。")
    return job_progress_response(request, job)


LISTING_ACTIONS = {"withdraw": "撤回挂牌", "revoke": "撤回开放许可声明"}


@login_required
def listing_action(request: HttpRequest, listing_id: int, action: str) -> HttpResponseBase:
    """GET: the confirm step, saying what the action does; POST: do it (the holder only,
    the service checks)."""
    if action not in LISTING_ACTIONS:
        raise ApplicationError("未知操作：只能撤回挂牌或撤回开放许可。")
    listing = selectors.listing_get(user=request.user, listing_id=listing_id)
    ensure_holder(request.user, listing.organisation, LISTING_ACTIONS[action])
    context = {"l": listing, "action": action, "label": LISTING_ACTIONS[action]}
    if request.method != "POST":
        return render(request, "transfer/listing_confirm.html", context)
    reason = request.POST.get("reason", "")
    try:
        if action == "withdraw":
            services.listing_withdraw(actor=request.user, listing_id=listing_id)
            messages.success(request, "挂牌已撤回，供给大厅不再展示。")
        else:
            services.listing_revoke(actor=request.user, listing_id=listing_id, reason=reason)
            messages.success(
                request, "开放许可声明已撤回，并已记入各专利的法律状态；已经取得的许可继续有效。"
            )
    except ApplicationError as exc:
        context |= {"error": exc, "reason": reason}
        return render(request, "transfer/listing_confirm.html", context, status=exc.status)
    return redirect("transfer:listing_detail", listing_id=listing_id)


@login_required
def match_detail(request: HttpRequest, match_id: int) -> HttpResponseBase:
    m = selectors.match_get(user=request.user, match_id=match_id)
    # What the services would accept at this stage (the template compares nothing).
    asked_by_other = m.contact_requested_by_id != getattr(request.user, "organisation_id", None)
    return render(
        request,
        "transfer/match_detail.html",
        {
            "m": m,
            "can_request_contact": m.stage == MatchStage.MATCHED,
            "can_accept": m.stage == MatchStage.CONTACTED and asked_by_other,
            "can_reject": m.stage not in (MatchStage.DEAL, MatchStage.REJECTED),
        },
    )


@login_required
@require_POST
def match_action(request: HttpRequest, match_id: int, action: str) -> HttpResponseBase:
    try:
        if action == "contact":
            services.match_request_contact(
                actor=request.user, match_id=match_id, message=request.POST.get("message", "")
            )
            messages.success(request, "已向对方发送联系请求。")
        elif action == "accept":
            services.match_accept(actor=request.user, match_id=match_id)
            messages.success(request, "已接受，双方进入洽谈。")
        elif action == "reject":
            services.match_reject(
                actor=request.user, match_id=match_id, reason=request.POST.get("reason", "")
            )
            messages.success(request, "已拒绝该匹配。")
        else:
            raise ApplicationError("未知操作。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("transfer:match_detail", match_id=match_id)


@login_required
def inbox(request: HttpRequest) -> HttpResponseBase:
    notes = list(selectors.notification_list(user=request.user)[:50])
    # Shown once in bold, then read: the service marks what this page showed and audits it.
    services.notifications_mark_read(
        actor=request.user, notification_ids=[n.pk for n in notes if not n.read]
    )
    return render(
        request,
        "transfer/inbox.html",
        {"notes": notes, "matches": selectors.match_inbox(user=request.user)[:50]},
    )


@login_required
def funnel(request: HttpRequest) -> HttpResponseBase:
    steps = selectors.match_funnel(user=request.user)
    deals = selectors.deal_stats(user=request.user)
    return render(request, "transfer/funnel.html", {"steps": steps, "deals": deals})


deal_stats = funnel
