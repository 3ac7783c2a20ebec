"""Finance pages: pledge-financing totals, risk-compensation funds, bank loan import."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from iphub.core.errors import ApplicationError
from iphub.core.exports import xlsx_response
from iphub.core.models import Role
from iphub.core.pages import form_errors
from iphub.core.permissions import has_role
from iphub.finance import selectors, services
from iphub.finance.models import ClaimStatus

TABLES = {
    "bank": (gettext_lazy("按银行"), gettext_lazy("银行（质权人）")),
    "region": (gettext_lazy("按地区"), gettext_lazy("受理地区")),
    "month": (gettext_lazy("按月份"), gettext_lazy("月份")),
    "industry": (gettext_lazy("按行业"), gettext_lazy("行业")),
}


def _can_edit(request: HttpRequest) -> bool:
    # Only supervisors record funds and claims (the services check it again).
    user: Any = request.user
    return has_role(user, Role.SUPERVISOR)


@login_required
def overview(request: HttpRequest) -> HttpResponseBase:
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else None
    totals = selectors.pledge_totals(user=request.user, year=year)
    export = request.GET.get("export", "")
    if export in TABLES:
        title, head = TABLES[export]
        rows = getattr(totals, f"by_{export}")
        return xlsx_response(
            f"pledge-{export}.xlsx",
            f"质押融资{title}",
            [str(head), "件数", "金额（元）"],
            rows,
            query={"年度": year or "全部"},
        )
    funds = list(selectors.fund_list(user=request.user))
    if export == "funds":
        return xlsx_response(
            "risk-funds.xlsx",
            "风险补偿资金",
            ["地区", "名称", "规模（元）", "设立日期", "管理机构", "补偿申请数", "申请金额（元）"],
            (
                [
                    f.region.name,
                    f.name,
                    f.size,
                    f.established_on,
                    f.manager,
                    getattr(f, "claims_count", 0),
                    getattr(f, "claims_amount", 0),
                ]
                for f in funds
            ),
        )
    loans = selectors.loan_report_list(user=request.user)
    if export == "loans":
        return xlsx_response(
            "bank-loans.xlsx",
            "银行报送贷款",
            services.LOAN_HEADERS,
            (
                [
                    r.bank,
                    r.region_id,
                    f"{r.month:%Y-%m}",
                    r.get_pledge_kind_display(),
                    r.industry,
                    r.loans,
                    r.amount,
                ]
                for r in loans
            ),
        )
    tables = [(k, TABLES[k][0], TABLES[k][1], getattr(totals, f"by_{k}")) for k in TABLES]
    return render(
        request,
        "finance/overview.html",
        {
            "totals": totals,
            "tables": tables,
            "funds": funds,
            "loans": loans[:200],
            "year": year,
            "can_edit": _can_edit(request),
        },
    )


@require_POST
@login_required
def loans_import(request: HttpRequest) -> HttpResponseBase:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择文件。")
        return redirect("finance:overview")
    try:
        result = services.loans_import(
            actor=request.user,
            fh=io.BytesIO(upload.read()),
            skip_bad=request.POST.get("mode") == "skip_bad",
        )
    except ApplicationError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect("finance:overview")
    for row, msg in result.errors:
        messages.error(request, f"第 {row} 行：{msg}")
    if result.errors and not result.saved:
        messages.error(request, "存在错误行，未导入任何数据。")
    else:
        messages.success(request, f"已导入 {result.saved} 行。")
    return redirect("finance:overview")


@login_required
def loans_template(request: HttpRequest) -> HttpResponseBase:
    return xlsx_response(
        "bank-loans-template.xlsx",
        "银行报送贷款",
        services.LOAN_HEADERS,
        [["某银行武汉分行", "420100", "2026-05", "专利权质押", "光电子信息", 3, 5000000]],
    )


@login_required
def fund_new(request: HttpRequest) -> HttpResponseBase:
    """Record a risk-compensation fund of a locality inside the user's region."""
    regions = selectors.fund_regions(user=request.user)
    error, errors = "", {}
    if request.method == "POST":
        try:
            fund = services.fund_create(actor=request.user, data=request.POST.dict())
            messages.success(request, "风险补偿资金已登记。")
            return redirect("finance:fund", fund_id=fund.pk)
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            error, errors = exc.message, form_errors(exc)
    return render(
        request,
        "finance/fund_form.html",
        {"regions": regions, "error": error, "errors": errors, "data": request.POST},
        status=400 if errors else 200,
    )


@login_required
def fund_detail(request: HttpRequest, fund_id: int) -> HttpResponseBase:
    """A fund with its claims; a supervisor records a claim or decides a pending one."""
    fund = selectors.fund_get(user=request.user, fund_id=fund_id)
    error, errors = "", {}
    if request.method == "POST":
        try:
            if request.POST.get("claim"):
                services.claim_decide(
                    actor=request.user,
                    claim_id=int(request.POST["claim"]),
                    status=request.POST.get("status", ""),
                )
                messages.success(request, "已记录补偿结果。")
            else:
                services.claim_create(actor=request.user, fund_id=fund.pk, data=request.POST.dict())
                messages.success(request, "补偿申请已登记。")
            return redirect("finance:fund", fund_id=fund.pk)
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            error, errors = exc.message, form_errors(exc)
    claims = list(selectors.claim_list(user=request.user, fund=fund))
    can_edit = _can_edit(request)
    return render(
        request,
        "finance/fund_detail.html",
        {
            "fund": fund,
            "claims": claims,
            # Claims a supervisor may still decide (pending ones).
            "decidable": {c.pk for c in claims if c.status == ClaimStatus.PENDING}
            if can_edit
            else set(),
            "error": error,
            "errors": errors,
            "data": request.POST,
            "statuses": ClaimStatus.choices,
            "can_edit": can_edit,
        },
        status=400 if errors else 200,
    )
