"""Thin pages for the trademark pledge, transfer and product forms, and the
draft-editing page. Every rule lives in services; ``views._form_page`` renders
and posts every new-filing form the same way."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from iphub.core.errors import ApplicationError
from iphub.filings import catalogue, selectors, services, workflow
from iphub.filings.models import FilingKind, Operation, PendingUpload
from iphub.filings.views import FormUploads, _form_page, form_context

# The form template of each kind, for a new filing and for editing its draft.
FORM_TEMPLATES: dict[str, str] = {
    FilingKind.PATENT_PLEDGE: "filings/pledge_form.html",
    FilingKind.PATENT_LICENCE: "filings/licence_form.html",
    FilingKind.TRADEMARK_PLEDGE: "filings/trademark_form.html",
    FilingKind.PATENT_TRANSFER: "filings/transfer_form.html",
    FilingKind.PATENT_PRODUCT: "filings/product_form.html",
}


@login_required
def trademark_new(request: HttpRequest) -> HttpResponseBase:
    service = catalogue.service_for(FilingKind.TRADEMARK_PLEDGE, Operation.ESTABLISH)
    return _form_page(
        request,
        template=FORM_TEMPLATES[FilingKind.TRADEMARK_PLEDGE],
        service=service,
        submit=services.trademark_pledge_submit,
        drafts=True,
    )


@login_required
def trademark_amend(request: HttpRequest, operation: str) -> HttpResponseBase:
    if operation not in (Operation.CHANGE, Operation.EXTEND, Operation.CANCEL):
        raise ApplicationError("没有该事项。", status=404)
    service = catalogue.service_for(FilingKind.TRADEMARK_PLEDGE, operation)

    def submit(**kwargs: object) -> object:
        return services.trademark_pledge_amend_submit(operation=operation, **kwargs)  # type: ignore[arg-type]

    return _form_page(
        request, template="filings/trademark_amend_form.html", service=service, submit=submit
    )


@login_required
def transfer_new(request: HttpRequest) -> HttpResponseBase:
    service = catalogue.service_for(FilingKind.PATENT_TRANSFER, Operation.ESTABLISH)
    return _form_page(
        request,
        template=FORM_TEMPLATES[FilingKind.PATENT_TRANSFER],
        service=service,
        submit=services.transfer_submit,
        drafts=True,
    )


@login_required
def product_new(request: HttpRequest) -> HttpResponseBase:
    service = catalogue.service_for(FilingKind.PATENT_PRODUCT, Operation.ESTABLISH)
    return _form_page(
        request,
        template=FORM_TEMPLATES[FilingKind.PATENT_PRODUCT],
        service=service,
        submit=services.product_submit,
        drafts=True,
    )


@login_required
def draft_edit(request: HttpRequest, filing_id: int) -> HttpResponseBase:
    """Edit a draft in its own form: "保存草稿" saves it, "提交申请" saves and submits."""
    filing = selectors.filing_get(user=request.user, filing_id=filing_id)
    workflow.ensure_draft_editable(filing)
    if filing.kind not in FORM_TEMPLATES:
        raise ApplicationError("只有草稿可以修改。", status=409)
    service = catalogue.service_for(filing.kind, filing.operation)
    errors: dict[str, str] = {}
    kept: list[PendingUpload] = []
    values: object = filing.details.get("form") or {}
    if request.method == "POST":
        values = request.POST
        # Files sent with a refused edit are kept (FormUploads); once the edit
        # is saved they are the draft's own materials.
        uploads = FormUploads(request)
        try:
            services.filing_draft_update(
                actor=request.user,
                filing_id=filing_id,
                data=request.POST,
                documents=uploads.documents(),
            )
        except ApplicationError as exc:
            kept = uploads.refused(service)
            if exc.status in (401, 403):
                raise
            errors = exc.fields or {"form": exc.message}
        else:
            uploads.done()
            try:
                if "save" not in request.POST:
                    services.filing_submit(actor=request.user, filing_id=filing_id)
            except ApplicationError as exc:
                if exc.status in (401, 403):
                    raise
                errors = exc.fields or {"form": exc.message}
            else:
                done = "已保存草稿" if "save" in request.POST else "已提交"
                messages.success(request, f"{done}，办件编号 {filing.reference}。")
                return redirect("filings:detail", filing_id=filing_id)
    context = form_context(request, service, errors, values, True, kept=kept)
    context.update(
        editing=filing,
        # Queried afresh: an edit saved just now may have added materials.
        documents=list(filing.documents.order_by("material", "id")),
    )
    return render(request, FORM_TEMPLATES[filing.kind], context)
