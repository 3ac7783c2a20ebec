"""Materials survive a refused form: the applicant attaches them once, fixes the
field the page points at, and submits again without attaching anything."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.conftest import make_user
from iphub.core.models import Role
from iphub.filings.models import Filing, PendingUpload
from iphub.filings.tests.conftest import EXE, PDF, PNG, pledge_data

pytestmark = pytest.mark.django_db


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="pending_upload" value="([0-9a-f]{32})"', html)


def _files(**over: Any) -> dict[str, Any]:
    return {
        "application_form": SimpleUploadedFile("申请表.pdf", PDF),
        "pledge_contract": SimpleUploadedFile("质押合同.pdf", PDF),
        "identity_proof": SimpleUploadedFile("营业执照.png", PNG),
    } | over


def test_uploads_survive_a_field_error(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    client.force_login(cast["enterprise"])
    data: dict[str, Any] = pledge_data(patents["granted"], debt_amount="1.234")
    page = client.post("/filings/pledge/new/", data | {"idempotency_key": "k1"} | _files())
    html = page.content.decode()
    assert page.status_code == 200 and "两位小数" in html
    # Shown as attached, with a way to choose another file, and no longer required.
    for code, name in (("application_form", "申请表.pdf"), ("pledge_contract", "质押合同.pdf"),
                       ("identity_proof", "营业执照.png")):  # fmt: skip
        kept = re.search(rf'data-testid="kept-{code}">(.*?)</p>', html)
        assert kept is not None and name in kept.group(1)
        assert re.search(rf'<input type="file" name="{code}"[^>]*required', html) is None
    assert "重新选择" in html
    tokens = _tokens(html)
    assert len(tokens) == 3

    # Fixed amount, no files attached again: the kept ones are used.
    again = data | {"debt_amount": "1.23", "idempotency_key": "k1", "pending_upload": tokens}
    resp = client.post("/filings/pledge/new/", again)
    assert resp.status_code == 302
    filing = Filing.objects.get()
    names = sorted(d.original_name for d in filing.documents.all())
    assert names == ["申请表.pdf", "营业执照.png", "质押合同.pdf"]
    assert filing.documents.get(material="identity_proof").file.read() == PNG
    assert PendingUpload.objects.count() == 0


def test_a_bad_file_is_not_kept_and_a_new_choice_replaces_the_kept_one(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    client.force_login(cast["enterprise"])
    data = pledge_data(patents["granted"])
    page = client.post(
        "/filings/pledge/new/",
        data | _files(pledge_contract=SimpleUploadedFile("合同.pdf", EXE)),
    ).content.decode()
    assert "不是 PDF、JPEG 或 PNG" in page
    assert 'data-testid="kept-pledge_contract"' not in page
    tokens = _tokens(page)
    assert len(tokens) == 2
    # The contract attached now; the form again refused (amount), and the
    # application form chosen again: the new one replaces the kept one.
    page = client.post(
        "/filings/pledge/new/",
        data
        | {"debt_amount": "x", "pending_upload": tokens}
        | {
            "pledge_contract": SimpleUploadedFile("合同.pdf", PDF),
            "application_form": SimpleUploadedFile("新申请表.pdf", PDF),
        },
    ).content.decode()
    assert "金额应为数字" in page
    assert "新申请表.pdf" in page and "申请表.pdf、" not in page
    assert PendingUpload.objects.count() == 3
    resp = client.post("/filings/pledge/new/", data | {"pending_upload": _tokens(page)})
    assert resp.status_code == 302
    names = sorted(d.original_name for d in Filing.objects.get().documents.all())
    assert names == ["合同.pdf", "新申请表.pdf", "营业执照.png"]


def test_only_the_uploader_can_use_a_kept_file(
    cast: dict[str, Any], orgs: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    client.force_login(cast["enterprise"])
    page = client.post(
        "/filings/pledge/new/", pledge_data(patents["granted"], debt_amount="x") | _files()
    ).content.decode()
    tokens = _tokens(page)
    # A colleague of the same company cannot use them either.
    colleague = make_user("hongshan_2", Role.ENTERPRISE, organisation=orgs["wuhan_hongshan"])
    client.force_login(colleague)
    page = client.post(
        "/filings/pledge/new/", pledge_data(patents["granted"]) | {"pending_upload": tokens}
    ).content.decode()
    assert "请上传" in page and not _tokens(page)
    assert Filing.objects.count() == 0
