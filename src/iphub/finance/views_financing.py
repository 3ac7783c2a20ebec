"""Thin pages of financing: products, requests, a bank's inbox, the answer
board, the whitelist. Every rule lives in services and ``workflow.py``; pages get
the permitted actions and flags from there."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from iphub.core.calendar import LOCAL_TZ, add_years
from iphub.core.downloads import protected_file_response
from iphub.core.errors import ApplicationError
from iphub.core.exports import xlsx_response
from iphub.core.pages import form_errors
from iphub.core.permissions import region_path_of
from iphub.finance import workflow
from iphub.finance.models import (
    Collateral,
    DeclineReason,
    FinancingRequest,
    RequestState,
    WhitelistCriterion,
)
from iphub.finance.selectors import financing as sel
from iphub.finance.services import answers, notices, products, requests, whitelist
from iphub.finance.services.answers import pledge_origin

# ---------------------------------------------------------------- products


@login_required
def product_list(request: HttpRequest) -> HttpResponseBase:
    """Loan products on offer; a bank user also manages its own here."""
    user: Any = request.user
    is_bank = workflow.is_bank_user(user)
    own = sel.product_list(bank_id=user.organisation_id, active_only=False) if is_bank else None
    return render(
        request,
        "finance/products.html",
        {
            "products": [
                (p, [Collateral(c).label for c in p.collateral if c in Collateral.values])
                for p in sel.product_list()
            ],
            "own": own,
            "is_bank": is_bank,
        },
    )


@login_required
def product_form(request: HttpRequest, product_id: int | None = None) -> HttpResponseBase:
    """A bank publishes (or edits) a product of its own."""
    products.ensure_bank_user(request.user)
    user: Any = request.user
    current = None
    if product_id is not None:
        current = (
            sel.product_list(bank_id=user.organisation_id, active_only=False)
            .filter(pk=product_id)
            .first()
        )
        if current is None:
            raise ApplicationError("未找到该产品。", status=404)
    errors: dict[str, str] = {}
    values: Any = request.POST
    if request.method == "POST":
        try:
            if current is None:
                products.product_create(actor=user, data=request.POST)
            else:
                active = request.POST.get("active") == "1"
                products.product_update(
                    actor=user, product_id=current.pk, data=request.POST, active=active
                )
            messages.success(request, "产品已保存。")
            return redirect("finance:products")
        except ApplicationError as exc:
            if exc.status in (401, 403, 404):
                raise
            errors = form_errors(exc)
    elif current is not None:
        values = {
            "name": current.name,
            "rate_min": current.rate_min,
            "rate_max": current.rate_max,
            "amount_min": current.amount_min,
            "amount_max": current.amount_max,
            "term_min_months": current.term_min_months,
            "term_max_months": current.term_max_months,
            "materials": current.materials,
            "active": "1" if current.active else "",
        }
    chosen = (
        request.POST.getlist("collateral")
        if request.method == "POST"
        else (current.collateral if current else [])
    )
    regions = (
        request.POST.getlist("regions")
        if request.method == "POST"
        else (current.region_codes if current else [])
    )
    return render(
        request,
        "finance/product_form.html",
        {
            "current": current,
            "values": values,
            "errors": errors,
            "collaterals": [(v, label, v in chosen) for v, label in Collateral.choices],
            "cities": [(r, r.code in regions) for r in sel.service_regions()],
        },
        status=400 if errors else 200,
    )


# ---------------------------------------------------------------- requests


@login_required
def request_new(request: HttpRequest) -> HttpResponseBase:
    """An enterprise asks for financing: its own patents and marks, amount, term,
    and the banks (chosen, or those whose products fit)."""
    user: Any = request.user
    requests.ensure_enterprise(user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            made = requests.request_create(actor=user, data=request.POST)
            messages.success(
                request, f"融资需求 {made.reference} 已发送给 {made.answers.count()} 家银行。"
            )
            return redirect("finance:request", request_id=made.pk)
        except ApplicationError as exc:
            if exc.status in (401, 403):
                raise
            errors = form_errors(exc)
    data = request.POST if request.method == "POST" else request.GET
    chosen_patents = set(data.getlist("patents"))
    chosen_banks = set(data.getlist("banks"))
    chosen_products = set(data.getlist("products"))
    proposals = sel.proposals_for(user=user, data=data)
    return render(
        request,
        "finance/request_form.html",
        {
            "values": data,
            "errors": errors,
            "patents": [
                (p, p.application_number in chosen_patents) for p in sel.own_patents(user=user)
            ],
            "trademarks": list(sel.own_trademarks(user=user)),
            "banks": [(b, str(b.pk) in chosen_banks) for b in sel.bank_list()],
            "proposals": [(p, str(p.pk) in chosen_products) for p in proposals],
        },
        status=400 if errors else 200,
    )


@login_required
def request_list(request: HttpRequest) -> HttpResponseBase:
    """My requests (enterprise), the bank's inbox, or the region's requests (staff)."""
    user: Any = request.user
    state = request.GET.get("state", "")
    if state not in RequestState.values:
        state = ""
    if workflow.is_bank_user(user):
        return render(
            request,
            "finance/bank_inbox.html",
            {"slots": sel.bank_inbox(user=user)[:300], "today": timezone.now()},
        )
    rows = sel.request_list(user=user, state=state)
    staff = region_path_of(user) is not None
    if request.GET.get("export") == "xlsx" and staff:
        return xlsx_response(
            "financing-requests.xlsx",
            "融资需求",
            REQUEST_HEADERS,
            (request_cells(r) for r in rows),
            query={"状态": RequestState(state).label if state else "全部"},
        )
    return render(
        request,
        "finance/requests.html",
        {
            "rows": rows[:300],
            "state": state,
            "states": RequestState.choices,
            "staff": staff,
            "may_ask": sel.may_ask(user),
        },
    )


REQUEST_HEADERS = [
    "编号",
    "企业",
    "地区",
    "白名单",
    "融资金额（元）",
    "期限（月）",
    "状态",
    "放款银行",
    "放款金额（元）",
    "提交时间",
]


def request_cells(r: FinancingRequest) -> list[Any]:
    return [
        r.reference,
        r.organisation.name,
        r.region.name,
        "是" if getattr(r, "whitelisted", False) else "否",
        r.amount,
        r.term_months,
        r.get_state_display(),
        r.loan_bank.name if r.loan_bank else "",
        r.loan_amount,
        r.created_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
    ]


def pledge_link(r: FinancingRequest, answer: Any) -> list[tuple[str, str]]:
    """Links to the pledge registration forms pre-filled from the approved loan,
    one per offered patent or mark (a registration names one right)."""
    start = timezone.now().astimezone(LOCAL_TZ).date()
    end = sel.add_months(start, answer.approved_term_months or r.term_months)
    debt = {
        "pledgee": answer.bank.name,
        "debt_amount": f"{answer.approved_amount:.2f}",
        "debt_type": "流动资金贷款",
        "debt_start": start.isoformat(),
        "debt_end": end.isoformat(),
        # The filing carries the approved slot it follows; its registration
        # closes exactly this request (services.answers.pledge_registered).
        "origin": pledge_origin(answer),
    }
    out = []
    # In number order, as the request lists them (see selectors._requests).
    for p in r.patents.all():
        query = urlencode(
            debt
            | {
                "application_number": p.application_number,
                "guarantee_scope": "主债权及利息、违约金、实现质权的费用",
            }
        )
        out.append((p.application_number, f"{reverse('filings:pledge_new')}?{query}"))
    for m in r.trademarks.all():
        classes = ", ".join(str(c) for c in m.nice_classes or [])
        query = urlencode(
            debt
            | {
                "trademark_number": m.registration_number,
                "trademark_name": m.name,
                "trademark_classes": classes,
            }
        )
        out.append(
            (f"{m.registration_number} {m.name}", f"{reverse('filings:trademark_new')}?{query}")
        )
    return out


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponseBase:
    """A request with the slots the user may see, each with the steps they may take."""
    user: Any = request.user
    r = sel.request_get(user=user, request_id=request_id)
    slots = [
        {
            "answer": a,
            "actions": sel.answer_actions(user, a),
            "events": [(e, workflow.step_label(e.action)) for e in a.events.all()],
            "files": sel.slot_files(a),
            "asked": sel.asked_for(a),
        }
        for a in sel.visible_answers(user, r)
    ]
    approved = sel.approved_answer(r)
    return render(
        request,
        "finance/request_detail.html",
        {
            "r": r,
            "slots": slots,
            "reasons": DeclineReason.choices,
            "pledge_links": pledge_link(r, approved)
            if approved and workflow.owns_request(user, r)
            else [],
            "may_withdraw": workflow.may_withdraw_request(user, r),
        },
    )


@require_POST
@login_required
def answer_act(request: HttpRequest, answer_id: int, action: str) -> HttpResponseBase:
    """One step on a bank's slot (the service checks who may and the state)."""
    version = request.POST.get("version", "")
    try:
        a = answers.answer_step(
            actor=request.user,
            answer_id=answer_id,
            name=action,
            data=request.POST,
            files=request.FILES.getlist("files"),
            expected_version=int(version) if version.isdigit() else None,
        )
    except ApplicationError as exc:
        if exc.status in (401, 403, 404):
            raise
        messages.error(request, exc.message if not exc.fields else "；".join(exc.fields.values()))
        back = request.POST.get("request", "")
        if back.isdigit():
            return redirect("finance:request", request_id=int(back))
        return redirect("finance:requests")
    messages.success(request, f"已办理：{workflow.transition(action).label}。")
    return redirect("finance:request", request_id=a.request_id)


