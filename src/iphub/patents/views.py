"""Thin pages of the patents app: search, detail, applicant, export, import, saved searches."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from iphub.core import ratelimit
from iphub.core.errors import ApplicationError
from iphub.core.exports import csv_response, xlsx_response
from iphub.patents import change_example, events, selectors, services
from iphub.patents.exports import (
    COLUMNS,
    capped_rows,
    export_filename,
    export_rows,
    export_size,
)
from iphub.patents.intelligence.record import record_context
from iphub.patents.models import ImportMode, Patent
from iphub.patents.pager import SearchState, pager_links
from iphub.patents.search import QuerySyntaxError
from iphub.patents.selectors import FACET_TITLES
from iphub.patents.services import updates
from iphub.patents.views_export import export_offer

FACET_FIELDS = {
    "type": "TYPE",
    "status": "STATUS",
    "year": "AD",
    "ipc_subclass": "IPC",
    "city": "RG",
    "applicant": "PA",
    "grade": "GRADE",
}
# Which date a result line shows besides the application date: the one sorted by.
_SORT_DATE = {
    "pub_date_desc": ("pub_date", gettext_lazy("公开日")),
    "pub_date_asc": ("pub_date", gettext_lazy("公开日")),
    "grant_date_desc": ("grant_date", gettext_lazy("授权日")),
    "grant_date_asc": ("grant_date", gettext_lazy("授权日")),
}


def _facet_query(base: str, name: str, value: str) -> str:
    code = FACET_FIELDS[name]
    if name == "ipc_subclass":
        term = f"{code}={value}*"
    elif name in ("applicant", "status"):
        term = f'{code}="{value}"'
    else:
        term = f"{code}={value}"
    return f"({base}) AND {term}" if base else term


def _hit_facts(p: Patent, sort: str) -> list[str]:
    """The parts of a result line that the record has, in reading order; a missing
    number, type or date is left out rather than shown as an empty slot."""
    number = p.application_number or (
        p.publication_number + p.publication_kind if p.publication_number else ""
    )
    facts = [number, p.get_patent_type_display() if p.patent_type else ""]
    if p.app_date:
        facts.append(f"{_('申请日')} {p.app_date.isoformat()}")
    if sort in _SORT_DATE:
        field, label = _SORT_DATE[sort]
        value = getattr(p, field)
        facts.append(f"{label} {value.isoformat()}" if value else "")
    facts.append("；".join(a for a in p.applicants if a))
    facts.append(p.ipc_main)
    return [str(f) for f in facts if f]


def search(request: HttpRequest) -> HttpResponseBase:
    state = SearchState.from_params(request.GET)
    context: dict[str, Any] = {
        "q": state.q,
        "sort": state.sort,
        "sorts": list(selectors.SORT_ORDERS.items()),
        "page_size": state.page_size,
        "page_sizes": selectors.PAGE_SIZES,
        "error": None,
        "result": None,
        "facet_titles": FACET_TITLES,
        "family": state.family,
    }
    if state.q:
        try:
            result = selectors.patent_search(
                state.q,
                sort=state.sort,
                page=state.page,
                page_size=state.page_size,
                collapse=state.family,
            )
        except QuerySyntaxError as exc:
            context["error"] = exc
            context["error_marker"] = " " * exc.position + "^"
        else:
            shown = state.with_page(result.page)
            back = urlencode({"back": shown.query_string()})
            context["result"] = result
            context["hits"] = [
                {**row, "facts": _hit_facts(row["patent"], state.sort), "back": back}
                for row in result.rows
            ]
            context["pager"] = pager_links(shown, result.num_pages)
            if result.page > 1:
                context["previous_url"] = shown.with_page(result.page - 1).url()
            if result.page < result.num_pages:
                context["next_url"] = shown.with_page(result.page + 1).url()
            context["export_query"] = SearchState(state.q, state.sort).query_string()
            context["facet_links"] = {
                name: [
                    (
                        fv,
                        SearchState(
                            _facet_query(state.q, name, fv.value),
                            state.sort,
                            state.page_size,
                            family=state.family,
                        ).query_string(),
                    )
                    for fv in values
                ]
                for name, values in result.facets.items()
            }
            context["year_chart"] = sorted(
                ((fv.value, fv.count) for fv in result.facets.get("year", [])), key=lambda x: x[0]
            )
    return render(request, "patents/search.html", context)


def detail(request: HttpRequest, patent_id: int) -> HttpResponseBase:
    try:
        patent = selectors.patent_get(patent_id)
    except ApplicationError as exc:
        return render(request, "portal/error.html", {"message": exc.message}, status=404)
    from iphub.patents.ipc import ipc_title

    # The search this record was opened from: only its four parameters are kept and
    # put after the search page's own path, so the link never leaves the site.
    came_from = SearchState.from_back(request.GET.get("back", ""))
    context = {
        "p": patent,
        "ipc": [(c, ipc_title(c) or "") for c in patent.ipc_codes],
        "applicants": [x for x in patent.parties.all() if x.role == "applicant"],
        "inventors": [x for x in patent.parties.all() if x.role == "inventor"],
        "same_applicant": selectors.patent_same_applicant(patent),
        "back_url": f"{came_from.url()}#hit-{patent.pk}" if came_from else "",
        "back": urlencode({"back": came_from.query_string()}) if came_from else "",
    }
    # Apps above patents add to the page (navigation: the high-value criteria met).
    context.update(events.detail_context(patent=patent, user=request.user))
    context.update(record_context(patent))  # value grade, citations, family (issue 20)
    return render(request, "patents/detail.html", context)


def applicant(request: HttpRequest) -> HttpResponseBase:
    name = request.GET.get("name", "").strip()
    try:
        portfolio = selectors.applicant_portfolio(name)
    except ApplicationError as exc:
        return render(request, "portal/error.html", {"message": exc.message}, status=404)
    page = Paginator(portfolio.patents, 20).get_page(request.GET.get("page"))
    return render(
        request, "patents/applicant.html", {"pf": portfolio, "page": page, "params": {"name": name}}
    )


def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Stream the whole result set (every row, not one page) to Excel or CSV, in the
    page's sort order, in a file named after the search and the day
    (``专利检索_锂电池_20261205.xlsx``)."""

    state = SearchState.from_params(request.GET)
    query = state.q
    try:
        if query:
            from iphub.patents.search import parse

            parse(query)
    except QuerySyntaxError as exc:
        return render(request, "portal/error.html", {"message": f"检索式有误：{exc}"}, status=400)
    if fmt not in ("xlsx", "csv"):
        return render(request, "portal/error.html", {"message": "仅支持 xlsx 或 csv。"}, status=404)
    headers = [label for _label, label in COLUMNS]
    name, fallback = export_filename(query, fmt, on=timezone.localdate())
    conditions = {"检索式": query or "（全部记录）", "排序": selectors.SORT_ORDERS[state.sort]}
    if request.user.is_authenticated:
        # A large result set is written by the task queue, not by this web worker
        # (the whole corpus as xlsx is ~25 s of CPU): the user is offered a queued
        # export with its progress and download link (views_export).
        total = export_size(query)
        if total > settings.EXPORT_SYNC_ROWS:
            return export_offer(request, query=query, fmt=fmt, total=total)
    rows = export_rows(query, sort=state.sort)
    if not request.user.is_authenticated:
        # A visitor's download is capped (the whole corpus is ~155k rows, 25 s of CPU
        # as xlsx) and rate-limited per address; signed-in users export everything.
        wait = ratelimit.hit("export_anonymous", ratelimit.client_address(request))
        if wait is not None:
            return ratelimit.too_many(request, wait)
        cap = settings.EXPORT_ANONYMOUS_ROWS
        more = _("结果超过 %(n)s 条，只导出了前 %(n)s 条；登录后可导出全部结果。") % {"n": cap}
        rows = capped_rows(export_rows(query, sort=state.sort, limit=cap + 1), limit=cap, note=more)
        conditions["说明"] = _("未登录用户最多导出 %(n)s 条记录；登录后可导出全部结果。") % {
            "n": cap
        }
    response: HttpResponseBase
    if fmt == "xlsx":
        response = xlsx_response(name, "专利", headers, rows, query=conditions, fallback=fallback)
    else:
        response = csv_response(name, headers, rows, fallback=fallback)
    if not request.user.is_authenticated:
        response["X-Export-Row-Limit"] = str(settings.EXPORT_ANONYMOUS_ROWS)
    return response


