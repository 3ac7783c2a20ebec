"""Patent-product filing (专利产品备案): the patentee, or a licensee whose licence
is on file, records a product that carries the patent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from iphub.filings import checks
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingKind, Operation
from iphub.filings.services.applications import (
    Documents,
    create_filing,
    local_today,
    service_or_error,
    text,
)

RELATIONS = {"patentee": "专利权人", "licensee": "被许可人"}


def product_values(actor: Any, data: Mapping[str, Any], at: dt.datetime) -> dict[str, Any]:
    """Check a product filing form and return the filing's field values.

    ``data``: application_number, product_name, product_model (optional),
    relation (patentee/licensee), annual_output (元, optional).
    """
    today = local_today(at)
    number = checks.canonical_number(str(data.get("application_number", "")))
    patent = checks.patent_for(number)
    product = text(data, "product_name", "产品名称")
    model = text(data, "product_model", "产品型号", required=False)
    relation = str(data.get("relation") or "")
    if relation not in RELATIONS:
        raise checks.field_error("relation", "请选择备案人与专利的关系。")
    output = checks.parse_amount(data.get("annual_output"), field="annual_output", required=False)
    checks.ensure_in_force(patent, today=today)
    filer = actor.organisation.name
    if relation == "patentee":
        checks.ensure_patentee(patent, filer, co_owner_consent=True, field="relation")
    elif not checks.has_registered_licence(patent, filer, today=today):
        raise checks.field_error(
            "relation",
            f"“{filer}”没有该专利在有效期内的实施许可合同备案，不能以被许可人身份备案。",
            FilingErrorCode.NOT_ENTITLED,
        )
    return {
        "patent": patent,
        "application_number": number,
        "holder_name": filer,
        "amount": output,
        "details": {
            "product_name": product,
            "product_model": model,
            "relation": relation,
            "patent_title": patent.title,
        },
    }


def product_extra_required(values: Mapping[str, Any]) -> tuple[str, ...]:
    """A licensee shows its licence filing."""
    return ("licence_proof",) if values["details"]["relation"] == "licensee" else ()


@transaction.atomic
def product_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    documents: Documents,
    idempotency_key: str | None = None,
    submit: bool = True,
    now: dt.datetime | None = None,
) -> Filing:
    """File a patent product (see :func:`product_values`); ``submit=False`` keeps a draft."""
    return create_filing(
        actor=actor,
        service=service_or_error(FilingKind.PATENT_PRODUCT, Operation.ESTABLISH),
        idempotency_key=idempotency_key,
        documents=documents,
        submit=submit,
        now=now,
        data=data,
        validate=lambda at: product_values(actor, data, at),
        extra_required=product_extra_required,
    )