@login_required
def answer_file(request: HttpRequest, answer_id: int, file_id: int) -> HttpResponseBase:
    """A supplementary file, to the slot's bank, the enterprise and region staff only."""
    f = sel.supplement_file_get(user=request.user, answer_id=answer_id, file_id=file_id)
    return protected_file_response(
        f.file, filename=f.original_name, content_type=f.content_type, as_attachment=True
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponseBase:
    """The user's financing messages; opening the page marks the shown ones read."""
    user: Any = request.user
    page_obj = Paginator(notices.notice_list(user=user), 30).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    unread = [n.pk for n in rows if not n.read]
    notices.notices_mark_read(actor=user, ids=unread)
    return render(
        request,
        "finance/inbox.html",
        {"page": page_obj, "rows": [(n, n.pk in unread) for n in rows]},
    )


@require_POST
@login_required
def request_withdraw(request: HttpRequest, request_id: int) -> HttpResponseBase:
    answers.request_withdraw(actor=request.user, request_id=request_id)
    messages.success(request, "融资需求已撤回。")
    return redirect("finance:request", request_id=request_id)


BOARD_HEADERS = [
    "银行",
    "待答复",
    "今日到期",
    "临近超期",
    "已超期",
    "已答复",
    "超期答复",
    "平均答复（工作日）",
]


@login_required
def board(request: HttpRequest) -> HttpResponseBase:
    """The answer-time board: slots waiting on each bank and how fast it answers."""
    rows = sel.answer_board(user=request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "financing-board.xlsx",
            "银行答复时限",
            BOARD_HEADERS,
            (
                [
                    r.bank.name,
                    r.waiting,
                    len(r.due_today),
                    len(r.at_risk),
                    len(r.overdue),
                    r.answered,
                    r.answered_late,
                    r.average_days if r.average_days is not None else "无数据",
                ]
                for r in rows
            ),
        )
    return render(
        request,
        "finance/board.html",
        {
            "rows": rows,
            "answer_days": workflow.answer_days(),
            "review_days": workflow.review_days(),
        },
    )


# ---------------------------------------------------------------- whitelist


@login_required
def whitelist_page(request: HttpRequest) -> HttpResponseBase:
    """The whitelist: banks read it; city and province supervisors add and remove."""
    user: Any = request.user
    entries = sel.whitelist_list(user=user)
    curator = sel.may_curate_whitelist(user)
    errors: dict[str, str] = {}
    if request.method == "POST" and curator:
        try:
            if request.POST.get("remove"):
                whitelist.whitelist_remove(
                    actor=user,
                    entry_id=int(request.POST["remove"]),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "已移出白名单。")
            else:
                whitelist.whitelist_add(actor=user, data=request.POST)
                messages.success(request, "已列入白名单。")
            return redirect("finance:whitelist")
        except (ApplicationError, ValueError) as exc:
            if isinstance(exc, ApplicationError) and exc.status in (401, 403, 404):
                raise
            errors = (
                form_errors(exc) if isinstance(exc, ApplicationError) else {"form": "请求有误。"}
            )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "financing-whitelist.xlsx",
            "融资白名单",
            ["企业", "所在地区", "推荐地区", "入选条件", "依据", "有效期起", "有效期止"],
            (
                [
                    e.organisation.name,
                    e.organisation.region.name,
                    e.listed_by_region.name,
                    "、".join(sel.criteria_labels(e.criteria)),
                    e.evidence,
                    e.valid_from,
                    e.valid_until,
                ]
                for e in entries
            ),
        )
    today = timezone.localdate()
    return render(
        request,
        "finance/whitelist.html",
        {
            "entries": [(e, sel.criteria_labels(e.criteria)) for e in entries],
            "curator": curator,
            "errors": errors,
            "values": request.POST,
            "criteria": WhitelistCriterion.choices,
            "candidates": sel.whitelist_candidates(user=user) if curator else [],
            "today": today.isoformat(),
            "until": add_years(today, 1).isoformat(),
        },
        status=400 if errors else 200,
    )
