"""Checks made before a clerk sees a filing, uploads, idempotent submit, and
what approval does to the patent's history."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.core.errors import ApplicationError
from iphub.filings import selectors, services
from iphub.filings.models import Filing, FilingState
from iphub.filings.tests.conftest import (
    EXE,
    MONDAY_10,
    file_pledge,
    pdf,
    pledge_data,
    pledge_documents,
)
from iphub.patents.models import LegalEvent
from iphub.patents.tests.conftest import app_no

pytestmark = pytest.mark.django_db


def _refused(cast: dict[str, Any], number: str, **over: Any) -> ApplicationError:
    with pytest.raises(ApplicationError) as exc:
        file_pledge(cast["enterprise"], number, **over)
    assert Filing.objects.count() == 0
    return exc.value


def test_number_with_wrong_check_digit(cast: dict[str, Any], patents: dict[str, str]) -> None:
    wrong = patents["granted"][:-1] + ("0" if patents["granted"][-1] != "0" else "1")
    err = _refused(cast, wrong)
    assert "校验" in err.fields["application_number"]


def test_unknown_pending_and_lapsed_patents(cast: dict[str, Any], patents: dict[str, str]) -> None:
    err = _refused(cast, app_no(2022, 1, 999))
    assert "没有申请号为" in err.fields["application_number"]
    err = _refused(cast, patents["pending"])
    assert "尚未授予专利权" in err.fields["application_number"]
    err = _refused(cast, patents["lapsed"])
    assert "已终止" in err.fields["application_number"]


def test_pledgor_must_be_patentee(cast: dict[str, Any], patents: dict[str, str]) -> None:
    err = _refused(cast, patents["other_owner"])
    assert "不是专利登记簿记载的专利权人" in err.fields["pledgor"]
    # Spelling variants of the same name (full-width brackets, spaces) still match.
    f = file_pledge(cast["enterprise"], patents["granted"], pledgor=" 洪山测试科技 有限公司 ")
    assert f.state == FilingState.SUBMITTED


def test_co_owned_patent_needs_consent(cast: dict[str, Any], patents: dict[str, str]) -> None:
    err = _refused(cast, patents["co_owned"])
    assert "全体共有人同意" in err.fields["co_owner_consent"]
    assert file_pledge(cast["enterprise"], patents["co_owned"], co_owner_consent="1").pk


def test_debt_term_and_amount(cast: dict[str, Any], patents: dict[str, str]) -> None:
    err = _refused(cast, patents["granted"], debt_end="2026-02-01")
    assert "晚于起始日" in err.fields["debt_end"]
    # Utility model filed 15 Mar 2018 expires 14 Mar 2028.
    err = _refused(cast, patents["utility"], debt_end="2028-06-30")
    assert "2028-03-14" in err.fields["debt_end"]
    err = _refused(cast, patents["granted"], debt_amount="100.005")
    assert "两位小数" in err.fields["debt_amount"]
    err = _refused(cast, patents["granted"], debt_amount="-5")
    assert "debt_amount" in err.fields
    f = file_pledge(cast["enterprise"], patents["granted"], debt_amount="1,000,000.5")
    assert str(f.amount) == "1000000.50"


def test_double_pledge_refused_until_released(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    clerk, ent = cast["wuhan_clerk"], cast["enterprise"]
    first = file_pledge(ent, patents["granted"])
    second = file_pledge(ent, patents["granted"])  # in flight at the same time: allowed to file
    services.filing_accept(actor=clerk, filing_id=first.pk, now=MONDAY_10)
    first = services.filing_approve(actor=clerk, filing_id=first.pk, now=MONDAY_10)
    # A new filing is refused on the field ...
    err = _refused_after(ent, patents["granted"])
    assert str(first.registration_number) in err.fields["application_number"]
    # ... and the one already in flight cannot be approved.
    services.filing_accept(actor=clerk, filing_id=second.pk, now=MONDAY_10)
    with pytest.raises(ApplicationError) as exc:
        services.filing_approve(actor=clerk, filing_id=second.pk, now=MONDAY_10)
    assert "不能重复登记" in exc.value.message
    second.refresh_from_db()
    assert second.state == FilingState.ACCEPTED  # rolled back; the clerk refuses it instead
    services.filing_refuse(actor=clerk, filing_id=second.pk, ground="already_pledged")
    # Cancellation releases the patent; it can then be pledged again.
    cancel = services.pledge_cancel_submit(
        actor=ent,
        data={"registration_number": first.registration_number, "reason": "贷款已还清"},
        documents={"application_form": [pdf()], "release_proof": [pdf()]},
        now=MONDAY_10,
    )
    services.filing_accept(actor=clerk, filing_id=cancel.pk, now=MONDAY_10)
    services.filing_approve(actor=clerk, filing_id=cancel.pk, now=MONDAY_10)
    first.refresh_from_db()
    assert first.state == FilingState.CANCELLED
    kinds = list(
        LegalEvent.objects.filter(patent__application_number=patents["granted"], source="filings")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["pledged", "pledge_released"]
    assert file_pledge(ent, patents["granted"]).state == FilingState.SUBMITTED


def _refused_after(actor: Any, number: str) -> ApplicationError:
    with pytest.raises(ApplicationError) as exc:
        file_pledge(actor, number)
    return exc.value


def test_change_supersedes_the_registration(cast: dict[str, Any], patents: dict[str, str]) -> None:
    clerk, ent = cast["wuhan_clerk"], cast["enterprise"]
    f = file_pledge(ent, patents["granted"])
    services.filing_accept(actor=clerk, filing_id=f.pk)
    f = services.filing_approve(actor=clerk, filing_id=f.pk)
    change = services.pledge_change_submit(
        actor=ent,
        data={
            "registration_number": f.registration_number,
            "debt_amount": "8000000",
            "reason": "追加贷款",
        },
        documents={"application_form": [pdf()], "change_agreement": [pdf()]},
    )
    services.filing_accept(actor=clerk, filing_id=change.pk)
    change = services.filing_approve(actor=clerk, filing_id=change.pk)
    f.refresh_from_db()
    assert f.state == FilingState.CHANGED and change.state == FilingState.REGISTERED
    registered = selectors.pledges_registered(user=cast["supervisor"])
    assert [(p.pk, str(p.amount)) for p in registered] == [(change.pk, "8000000.00")]


def test_upload_checked_by_content_not_name(cast: dict[str, Any], patents: dict[str, str]) -> None:
    docs = pledge_documents()
    docs["pledge_contract"] = [SimpleUploadedFile("合同.pdf", EXE, content_type="application/pdf")]
    with pytest.raises(ApplicationError) as exc:
        services.pledge_submit(
            actor=cast["enterprise"], data=pledge_data(patents["granted"]), documents=docs
        )
    assert "不是 PDF、JPEG 或 PNG" in exc.value.fields["pledge_contract"]
    assert Filing.objects.count() == 0


def test_upload_size_limit_and_missing_material(
    cast: dict[str, Any], patents: dict[str, str], settings: Any
) -> None:
    settings.IPHUB_FILING_MAX_UPLOAD_BYTES = 1024
    docs = pledge_documents()
    docs["pledge_contract"] = [SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 2000)]
    with pytest.raises(ApplicationError) as exc:
        services.pledge_submit(
            actor=cast["enterprise"], data=pledge_data(patents["granted"]), documents=docs
        )
    assert "大小限制" in exc.value.fields["pledge_contract"]
    docs = pledge_documents()
    del docs["identity_proof"]
    with pytest.raises(ApplicationError) as exc:
        services.pledge_submit(
            actor=cast["enterprise"],
            data=pledge_data(patents["granted"], has_valuation="1"),
            documents=docs,
        )
    assert set(exc.value.fields) == {"identity_proof", "valuation_report"}


def test_double_submitted_form_creates_one_filing(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    a = file_pledge(cast["enterprise"], patents["granted"], key="form-123")
    b = file_pledge(cast["enterprise"], patents["granted"], key="form-123")
    assert a.pk == b.pk and Filing.objects.count() == 1
    assert Filing.objects.get().documents.count() == 3


def test_only_applicants_file(cast: dict[str, Any], patents: dict[str, str]) -> None:
    with pytest.raises(ApplicationError):
        file_pledge(cast["wuhan_clerk"], patents["granted"])


def test_licence_filing_updates_licence_history(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    clerk, ent = cast["wuhan_clerk"], cast["enterprise"]
    data = {
        "application_number": patents["second"],
        "licensee": "宜昌测试化工有限公司",
        "licence_type": "open",
        "fee": "20000",
        "licence_start": "2026-03-01",
        "licence_end": "2030-12-31",
        "contract_effective": "2026-02-01",
    }
    docs = {
        "application_form": [pdf()],
        "licence_contract": [pdf()],
        "identity_proof": [pdf()],
    }
    late = {**data, "contract_effective": "2025-10-01"}
    with pytest.raises(ApplicationError) as exc:
        services.licence_submit(actor=ent, data=late, documents=docs, now=MONDAY_10)
    assert "3 个月内" in exc.value.fields["contract_effective"]
    f = services.licence_submit(actor=ent, data=data, documents=docs, now=MONDAY_10)
    services.filing_accept(actor=clerk, filing_id=f.pk, now=MONDAY_10)
    f = services.filing_approve(actor=clerk, filing_id=f.pk, now=MONDAY_10)
    assert str(f.registration_number).startswith("X2026420100")
    event = LegalEvent.objects.get(patent__application_number=patents["second"], kind="licensed")
    assert "开放许可" in event.detail and "宜昌测试化工有限公司" in event.detail
    # An exclusive licence cannot be filed while the open licence stands.
    with pytest.raises(ApplicationError) as exc:
        services.licence_submit(
            actor=ent, data={**data, "licence_type": "exclusive"}, documents=docs, now=MONDAY_10
        )
    assert "licence_type" in exc.value.fields
