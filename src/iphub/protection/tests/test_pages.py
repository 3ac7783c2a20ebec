"""Page flows beyond screening: a case from a confirmed group, evidence upload
through the page, cooperation between regions, overdue assistance, fast track."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from iphub.core.models import User
from iphub.protection.models import (
    AssistanceRequest,
    Case,
    CaseType,
    CooperationStatus,
    FastTrackRequest,
    FlaggedGroup,
    GroupKind,
)
from iphub.protection.services.assistance import assistance_request_submit
from iphub.protection.services.enforcement import case_create, cooperation_request_create
from iphub.protection.services.screening import (
    flagged_group_confirm,
    screening_run_create,
    screening_run_execute,
)

pytestmark = pytest.mark.django_db


def test_confirmed_group_opens_an_abnormal_filing_case(
    client: Client, corpus: dict[int, int], cast: dict[str, User]
) -> None:
    officer = cast["wuhan_enforcer"]
    screening_run_execute(screening_run_create(actor=officer).pk)
    group = FlaggedGroup.objects.get(kind=GroupKind.NEAR_DUPLICATE, region__code="420111")
    client.force_login(officer)
    client.post(f"/protection/screening/{group.pk}/case/")
    assert not Case.objects.exists()  # an open group is not yet a case
    flagged_group_confirm(actor=officer, group=group)
    response = client.post(f"/protection/screening/{group.pk}/case/")
    case = Case.objects.get()
    assert response["Location"] == f"/protection/cases/{case.pk}/"
    assert case.case_type == CaseType.ABNORMAL_FILING and case.region.code == "420111"
    assert {p.name for p in case.parties.all()} == {
        "武汉某某专利代理事务所",
        "武汉甲测试电池有限公司",
    }
    assert case.number in client.get(f"/protection/screening/{group.pk}/").content.decode()


def test_evidence_upload_page_refuses_a_renamed_executable(
    client: Client, cast: dict[str, User]
) -> None:
    officer = cast["wuhan_enforcer"]
    case = case_create(
        actor=officer, title="假冒专利", case_type="counterfeit_patent", region_code="420100"
    )
    client.force_login(officer)
    exe = SimpleUploadedFile("扣押清单.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf")
    page = client.post(f"/protection/cases/{case.pk}/evidence/", {"file": exe}, follow=True)
    assert "不是 PDF、JPEG 或 PNG" in page.content.decode() and not case.evidence.exists()
    pdf = SimpleUploadedFile("扣押清单.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    client.post(f"/protection/cases/{case.pk}/evidence/", {"file": pdf})
    evidence = case.evidence.get()
    download = client.get(f"/protection/evidence/{evidence.pk}/")
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert download.status_code == 200 and body.startswith(b"%PDF")
    client.force_login(cast["wuhan_clerk"])
    assert client.get(f"/protection/evidence/{evidence.pk}/").status_code == 403


def test_cooperation_request_answered_from_the_other_regions_inbox(
    client: Client, cast: dict[str, User], yichang_enforcer: User
) -> None:
    case = case_create(
        actor=cast["wuhan_enforcer"],
        title="商标侵权",
        case_type="trademark_infringement",
        region_code="420100",
    )
    request = cooperation_request_create(
        actor=cast["wuhan_enforcer"], case=case, to_region_code="420500", subject="协查宜昌经销商"
    )
    client.force_login(yichang_enforcer)
    assert "协查宜昌经销商" in client.get("/protection/cases/").content.decode()
    assert (
        client.get(f"/protection/cases/{case.pk}/").status_code == 404
    )  # the inbox, not the case file
    client.post(
        f"/protection/cooperation/{request.pk}/answer/",
        {"status": "completed", "response": "已核实"},
    )
    request.refresh_from_db()
    assert request.status == CooperationStatus.COMPLETED and request.response == "已核实"


def test_overdue_assistance_is_shown_to_the_centre(
    client: Client, cast: dict[str, User], orgs: Any
) -> None:
    item = assistance_request_submit(
        actor=cast["enterprise"],
        subject="商标被抢注",
        description="……",
        dispute_kind="domestic",
        field="A",
    )
    AssistanceRequest.objects.filter(pk=item.pk).update(
        due_on=dt.date.today() - dt.timedelta(days=1)
    )
    client.force_login(cast["wuhan_enforcer"])
    html = client.get("/protection/assistance/").content.decode()
    assert "1 件申请已超过办理期限未办结" in html
    client.post(f"/protection/assistance/{item.pk}/close/", {"outcome": "已协助提出异议"})
    assert "已超过办理期限" not in client.get("/protection/assistance/").content.decode()
    client.force_login(cast["wuhan_clerk"])  # window staff do not see assistance files
    assert "商标被抢注" not in client.get("/protection/assistance/").content.decode()


def test_fasttrack_page_submit_and_refusal(client: Client, cast: dict[str, User]) -> None:
    client.force_login(cast["enterprise"])
    client.post("/protection/fasttrack/", {"title": "一种图像识别方法", "ipc_main": "G06V10/82"})
    refused = client.post("/protection/fasttrack/", {"title": "一种月饼", "ipc_main": "A21D13/00"})
    assert "不在快速预审领域内" in refused.content.decode()
    assert list(FastTrackRequest.objects.values_list("eligible_field", flat=True)) == [
        "新一代信息技术（光芯屏端网）"
    ]
    client.force_login(cast["yichang_clerk"])
    assert "一种图像识别方法" not in client.get("/protection/fasttrack/").content.decode()
