"""An approved transfer changes the patentee of record: the patent's page and the
applicant search show the new owner, the old owner can no longer pledge it, the
new one can, and a pledge the old owner filed before cannot be approved after."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from iphub.conftest import make_user
from iphub.core.errors import ApplicationError
from iphub.core.models import AuditEntry, Role
from iphub.filings import services
from iphub.filings.errors import FilingErrorCode
from iphub.filings.models import Filing, FilingState
from iphub.filings.tests.conftest import MONDAY_10, OWNER, file_pledge, pdf, png
from iphub.patents import selectors as patent_selectors
from iphub.patents.indexing import index_patents
from iphub.patents.models import LegalEvent, Patent

pytestmark = pytest.mark.django_db

NEW_OWNER = "江岸测试制造有限公司"


def _transfer(actor: Any, number: str, **over: Any) -> Filing:
    data = {"application_number": number, "transferee": NEW_OWNER,
            "contract_date": "2026-02-20", "price": "800000"} | over  # fmt: skip
    docs = {"change_request": [pdf()], "transfer_contract": [pdf()], "identity_proof": [png()]}
    if over.get("co_owner_consent"):
        docs["co_owner_consent"] = [pdf("共有人同意书.pdf")]
    return services.transfer_submit(
        actor=actor, data=data, documents=docs, idempotency_key=uuid.uuid4().hex, now=MONDAY_10
    )


def _approve(clerk: Any, filing: Filing, capture: Any) -> Filing:
    services.filing_accept(actor=clerk, filing_id=filing.pk, now=MONDAY_10)
    # The index follows on commit; run those callbacks as a real commit would.
    with capture(execute=True):
        return services.filing_approve(actor=clerk, filing_id=filing.pk, now=MONDAY_10)


def _pa(name: str) -> set[int]:
    page = patent_selectors.patent_search(f'PA="{name}"', facets=False)
    return {row["patent"].pk for row in page.rows}


def test_approved_transfer_makes_the_transferee_the_patentee(
    cast: dict[str, Any],
    orgs: dict[str, Any],
    patents: dict[str, str],
    province_clerk: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    index_patents(Patent.objects.values_list("pk", flat=True))
    patent = Patent.objects.get(application_number=patents["granted"])
    assert patent.pk in _pa(OWNER) and patent.pk not in _pa(NEW_OWNER)

    f = _approve(province_clerk, _transfer(cast["enterprise"], patents["granted"]),
                 django_capture_on_commit_callbacks)  # fmt: skip
    assert f.state == FilingState.REGISTERED

    patent.refresh_from_db()
    assert patent.applicants == [NEW_OWNER]
    # The patent's page names the new patentee.
    client.force_login(cast["supervisor"])
    page = client.get(f"/patents/{patent.pk}/")
    assert [p.name for p in page.context["applicants"]] == [NEW_OWNER]
    assert "权利转移" in page.content.decode()
    # The applicant search follows.
    assert patent.pk in _pa(NEW_OWNER) and patent.pk not in _pa(OWNER)
    # History and audit: from and to.
    event = LegalEvent.objects.get(patent=patent, kind="transferred")
    assert f"转让人：{OWNER}" in event.detail and f"受让人：{NEW_OWNER}" in event.detail
    audit = AuditEntry.objects.get(action="patent_owner_change", object_id=str(patent.pk))
    assert audit.before == {"applicants": [OWNER]} and audit.after == {"applicants": [NEW_OWNER]}

    # The old owner can no longer pledge (or transfer) it ...
    with pytest.raises(ApplicationError) as exc:
        file_pledge(cast["enterprise"], patents["granted"])
    assert exc.value.code == FilingErrorCode.NOT_PATENTEE
    assert NEW_OWNER in exc.value.fields["pledgor"]
    # ... the new one can.
    new_owner = make_user("jiangan_ent", Role.ENTERPRISE, organisation=orgs["wuhan_jiangan"])
    pledge = file_pledge(new_owner, patents["granted"])
    assert pledge.state == FilingState.SUBMITTED and pledge.holder_name == NEW_OWNER
    # And may transfer it on: a registered transfer no longer blocks the patent.
    onward = _transfer(new_owner, patents["granted"], transferee="宜昌测试化工有限公司")
    assert onward.state == FilingState.SUBMITTED


def test_co_owner_keeps_its_share(
    cast: dict[str, Any],
    patents: dict[str, str],
    province_clerk: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    f = _transfer(cast["enterprise"], patents["co_owned"], co_owner_consent="1")
    _approve(province_clerk, f, django_capture_on_commit_callbacks)
    patent = Patent.objects.get(application_number=patents["co_owned"])
    assert patent.applicants == [NEW_OWNER, "武汉大学"]
    names = [p.name for p in patent.parties.filter(role="applicant").order_by("position")]
    assert names == [NEW_OWNER, "武汉大学"]


def test_pledge_filed_before_the_transfer_cannot_be_approved_after(
    cast: dict[str, Any],
    patents: dict[str, str],
    province_clerk: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    pledge = file_pledge(cast["enterprise"], patents["granted"])
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=pledge.pk, now=MONDAY_10)
    _approve(province_clerk, _transfer(cast["enterprise"], patents["granted"]),
             django_capture_on_commit_callbacks)  # fmt: skip
    with pytest.raises(ApplicationError) as exc:
        services.filing_approve(actor=cast["wuhan_clerk"], filing_id=pledge.pk, now=MONDAY_10)
    assert exc.value.status == 409 and "不予登记" in exc.value.message
    pledge.refresh_from_db()
    assert pledge.state == FilingState.ACCEPTED
    services.filing_refuse(actor=cast["wuhan_clerk"], filing_id=pledge.pk, ground="not_patentee")
    pledge.refresh_from_db()
    assert pledge.state == FilingState.REFUSED
