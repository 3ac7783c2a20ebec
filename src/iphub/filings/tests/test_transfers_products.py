"""Patent transfer registration and patent-product filing: their checks, who may
review them (the provincial window), and what approval records."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.conftest import make_user
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Role
from iphub.filings import services
from iphub.filings.models import Filing, FilingState
from iphub.filings.tests.conftest import EXE, MONDAY_10, file_pledge, pdf, png
from iphub.patents.models import LegalEvent

pytestmark = pytest.mark.django_db


def transfer(
    actor: Any, number: str, docs: dict[str, list[Any]] | None = None, **over: Any
) -> Filing:
    data = {"application_number": number, "transferee": "武汉受让科技有限公司",
            "contract_date": "2026-02-20", "price": "800000"} | over  # fmt: skip
    documents = docs or {
        "change_request": [pdf()],
        "transfer_contract": [pdf()],
        "identity_proof": [png()],
    }
    return services.transfer_submit(
        actor=actor, data=data, documents=documents, idempotency_key=uuid.uuid4().hex,
        now=MONDAY_10,
    )  # fmt: skip


def product(actor: Any, number: str, **over: Any) -> Filing:
    data = {"application_number": number, "product_name": "高镍正极材料",
            "relation": "patentee"} | over  # fmt: skip
    docs = {"product_info": [pdf()], "product_photos": [png()]}
    if over.get("relation") == "licensee":
        docs["licence_proof"] = [pdf()]
    return services.product_submit(
        actor=actor, data=data, documents=docs, idempotency_key=uuid.uuid4().hex, now=MONDAY_10
    )


def _field_error(fn: Any, *args: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ApplicationError) as exc:
        fn(*args, **kwargs)
    return exc.value.fields


def test_transfer_checks(
    cast: dict[str, Any], patents: dict[str, str], province_clerk: Any
) -> None:
    ent = cast["enterprise"]
    assert (
        "不是专利登记簿记载的专利权人"
        in _field_error(transfer, ent, patents["other_owner"])["transferor"]
    )
    assert "已终止" in _field_error(transfer, ent, patents["lapsed"])["application_number"]
    assert "全体共有人同意" in _field_error(transfer, ent, patents["co_owned"])["co_owner_consent"]
    # Abroad: the technology-export registration becomes a required material.
    errors = _field_error(transfer, ent, patents["granted"], transferee_foreign="1")
    assert "技术出口" in errors["export_registration"]
    # An application may change hands before grant.
    assert transfer(ent, patents["pending"]).state == FilingState.SUBMITTED
    # ... but not twice at once.
    errors = _field_error(transfer, ent, patents["pending"], transferee="另一受让有限公司")
    assert "已有转让申请" in errors["application_number"]


def test_pledged_patent_needs_the_pledgees_consent(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    pledge = file_pledge(cast["enterprise"], patents["granted"])
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=pledge.pk, now=MONDAY_10)
    services.filing_approve(actor=cast["wuhan_clerk"], filing_id=pledge.pk, now=MONDAY_10)
    errors = _field_error(transfer, cast["enterprise"], patents["granted"])
    assert "质权人书面同意" in errors["pledgee_consent"]
    docs = {"change_request": [pdf()], "transfer_contract": [pdf()], "identity_proof": [png()],
            "pledgee_consent": [pdf("质权人同意书.pdf")]}  # fmt: skip
    f = transfer(cast["enterprise"], patents["granted"], docs, pledgee_consent="1")
    assert f.state == FilingState.SUBMITTED


def test_transfer_review_and_history(
    cast: dict[str, Any], patents: dict[str, str], province_clerk: Any
) -> None:
    f = transfer(cast["enterprise"], patents["granted"])
    assert f.region_id == "420000"
    for who in ("wuhan_clerk", "supervisor", "enterprise"):
        with pytest.raises(AccessDenied):
            services.filing_accept(actor=cast[who], filing_id=f.pk, now=MONDAY_10)
    services.filing_accept(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    f = services.filing_approve(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    assert f.registration_number and f.registration_number.startswith("Z")
    event = LegalEvent.objects.get(patent=f.patent, kind="transferred")
    assert "武汉受让科技有限公司" in event.detail and "800000.00" in event.detail


def test_transfer_upload_type_is_checked(cast: dict[str, Any], patents: dict[str, str]) -> None:
    docs = {"change_request": [pdf()], "transfer_contract": [SimpleUploadedFile("合同.pdf", EXE)],
            "identity_proof": [png()]}  # fmt: skip
    errors = _field_error(transfer, cast["enterprise"], patents["granted"], docs)
    assert "不是 PDF、JPEG 或 PNG" in errors["transfer_contract"]


def test_product_filing(
    cast: dict[str, Any], patents: dict[str, str], orgs: dict[str, Any], province_clerk: Any
) -> None:
    ent = cast["enterprise"]
    assert "尚未授予" in _field_error(product, ent, patents["pending"])["application_number"]
    assert "不是专利登记簿" in _field_error(product, ent, patents["other_owner"])["relation"]
    errors = _field_error(product, ent, patents["other_owner"], relation="licensee")
    assert "没有该专利在有效期内的实施许可合同备案" in errors["relation"]
    # The patentee licenses the patent to the Hongshan company; the licence is filed.
    owner = make_user("yichang_ent", Role.ENTERPRISE, organisation=orgs["yichang"])
    licence = services.licence_submit(
        actor=owner,
        data={
            "application_number": patents["other_owner"],
            "licensee": ent.organisation.name,
            "licence_type": "ordinary",
            "licence_start": "2026-02-01",
            "licence_end": "2030-01-31",
            "contract_effective": "2026-02-01",
        },
        documents={
            "application_form": [pdf()],
            "licence_contract": [pdf()],
            "identity_proof": [png()],
        },
        now=MONDAY_10,
    )
    services.filing_accept(actor=cast["yichang_clerk"], filing_id=licence.pk, now=MONDAY_10)
    services.filing_approve(actor=cast["yichang_clerk"], filing_id=licence.pk, now=MONDAY_10)
    f = product(ent, patents["other_owner"], relation="licensee")
    assert f.state == FilingState.SUBMITTED and f.region_id == "420000"
    with pytest.raises(AccessDenied):
        services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    services.filing_accept(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    f = services.filing_approve(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    assert f.state == FilingState.REGISTERED and str(f.registration_number).startswith("C")
    mine = product(ent, patents["granted"], product_model="NCM-811")
    services.filing_refuse(actor=province_clerk, filing_id=mine.pk, ground="mismatch")
    mine.refresh_from_db()
    assert mine.state == FilingState.REFUSED


def test_forms_render_and_post(cast: dict[str, Any], patents: dict[str, str], client: Any) -> None:
    client.force_login(cast["enterprise"])
    assert "受让人" in client.get("/filings/transfer/new/").content.decode()
    assert "产品名称" in client.get("/filings/product/new/").content.decode()
    resp = client.post(
        "/filings/product/new/",
        {
            "application_number": patents["granted"],
            "product_name": "正极材料",
            "relation": "patentee",
            "product_info": pdf(),
            "product_photos": png(),
        },
    )
    f = Filing.objects.get(kind="patent_product")
    assert resp.status_code == 302 and f.state == FilingState.SUBMITTED
    html = client.get(f"/filings/{f.pk}/").content.decode()
    assert "备案人" in html and "正极材料" in html
    resp = client.post(
        "/api/v1/filings/transfers",
        {
            "application_number": patents["second"],
            "transferee": "受让有限公司",
            "contract_date": "2026-02-01",
            "change_request": pdf(),
            "transfer_contract": pdf(),
            "identity_proof": png(),
        },
    )
    assert resp.status_code == 201, resp.content
