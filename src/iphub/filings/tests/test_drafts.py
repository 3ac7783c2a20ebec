"""Drafts: save a form without its materials, edit it, submit it; and an approved
pledge showing up in the finance figures."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.filings import services
from iphub.filings.models import FilingState
from iphub.filings.tests.conftest import MONDAY_10, file_pledge, pdf, pledge_data, png

pytestmark = pytest.mark.django_db


def test_save_edit_then_submit(cast: dict[str, Any], patents: dict[str, str]) -> None:
    ent = cast["enterprise"]
    draft = services.pledge_submit(
        actor=ent, data=pledge_data(patents["granted"]), documents={}, submit=False, now=MONDAY_10
    )
    assert draft.state == FilingState.DRAFT and draft.due_at is None
    # Not submittable yet: the materials are missing.
    with pytest.raises(ApplicationError) as exc:
        services.filing_submit(actor=ent, filing_id=draft.pk, now=MONDAY_10)
    assert "pledge_contract" in exc.value.fields
    # Others may not touch it; the window does not see a draft as work.
    for who in ("wuhan_clerk", "supervisor"):
        with pytest.raises(AccessDenied):
            services.filing_submit(actor=cast[who], filing_id=draft.pk, now=MONDAY_10)
    # Edited: the checks run again on the new answers.
    with pytest.raises(ApplicationError) as exc:
        services.filing_draft_update(
            actor=ent, filing_id=draft.pk, data=pledge_data(patents["lapsed"]), documents={}
        )
    assert "已终止" in exc.value.fields["application_number"]
    draft = services.filing_draft_update(
        actor=ent,
        filing_id=draft.pk,
        data=pledge_data(patents["granted"], debt_amount="750000"),
        documents={
            "application_form": [pdf()],
            "pledge_contract": [pdf()],
            "identity_proof": [png()],
        },
        now=MONDAY_10,
    )
    assert str(draft.amount) == "750000.00" and draft.details["form"]["debt_amount"] == "750000"
    f = services.filing_submit(actor=ent, filing_id=draft.pk, now=MONDAY_10)
    assert f.state == FilingState.SUBMITTED and f.due_at is not None
    with pytest.raises(ApplicationError):
        services.filing_draft_update(
            actor=ent, filing_id=f.pk, data=pledge_data(patents["granted"]), documents={}
        )


def test_submission_checks_todays_records(cast: dict[str, Any], patents: dict[str, str]) -> None:
    ent = cast["enterprise"]
    docs = {"application_form": [pdf()], "pledge_contract": [pdf()], "identity_proof": [png()]}
    draft = services.pledge_submit(
        actor=ent, data=pledge_data(patents["granted"]), documents=docs, submit=False
    )
    # Meanwhile the same patent is pledged and registered.
    other = file_pledge(ent, patents["granted"])
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=other.pk)
    services.filing_approve(actor=cast["wuhan_clerk"], filing_id=other.pk)
    with pytest.raises(ApplicationError) as exc:
        services.filing_submit(actor=ent, filing_id=draft.pk)
    assert "已质押" in exc.value.fields["application_number"]


def test_draft_pages(cast: dict[str, Any], patents: dict[str, str], client: Any) -> None:
    client.force_login(cast["enterprise"])
    data: dict[str, Any] = pledge_data(patents["granted"]) | {"save": "1"}
    resp = client.post("/filings/pledge/new/", data)
    assert resp.status_code == 302
    filing_id = int(resp["Location"].rstrip("/").split("/")[-1])
    detail = client.get(f"/filings/{filing_id}/").content.decode()
    assert "草稿" in detail and "编辑草稿" in detail
    form = client.get(f"/filings/{filing_id}/edit/").content.decode()
    assert "中国银行股份有限公司武汉洪山支行" in form and "保存草稿" in form
    data = pledge_data(patents["granted"], pledgee="招商银行武汉分行") | {"save": "1"}
    client.post(f"/filings/{filing_id}/edit/", data)
    assert "招商银行武汉分行" in client.get(f"/filings/{filing_id}/edit/").content.decode()
    # Submitting without the materials shows the error on the form and keeps the draft.
    page = client.post(f"/filings/{filing_id}/edit/", pledge_data(patents["granted"]))
    assert "请上传" in page.content.decode()
    data = pledge_data(patents["granted"]) | {
        "application_form": pdf(),
        "pledge_contract": pdf(),
        "identity_proof": png(),
    }
    resp = client.post(f"/filings/{filing_id}/edit/", data)
    assert resp.status_code == 302
    api = client.get(f"/api/v1/filings/{filing_id}").json()
    assert (
        api["state"] == "submitted"
        and api["counterparty_name"] == "中国银行股份有限公司武汉洪山支行"
    )
    # The JSON API: draft, save, submit.
    resp = client.post(
        "/api/v1/filings/pledges", pledge_data(patents["second"]) | {"draft": "true"}
    )
    body = resp.json()
    assert resp.status_code == 201 and body["state"] == "draft" and "submit" in body["actions"]
    resp = client.post(
        f"/api/v1/filings/{body['id']}/draft",
        pledge_data(patents["second"])
        | {"application_form": pdf(), "pledge_contract": pdf(), "identity_proof": png()},
    )
    assert resp.status_code == 200, resp.content
    resp = client.post(f"/api/v1/filings/{body['id']}/submit", {}, content_type="application/json")
    assert resp.json()["state"] == "submitted"


def test_an_approved_pledge_feeds_finance(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    from iphub.finance.selectors import pledge_totals

    f = file_pledge(cast["enterprise"], patents["granted"], pledgee="汉口银行光谷支行")
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    assert pledge_totals(user=cast["supervisor"]).rows == []
    services.filing_approve(actor=cast["wuhan_clerk"], filing_id=f.pk, now=MONDAY_10)
    totals = pledge_totals(user=cast["supervisor"])
    assert [r.pk for r in totals.rows] == [f.pk]
    assert totals.by_bank == [("汉口银行光谷支行", 1, f.amount)]
    assert totals.by_region[0][0] == "武汉市"
    client.force_login(cast["supervisor"])
    html = client.get("/finance/").content.decode()
    assert "汉口银行光谷支行" in html and "5000000.00" in html
