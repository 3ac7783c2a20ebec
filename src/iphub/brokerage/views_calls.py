"""Thin pages of 揭榜挂帅: the hall of calls, a call's page (proposals, scores,
declines, the award), the forms to publish a call and to submit a proposal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.brokerage import selectors, services, workflow
from iphub.brokerage.models import ProposalState
from iphub.core.errors import ApplicationError, NotFound
from iphub.core.exports import file_response
from iphub.core.pages import refusals_back_to
from iphub.transfer.access import is_member
from iphub.transfer.models import DealKind


def _org(request: HttpRequest) -> int | None:
    return getattr(request.user, "organisation_id", None)


def call_hall(request: HttpRequest) -> HttpResponseBase:
    return render(request, "brokerage/call_hall.html", {"calls": list(selectors.call_hall()[:100])})


@login_required
def call_mine(request: HttpRequest) -> HttpResponseBase:
    return render(
        request,
        "brokerage/call_mine.html",
        {
            "calls": list(selectors.calls_mine(user=request.user)),
            "proposals": list(selectors.proposals_mine(user=request.user)),
            "can_create": is_member(request.user, _org(request)),
        },
    )


@login_required
def call_new(request: HttpRequest) -> HttpResponseBase:
    if not is_member(request.user, _org(request)):
        raise NotFound(_("只有企业、高校或服务机构账号可以发布榜单。"))
    error, data = None, {"criteria": "技术先进性 40\n实施可行性 30\n团队与基础 20\n报价 10"}
    if request.method == "POST":
        data = request.POST.dict()
        try:
            call = services.call_create(
                actor=request.user, data=data, publish=request.POST.get("publish") == "1"
            )
        except ApplicationError as exc:
            if exc.status in (401, 404):
                raise
            error = exc
        else:
            messages.success(request, _("榜单已保存。"))
            return redirect("brokerage:call_detail", call_id=call.pk)
    needs = list(selectors.open_needs_of(user=request.user))
    return render(
        request, "brokerage/call_form.html", {"error": error, "data": data, "needs": needs}
    )


def _proposal_rows(user: Any, call: Any, today: Any) -> list[dict[str, Any]]:
    rows = []
    for p in selectors.call_proposals(user=user, call=call):
        flags = workflow.proposal_actions(user, call, p, today)
        rows.append(
            {
                "p": p,
                **flags,
                "declined": p.state == ProposalState.DECLINED,
                "scores": [
                    (c["name"], c["weight"], p.scores.get(c["name"])) for c in call.criteria
                ],
            }
        )
    return rows


def call_detail(request: HttpRequest, call_id: int) -> HttpResponseBase:
    call = selectors.call_get(user=request.user, call_id=call_id)
    today = selectors.today()
    actions = workflow.call_actions(request.user, call, today)
    return render(
        request,
        "brokerage/call_detail.html",
        {
            "call": call,
            "rows": _proposal_rows(request.user, call, today),
            "deal_kinds": DealKind.choices,
            "today": today,
            "past_deadline": today > call.deadline,
            **actions,
        },
    )


@login_required
@require_POST
@refusals_back_to("brokerage:call_detail", "call_id")
def call_action(request: HttpRequest, call_id: int, action: str) -> HttpResponseBase:
    if action == "publish":
        services.call_publish(actor=request.user, call_id=call_id)
        messages.success(request, _("榜单已发布。"))
    elif action == "cancel":
        services.call_cancel(actor=request.user, call_id=call_id)
        messages.success(request, _("已撤榜。"))
    else:
        raise NotFound()
    return redirect("brokerage:call_detail", call_id=call_id)


@login_required
@require_POST
@refusals_back_to("brokerage:call_detail", "call_id")
def proposal_submit(request: HttpRequest, call_id: int) -> HttpResponseBase:
    services.proposal_submit(
        actor=request.user,
        call_id=call_id,
        data=request.POST.dict(),
        files=request.FILES.getlist("files"),
    )
    messages.success(request, _("揭榜方案已提交。"))
    return redirect("brokerage:call_detail", call_id=call_id)


@login_required
@require_POST
def proposal_action(request: HttpRequest, proposal_id: int, action: str) -> HttpResponseBase:
    call_id = int(request.POST.get("call") or 0)
    try:
        if action == "score":
            scores = {k[6:]: v for k, v in request.POST.items() if k.startswith("score:")}
            services.proposal_score(actor=request.user, proposal_id=proposal_id, scores=scores)
            messages.success(request, _("已保存评分。"))
        elif action == "decline":
            services.proposal_decline(
                actor=request.user, proposal_id=proposal_id, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已告知揭榜方未入选及原因。"))
        elif action == "award":
            services.proposal_award(
                actor=request.user, proposal_id=proposal_id, deal=request.POST.dict()
            )
            messages.success(request, _("已确定揭榜方，成交已登记。"))
        elif action == "withdraw":
            services.proposal_withdraw(actor=request.user, proposal_id=proposal_id)
            messages.success(request, _("方案已撤回。"))
        else:
            raise NotFound()
    except ApplicationError as exc:
        if exc.status in (401, 404) or not call_id:
            raise
        messages.error(request, exc.message)
    return (
        redirect("brokerage:call_detail", call_id=call_id)
        if call_id
        else redirect("brokerage:calls")
    )


@login_required
def proposal_file(request: HttpRequest, file_id: int) -> HttpResponseBase:
    f = selectors.proposal_file_get(user=request.user, file_id=file_id)
    return file_response(f.file.open("rb"), f.original_name, content_type=f.content_type)
