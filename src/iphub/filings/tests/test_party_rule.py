"""Who may dispose of a right: an enterprise pledges, licenses and transfers only
its own patents (refused at submission, on the page and the API, whatever it
types as pledgor); an agency may act for a client with the owner's 委托书."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from iphub.conftest import make_org, make_user
from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import ApplicationError
from iphub.core.models import Role
from iphub.filings import services
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingState
from iphub.filings.tests.conftest import (
    MONDAY_10,
    OWNER,
    PDF,
    file_pledge,
    file_trademark_pledge,
    pdf,
    pledge_data,
    pledge_documents,
    png,
)

pytestmark = pytest.mark.django_db

YICHANG = "宜昌测试化工有限公司"


@pytest.fixture
def agency(regions: None) -> Any:
    org = make_org("武汉测试专利代理事务所", "420106", 9, kind="agency")
    return make_user("wuhan_agent", Role.AGENCY, organisation=org)


def _refused(call: Any) -> ApplicationError:
    with pytest.raises(ApplicationError) as exc:
        call()
    assert Filing.objects.count() == 0
    return exc.value


def transfer_docs(**extra: list[Any]) -> dict[str, list[Any]]:
    return {
        "change_request": [pdf()],
        "transfer_contract": [pdf()],
        "identity_proof": [png()],
    } | extra


def licence_docs(**extra: list[Any]) -> dict[str, list[Any]]:
    return {
        "application_form": [pdf()],
        "licence_contract": [pdf()],
        "identity_proof": [png()],
    } | extra


def file_transfer(actor: Any, number: str, docs: Any = None, **over: Any) -> Filing:
    data = {"application_number": number, "transferee": "武汉受让科技有限公司",
            "contract_date": "2026-02-20"} | over  # fmt: skip
    return services.transfer_submit(
        actor=actor, data=data, documents=docs or transfer_docs(),
        idempotency_key=uuid.uuid4().hex, now=MONDAY_10,
    )  # fmt: skip


def licence_data(number: str, **over: Any) -> dict[str, Any]:
    return {
        "application_number": number,
        "licensee": "武汉被许可科技有限公司",
        "licence_type": "ordinary",
        "licence_start": "2026-03-01",
        "licence_end": "2030-12-31",
        "contract_effective": "2026-02-20",
    } | over


def file_licence(actor: Any, number: str, docs: Any = None, **over: Any) -> Filing:
    return services.licence_submit(
        actor=actor, data=licence_data(number, **over), documents=docs or licence_docs(),
        idempotency_key=uuid.uuid4().hex, now=MONDAY_10,
    )  # fmt: skip


def test_enterprise_cannot_name_another_organisation(
    cast: dict[str, Any], patents: dict[str, str]
) -> None:
    ent = cast["enterprise"]
    # The case: another company's patent, that company named as pledgor.
    err = _refused(lambda: file_pledge(ent, patents["other_owner"], pledgor=YICHANG))
    assert err.code == FilingErrorCode.PARTY_NOT_FILER
    assert f"出质人须为本单位（{OWNER}）" in err.fields["pledgor"]
    assert f"“{YICHANG}”不是本单位" in err.fields["pledgor"]
    # Naming another organisation on one's own patent is refused just the same.
    err = _refused(lambda: file_pledge(ent, patents["granted"], pledgor=YICHANG))
    assert err.code == FilingErrorCode.PARTY_NOT_FILER
    err = _refused(lambda: file_transfer(ent, patents["other_owner"], transferor=YICHANG))
    assert "转让人须为本单位" in err.fields["transferor"]
    err = _refused(lambda: file_licence(ent, patents["other_owner"], licensor=YICHANG))
    assert "许可人须为本单位" in err.fields["licensor"]
    err = _refused(lambda: file_trademark_pledge(ent, now=MONDAY_10, pledgor=YICHANG))
    assert "出质人须为本单位" in err.fields["pledgor"]
    # Its own organisation as the party, but not the patentee: the register decides.
    err = _refused(lambda: file_pledge(ent, patents["other_owner"]))
    assert err.code == FilingErrorCode.NOT_PATENTEE


def test_enterprise_files_on_its_own_patent(cast: dict[str, Any], patents: dict[str, str]) -> None:
    ent = cast["enterprise"]
    pledge = file_pledge(ent, patents["granted"])
    assert pledge.state == FilingState.SUBMITTED and pledge.holder_name == OWNER
    assert not pledge.details["agent_for"]
    # Its own name, spelt with spaces, is its own name.
    licence = file_licence(ent, patents["second"], licensor=" 洪山测试科技 有限公司")
    assert licence.state == FilingState.SUBMITTED
    transfer = file_transfer(ent, patents["utility"], transferor=OWNER)
    assert transfer.holder_name == OWNER


def test_agency_needs_the_owners_authorisation(
    cast: dict[str, Any], patents: dict[str, str], agency: Any
) -> None:
    # For a client: the 委托书 becomes a required material ...
    err = _refused(lambda: file_pledge(agency, patents["granted"], pledgor=OWNER))
    assert err.code == FilingErrorCode.MISSING_MATERIAL
    assert "委托书" in err.fields["power_of_attorney"]
    err = _refused(lambda: file_transfer(agency, patents["granted"], transferor=OWNER))
    assert "委托书" in err.fields["power_of_attorney"]
    err = _refused(lambda: file_licence(agency, patents["granted"], licensor=OWNER))
    assert "委托书" in err.fields["power_of_attorney"]
    # ... and with it the filing goes in, recording whom the agency acts for.
    f = services.pledge_submit(
        actor=agency,
        data=pledge_data(patents["granted"], pledgor=OWNER),
        documents=pledge_documents() | {"power_of_attorney": [pdf("委托书.pdf")]},
        idempotency_key=uuid.uuid4().hex,
        now=MONDAY_10,
    )
    assert f.state == FilingState.SUBMITTED
    assert f.holder_name == OWNER and f.details["agent_for"] == OWNER
    t = file_transfer(agency, patents["second"], transfer_docs(power_of_attorney=[pdf()]),
                      transferor=OWNER)  # fmt: skip
    assert t.state == FilingState.SUBMITTED
    # The client must still be the patentee of record.
    with pytest.raises(ApplicationError) as exc:
        file_pledge(agency, patents["other_owner"], pledgor=OWNER)
    assert exc.value.code == FilingErrorCode.NOT_PATENTEE


def test_agency_draft_is_submitted_only_with_the_authorisation(
    cast: dict[str, Any], patents: dict[str, str], agency: Any
) -> None:
    draft = services.pledge_submit(
        actor=agency,
        data=pledge_data(patents["granted"], pledgor=OWNER),
        documents={},
        submit=False,
        now=MONDAY_10,
    )
    services.filing_draft_update(
        actor=agency,
        filing_id=draft.pk,
        data=pledge_data(patents["granted"], pledgor=OWNER),
        documents=pledge_documents(),
        now=MONDAY_10,
    )
    with pytest.raises(ApplicationError) as exc:
        services.filing_submit(actor=agency, filing_id=draft.pk, now=MONDAY_10)
    assert "委托书" in exc.value.fields["power_of_attorney"]


def _files() -> dict[str, Any]:
    return {
        "application_form": SimpleUploadedFile("申请表.pdf", PDF),
        "pledge_contract": SimpleUploadedFile("质押合同.pdf", PDF),
        "identity_proof": SimpleUploadedFile("营业执照.pdf", PDF),
    }


def test_page_and_api_refuse_another_pledgor(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    client.force_login(cast["enterprise"])
    data = pledge_data(patents["other_owner"], pledgor=YICHANG) | _files()
    page = client.post("/filings/pledge/new/", data)
    assert page.status_code == 200
    assert 'data-testid="error-pledgor"' in page.content.decode()
    assert "出质人须为本单位" in page.content.decode()

    resp = client.post("/api/v1/filings/pledges", pledge_data(patents["other_owner"],
                       pledgor=YICHANG) | _files())  # fmt: skip
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "party_not_filer" and "出质人须为本单位" in body["fields"]["pledgor"]

    today = timezone.now().astimezone(LOCAL_TZ).date()
    resp = client.post(
        "/api/v1/filings/transfers",
        {"application_number": patents["other_owner"], "transferee": "武汉受让科技有限公司",
         "contract_date": today.isoformat(), "transferor": YICHANG,
         "change_request": SimpleUploadedFile("a.pdf", PDF),
         "transfer_contract": SimpleUploadedFile("b.pdf", PDF),
         "identity_proof": SimpleUploadedFile("c.pdf", PDF)},
    )  # fmt: skip
    assert resp.status_code == 400 and "transferor" in resp.json()["fields"]
    resp = client.post(
        "/api/v1/filings/licences",
        licence_data(patents["other_owner"], licensor=YICHANG,
                     contract_effective=today.isoformat(),
                     licence_start=today.isoformat(),
                     licence_end=(today + dt.timedelta(days=400)).isoformat())
        | {"application_form": SimpleUploadedFile("a.pdf", PDF),
           "licence_contract": SimpleUploadedFile("b.pdf", PDF),
           "identity_proof": SimpleUploadedFile("c.pdf", PDF)},
    )  # fmt: skip
    assert resp.status_code == 400 and "licensor" in resp.json()["fields"]
    assert Filing.objects.count() == 0

    # The same company's own patent, pledgor left blank: accepted.
    resp = client.post("/api/v1/filings/pledges", pledge_data(patents["granted"]) | _files())
    assert resp.status_code == 201, resp.content


def _review_screen(client: Any, clerk: Any, filing: Filing) -> str:
    client.force_login(clerk)
    page = client.get(f"/filings/{filing.pk}/")
    assert page.status_code == 200
    return str(page.content.decode())


def test_review_screen_flags_a_mismatch(
    cast: dict[str, Any],
    patents: dict[str, str],
    agency: Any,
    province_clerk: Any,
    client: Any,
) -> None:
    clerk = cast["wuhan_clerk"]
    # A clean filing: the enterprise's own patent, no box.
    own = file_pledge(cast["enterprise"], patents["granted"])
    assert 'data-testid="party-warnings"' not in _review_screen(client, clerk, own)

    # A filing made before the rule, naming another company as pledgor.
    legacy = file_pledge(cast["enterprise"], patents["second"])
    Filing.objects.filter(pk=legacy.pk).update(holder_name=YICHANG)
    page = _review_screen(client, clerk, legacy)
    assert 'data-testid="party-warnings"' in page
    assert f"申请单位“{OWNER}”与出质人“{YICHANG}”不一致" in page
    assert f"出质人“{YICHANG}”不是专利登记簿记载的专利权人（记载为：{OWNER}）" in page

    # An agency's filing for its client: named, with the 委托书 to check.
    by_agent = services.licence_submit(
        actor=agency,
        data=licence_data(patents["utility"], licensor=OWNER, licence_end="2027-12-31"),
        documents=licence_docs(power_of_attorney=[pdf("委托书.pdf")]),
        now=MONDAY_10,
    )
    page = _review_screen(client, clerk, by_agent)
    assert f"代理机构“武汉测试专利代理事务所”代许可人“{OWNER}”办理，请核对委托书" in page
    assert "未上传" not in page

    # The register changed after submission: a transfer of the patent was registered.
    transfer = file_transfer(cast["enterprise"], patents["granted"])
    services.filing_accept(actor=province_clerk, filing_id=transfer.pk, now=MONDAY_10)
    services.filing_approve(actor=province_clerk, filing_id=transfer.pk, now=MONDAY_10)
    page = _review_screen(client, clerk, own)
    assert f"出质人“{OWNER}”不是专利登记簿记载的专利权人（记载为：武汉受让科技有限公司）" in page
    # The registered transfer itself shows no flag: it made the change.
    assert 'data-testid="party-warnings"' not in _review_screen(client, province_clerk, transfer)
