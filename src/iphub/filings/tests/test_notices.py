"""The registration notice PDF and its public verification page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from iphub.filings import services
from iphub.filings.models import Filing
from iphub.filings.tests.conftest import MONDAY_10, file_pledge, pdf

pytestmark = pytest.mark.django_db


def _registered(cast: dict[str, Any], number: str) -> Filing:
    f = file_pledge(cast["enterprise"], number)
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    return services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)


def test_notice_pdf_states_the_registration(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    f = _registered(cast, patents["granted"])
    assert f.registration_number and f.verification_code
    client.force_login(cast["enterprise"])
    response = client.get(f"/filings/{f.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "专利权质押登记通知书" in text
    assert f.registration_number in text
    assert f"ZL{patents['granted']}" in text
    assert "洪山测试科技有限公司" in text and "中国银行股份有限公司武汉洪山支行" in text
    assert "5000000.00 元" in text and "2026年03月02日" in text
    assert f.verification_code in text
    assert f"/filings/verify/{f.verification_code}/" in text


def test_notice_only_for_parties_and_after_approval(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    pending = file_pledge(cast["enterprise"], patents["second"])
    client.force_login(cast["enterprise"])
    assert client.get(f"/filings/{pending.pk}/notice.pdf").status_code == 409
    f = _registered(cast, patents["granted"])
    client.force_login(cast["yichang_clerk"])
    assert client.get(f"/filings/{f.pk}/notice.pdf").status_code == 404


def test_public_verification(cast: dict[str, Any], patents: dict[str, str], client: Any) -> None:
    f = _registered(cast, patents["granted"])
    assert f.registration_number and f.verification_code
    page = client.get(f"/filings/verify/{f.verification_code}/").content.decode()
    assert "真实有效" in page and f.registration_number in page
    assert "洪山测试科技有限公司" in page
    assert client.get("/filings/verify/AAAABBBBCCCC/").status_code == 404
    api = client.get(f"/api/v1/filings/verify/{f.verification_code.lower()}").json()
    assert api["valid"] is True and api["registration_number"] == f.registration_number
    # After cancellation the code still verifies, and says the pledge is cancelled.
    cancel = services.pledge_cancel_submit(
        actor=cast["enterprise"],
        data={"registration_number": f.registration_number, "reason": "还清"},
        documents={"application_form": [pdf()], "release_proof": [pdf()]},
    )
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=cancel.pk)
    services.filing_approve(actor=cast["wuhan_clerk"], filing_id=cancel.pk)
    page = client.get(f"/filings/verify/{f.verification_code}/").content.decode()
    assert "已注销" in page and "真实有效" not in page
