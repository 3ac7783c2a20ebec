"""Thin pages of the filings app: catalogue, forms, my filings, queue, review,
board, notice and its public verification. Every rule lives in services."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from iphub.core.downloads import protected_file_response
from iphub.core.errors import ApplicationError
from iphub.core.exports import xlsx_response
from iphub.filings import catalogue, checks, selectors, services, workflow
from iphub.filings.catalogue import LEVEL_LABELS
from iphub.filings.models import FilingKind, FilingState, LicenceType, Operation, PendingUpload
from iphub.filings.notices import notice_lines, notice_pdf, notice_title
from iphub.filings.services.pending import (
    pending_documents,
    pending_upload_list,
    pending_uploads_discard,
    pending_uploads_keep,
)
from iphub.filings.services.products import RELATIONS

# How the two parties of each kind are called on its pages.
PARTY_LABELS: dict[str, tuple[str, str]] = {
    FilingKind.PATENT_PLEDGE: ("出质人", "质权人"),
    FilingKind.TRADEMARK_PLEDGE: ("出质人", "质权人"),
    FilingKind.PATENT_LICENCE: ("许可人", "被许可人"),
    FilingKind.PATENT_TRANSFER: ("转让人", "受让人"),
    FilingKind.PATENT_PRODUCT: ("备案人", ""),
}


def _files(request: HttpRequest) -> dict[str, list[Any]]:
    return {k: request.FILES.getlist(k) for k in request.FILES}


class FormUploads:
    """The materials of one form post: files chosen now, plus those kept from an
    earlier refused post (``pending_upload`` tokens), a new choice for a material
    replacing the kept one. After the service call, :meth:`done` drops the kept
    files; :meth:`refused` keeps the valid new ones for the form shown again."""

    def __init__(self, request: HttpRequest) -> None:
        self.user = request.user
        self.new = _files(request)
        earlier = pending_upload_list(
            actor=request.user, tokens=request.POST.getlist("pending_upload")
        )
        self.replaced = [p for p in earlier if self.new.get(p.material)]
        self.kept: list[PendingUpload] = [p for p in earlier if not self.new.get(p.material)]

    def documents(self) -> dict[str, list[Any]]:
        return pending_documents(self.kept) | self.new

    def done(self) -> None:
        pending_uploads_discard([*self.kept, *self.replaced])

    def refused(self, service: catalogue.Service) -> list[PendingUpload]:
        pending_uploads_discard(self.replaced)
        self.kept += pending_uploads_keep(actor=self.user, service=service, documents=self.new)
        return self.kept


def catalogue_page(request: HttpRequest) -> HttpResponseBase:
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    items = catalogue.service_search(q, level=level)
    forms = {
        ("patent_pledge", "establish"): reverse("filings:pledge_new"),
        ("patent_pledge", "change"): reverse("filings:pledge_amend", args=["change"]),
        ("patent_pledge", "cancel"): reverse("filings:pledge_amend", args=["cancel"]),
        ("patent_licence", "establish"): reverse("filings:licence_new"),
        ("trademark_pledge", "establish"): reverse("filings:trademark_new"),
        **{
            ("trademark_pledge", op): reverse("filings:trademark_amend", args=[op])
            for op in ("change", "extend", "cancel")
        },
        ("patent_transfer", "establish"): reverse("filings:transfer_new"),
        ("patent_product", "establish"): reverse("filings:product_new"),
    }
    rows = [(s, forms.get((s.kind or "", s.operation), "")) for s in items]
    return render(
        request,
        "filings/catalogue.html",
        {"rows": rows, "q": q, "level": level, "levels": LEVEL_LABELS.items()},
    )


def _form_page(
    request: HttpRequest,
    *,
    template: str,
    service: catalogue.Service,
    submit: Any,
    drafts: bool = False,
) -> HttpResponseBase:
    """A filing form; with ``drafts`` its "保存草稿" button keeps it as a draft.
    Valid materials survive a refused post (:class:`FormUploads`)."""
    errors: dict[str, str] = {}
    kept: list[PendingUpload] = []
    if request.method == "POST":
        as_draft = drafts and "save" in request.POST
        extra = {"submit": False} if as_draft else {}
        uploads = FormUploads(request)
        try:
            filing = submit(
                actor=request.user,
                data=request.POST,
                documents=uploads.documents(),
                idempotency_key=request.POST.get("idempotency_key", ""),
                **extra,
            )
        except ApplicationError as exc:
            if exc.status in (401, 403):
                raise
            errors = exc.fields or {"form": exc.message}
            kept = uploads.refused(service)
        else:
            uploads.done()
            done = "已保存草稿" if as_draft else "已提交"
            messages.success(request, f"{done}，办件编号 {filing.reference}。")
            return redirect("filings:detail", filing_id=filing.pk)
    # A new form opens with the values its link carries (a bank's approved loan
    # pre-fills the pledge form from the finance app); the post is checked as any.
    values = request.POST if request.method == "POST" else request.GET
    context = form_context(request, service, errors, values, drafts, kept=kept)
    return render(request, template, context)


def form_context(
    request: HttpRequest,
    service: catalogue.Service,
    errors: dict[str, str],
    values: Any,
    drafts: bool,
    *,
    kept: list[PendingUpload] | None = None,
) -> dict[str, Any]:
    """What every filing form template reads; ``material_rows`` pairs each
    material with the files kept for it from a refused post."""
    by_material: dict[str, list[PendingUpload]] = {}
    for p in kept or []:
        by_material.setdefault(p.material, []).append(p)
    return {
        "material_rows": [(m, by_material.get(m.code, [])) for m in service.materials],
        "service": service,
        "errors": errors,
        "values": values,
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        "licence_types": LicenceType.choices,
        "relations": RELATIONS.items(),
        "drafts": drafts,
        # A draft may be saved before its materials are ready; the service still
        # requires them on submission.
        "optional_files": drafts,
    }


@login_required
def pledge_new(request: HttpRequest) -> HttpResponseBase:
    service = catalogue.service_for(FilingKind.PATENT_PLEDGE, Operation.ESTABLISH)
    return _form_page(
        request,
        template="filings/pledge_form.html",
        service=service,
        submit=services.pledge_submit,
        drafts=True,
    )


@login_required
def pledge_amend(request: HttpRequest, operation: str) -> HttpResponseBase:
    if operation not in (Operation.CHANGE, Operation.CANCEL):
        raise ApplicationError("没有该事项。", status=404)
    service = catalogue.service_for(FilingKind.PATENT_PLEDGE, operation)
    submit = (
        services.pledge_change_submit if operation == "change" else services.pledge_cancel_submit
    )
    return _form_page(
        request, template="filings/pledge_amend_form.html", service=service, submit=submit
    )


@login_required
def licence_new(request: HttpRequest) -> HttpResponseBase:
    service = catalogue.service_for(FilingKind.PATENT_LICENCE, Operation.ESTABLISH)
    return _form_page(
        request,
        template="filings/licence_form.html",
        service=service,
        submit=services.licence_submit,
        drafts=True,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.filing_list(user=request.user, state=request.GET.get("state", ""))
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "filings/list.html",
        {"page": page, "states": FilingState.choices, "params": {}, "title": "我的办件"},
    )


@login_required
def queue(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.filing_queue(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "filings/queue.html", {"page": page, "params": {}})


@login_required
def board(request: HttpRequest) -> HttpResponseBase:
    """The time-limit board; ``?export=waiting`` or ``?export=rates`` gives the
    same figures as an Excel workbook (what the page shows, for the monthly report)."""
    rows = selectors.filing_board(user=request.user)
    rates = selectors.filing_on_time_rates(user=request.user)
    export = request.GET.get("export", "")
    if export == "waiting":
        return xlsx_response(
            "filings-waiting.xlsx",
            "待办申请",
            selectors.BOARD_COLUMNS,
            selectors.board_table(rows),
        )
    if export == "rates":
        return xlsx_response(
            "filings-on-time.xlsx",
            "按时办结率",
            selectors.RATE_COLUMNS,
            selectors.on_time_table(rates),
            query={"月份": f"{rates.months[0]} 至 {rates.months[-1]}"},
        )
    return render(request, "filings/board.html", {"rows": rows, "rates": rates})


@login_required
def detail(request: HttpRequest, filing_id: int) -> HttpResponseBase:
    filing = selectors.filing_get(user=request.user, filing_id=filing_id)
    service = catalogue.service_for(filing.kind, filing.operation)
    return render(
        request,
        "filings/detail.html",
        {
            "f": filing,
            "service": service,
            "actions": [t.name for t in workflow.available(request.user, filing)],
            "grounds": service.refusal_grounds,
            "ground_label": service.ground_label(filing.refusal_ground),
            # The return's reasons and the refusal's ground are shown in those states.
            "returned": filing.state == FilingState.RETURNED,
            "refused": filing.state == FilingState.REFUSED,
            "has_notice": bool(filing.verification_code),
            "holder_label": gettext(PARTY_LABELS[filing.kind][0]),
            "counterparty_label": gettext(PARTY_LABELS[filing.kind][1]),
            # Filer, party and holder of record compared for the clerk (and the applicant).
            "party_warnings": checks.party_warnings(filing),
            # Materials and history steps in words, not their codes.
            "documents": [
                (d, catalogue.material_name(service, d.material)) for d in filing.documents.all()
            ],
            "history": [(e, workflow.step_label(e.action)) for e in filing.events.all()],
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, filing_id: int, action: str) -> HttpResponseBase:
    kwargs: dict[str, Any] = {"actor": request.user, "filing_id": filing_id}
    version = request.POST.get("version", "")
    if action != "withdraw" and version.isdigit():
        kwargs["expected_version"] = int(version)
    try:
        if action == "accept":
            services.filing_accept(**kwargs)
        elif action == "approve":
            services.filing_approve(**kwargs)
        elif action == "return":
            services.filing_return(**kwargs, reasons=request.POST.get("reasons", ""))
        elif action == "refuse":
            services.filing_refuse(
                **kwargs, ground=request.POST.get("ground", ""), note=request.POST.get("note", "")
            )
        elif action == "withdraw":
            services.filing_withdraw(**kwargs)
        elif action == "submit":
            services.filing_submit(actor=request.user, filing_id=filing_id)
        else:
            raise ApplicationError("没有该操作。", status=404)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{workflow.transition(action).label}。")
    return redirect("filings:detail", filing_id=filing_id)


@login_required
def correct(request: HttpRequest, filing_id: int) -> HttpResponseBase:
    filing = selectors.filing_get(user=request.user, filing_id=filing_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.filing_correct(
                actor=request.user,
                filing_id=filing_id,
                documents=_files(request),
                data=request.POST,
            )
        except ApplicationError as exc:
            errors = exc.fields or {"form": exc.message}
        else:
            messages.success(request, "已补正并重新提交。")
            return redirect("filings:detail", filing_id=filing_id)
    service = catalogue.service_for(filing.kind, filing.operation)
    context = {
        "f": filing,
        "service": service,
        "errors": errors,
        "material_rows": [(m, []) for m in service.materials],
    }
    return render(request, "filings/correct.html", context)


@login_required
def notice(request: HttpRequest, filing_id: int) -> HttpResponseBase:
    filing = selectors.filing_get(user=request.user, filing_id=filing_id)
    url = request.build_absolute_uri(
        reverse("filings:verify", args=[filing.verification_code or "-"])
    )
    data = notice_pdf(filing, verify_url=url)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="notice-{filing.registration_number}.pdf"'
    )
    return response


@login_required
def document(request: HttpRequest, filing_id: int, document_id: int) -> HttpResponseBase:
    filing = selectors.filing_get(user=request.user, filing_id=filing_id)
    doc = next((d for d in filing.documents.all() if d.pk == document_id), None)
    if doc is None:
        raise ApplicationError("未找到该材料。", status=404)
    # Shown inline as before; nginx sends the bytes when it fronts the node (core.downloads).
    return protected_file_response(
        doc.file, filename=doc.original_name, content_type=doc.content_type, as_attachment=False
    )


def verify_form(request: HttpRequest) -> HttpResponseBase:
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("filings:verify", code=code)
    return render(request, "filings/verify.html", {"filing": None, "code": ""})


def verify(request: HttpRequest, code: str) -> HttpResponseBase:
    try:
        filing = selectors.filing_by_code(code)
    except ApplicationError as exc:
        return render(
            request, "filings/verify.html", {"error": exc.message, "code": code}, status=404
        )
    return render(
        request,
        "filings/verify.html",
        {
            "filing": filing,
            "code": code,
            "title": notice_title(filing),
            "lines": notice_lines(filing),
            "valid": workflow.notice_valid(filing),
        },
    )