@login_required
def imports(request: HttpRequest) -> HttpResponseBase:
    jobs = selectors.import_job_list(user=request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        mode = request.POST.get("mode", "")
        # 著录项目 (a patent export, also the weekly publication file) or 法律状态变更
        # (a change file: events appended to records held, issue 24).
        change_file = request.POST.get("kind") == updates.JOB_KIND
        if upload is None:
            errors["file"] = "请选择要导入的文件。"
        else:
            try:
                if change_file:
                    job = updates.legal_status_job_upload(
                        actor=request.user, upload=upload, mode=mode
                    )
                else:
                    job = services.import_job_upload(actor=request.user, upload=upload, mode=mode)
            except ApplicationError as exc:
                errors = exc.fields or {"file": exc.message}
            else:
                from iphub.patents.tasks import run_import_job, run_legal_status_job

                (run_legal_status_job if change_file else run_import_job).enqueue(job.pk)
                return redirect("patents:import_detail", job_id=job.pk)
    return render(
        request,
        "patents/imports.html",
        {
            "jobs": jobs[:50],
            "errors": errors,
            "modes": ImportMode.choices,
            "change_file_kind": updates.JOB_KIND,
        },
    )


@login_required
def change_file_example(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The example legal-status change file (CSV or Excel), from the demo's real
    records (``change_example``)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = change_example.change_file_example_rows()
    name = f"{change_example.EXAMPLE_NAME}.{fmt}"
    fallback = f"legal-status-changes-example.{fmt}"
    if fmt == "csv":
        return csv_response(name, change_example.HEADERS, rows, fallback=fallback)
    return xlsx_response(name, "法律状态变更", change_example.HEADERS, rows, fallback=fallback)


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponseBase:
    job = selectors.import_job_get(user=request.user, job_id=job_id)
    change_file = updates.is_change_file_job(job)
    return render(request, "patents/import_detail.html", {"job": job, "change_file": change_file})


@login_required
def import_progress(request: HttpRequest, job_id: int) -> HttpResponseBase:
    job = selectors.import_job_get(user=request.user, job_id=job_id)
    change_file = updates.is_change_file_job(job)
    return render(
        request, "patents/_import_progress.html", {"job": job, "change_file": change_file}
    )


@login_required
def saved_searches(request: HttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        try:
            services.saved_search_create(
                user=request.user,
                name=request.POST.get("name", ""),
                query=request.POST.get("query", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                "已保存检索；导入新专利或已有专利发生变更（如授权、失效、质押）并命中时会提醒您。",
            )
        return redirect("patents:saved")
    alerts = selectors.search_alert_list(user=request.user)[:50]
    return render(
        request,
        "patents/saved.html",
        {"saved": selectors.saved_search_list(user=request.user), "alerts": alerts},
    )


@login_required
def search_alert(request: HttpRequest, alert_id: int) -> HttpResponseBase:
    try:
        found = selectors.search_alert_records(user=request.user, alert_id=alert_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("patents:saved")
    services.search_alert_mark_read(user=request.user, alert_id=alert_id)
    return render(request, "patents/alert.html", {"found": found})


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, saved_id: int) -> HttpResponseBase:
    try:
        services.saved_search_delete(user=request.user, saved_search_id=saved_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("patents:saved")


@login_required
def unresolved(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.patents_unresolved_regions(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "patents/unresolved.html", {"page": page, "params": {}})
